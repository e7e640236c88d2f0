"""When a year's holidays land, what was reckoned in it is reckoned again: the days a paused
matter used (counted as if the year had no holidays), and the case's feedback-report due
date, whose overdue would otherwise sound a day early."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from domain.actors import Role
from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from ops.recompute_deadlines import recompute
from policies.working_calendar import WorkingCalendar
from services.accounts import bound
from store import accounts
from temporal_worker import WorkerTuning, build_worker
from tests.api.test_console import _sign_in
from tests.support.driver import CaseDriver
from tests.support.histories import record_if_asked
from tests.workflows.test_matter_clock import (
    BOLE_WATER,
    _open_and_hand_over,
    _today,
    _wait_for_events,
)

pytestmark = pytest.mark.own_clock

WD = TimeUnit.WORKING_DAYS


def _unpublished(tmp_path: Path, today: date) -> WorkingCalendar:
    # As if the package were a year behind: this year is not published, on any test day.
    return WorkingCalendar(override_dir=tmp_path, package_until=today.year - 1)


def _publish_a_holiday(tmp_path: Path, after: date, through: date) -> date:
    """The year's file lands, making the first weekday in (after, through] a holiday."""
    holiday = next(
        after + timedelta(days=n)
        for n in range(1, (through - after).days + 1)
        if (after + timedelta(days=n)).weekday() < 5
    )
    (tmp_path / f"{holiday.year}.toml").write_text(
        f'source = "test"\nholidays = [{holiday.isoformat()}]\n', encoding="utf-8"
    )
    return holiday


def _worker(client: Client, task_queue: str, engine: Engine, calendar: WorkingCalendar, pool):
    return build_worker(
        client,
        task_queue,
        LedgerActivities(engine),
        pool,
        tuning=WorkerTuning(graceful_shutdown=timedelta(0)),
        clock=ClockActivities(calendar),
    )


async def test_days_a_paused_matter_used_are_counted_again_when_the_year_lands(
    http: httpx.AsyncClient,
    env: WorkflowEnvironment,
    engine: Engine,
    task_queue: str,
    client: Client,
    tmp_path: Path,
) -> None:
    today = await _today(env)
    calendar = _unpublished(tmp_path, today)
    driver = CaseDriver(http)
    paused_on = today + timedelta(days=7)
    with ThreadPoolExecutor(4) as pool:
        async with _worker(client, task_queue, engine, calendar, pool):
            case_id = await _open_and_hand_over(driver, ["water-permit"])
            await driver.wait_for_matter(case_id, "water-permit", "handed_over")
            verb = "water-permit"
            await driver.department_act(case_id, verb, "acceptance", {}, as_department=BOLE_WATER)
            moment = datetime.combine(paused_on, time(10), tzinfo=BUSINESS_ZONE)
            await env.sleep(moment - await env.get_current_time())
            paused = await driver.department_act(
                case_id,
                verb,
                "clock-suspension",
                {"reason": "expert_review"},
                as_department=BOLE_WATER,
            )
            counted = paused["clock"]["days_used"]
            assert counted == calendar.count(today, paused_on, WD)[0]
            assert paused["clock"]["provisional_runs"][0]["days"] == counted
            # the department's task page marks the count as provisional
            token = http.headers.pop("Authorization")
            colleague = bound(
                "clerk2.water", "水利局另一经办人", Role.DEPARTMENT, department=BOLE_WATER
            )
            accounts.create(engine, colleague, None)  # the tests' own clerk keeps its token
            await _sign_in(http, engine, colleague.username)
            page = (await http.get(f"/console/inbox/{case_id}/{verb}")).text
            assert f"暂停计时（已用{counted}日" in page and "暂定" in page
            http.cookies.clear()
            http.headers["Authorization"] = token
            holiday = _publish_a_holiday(tmp_path, today, paused_on)
            assert await recompute(client, engine) == 1  # paused, yet asked
            entries = await _wait_for_events(driver, case_id, "deadline_recomputed")
            status = await driver.status(case_id)
            water = status["matters"][0]["clock"]
            assert water["days_used"] == counted - 1 and water["provisional_runs"] == []
            recount = next(e for e in entries if e["event"] == "deadline_recomputed")
            assert f"已用天数：{counted} → {counted - 1}" in recount["summary"]
            assert "计时暂停中" in recount["summary"]
            # resumed, the clock runs on from the corrected count
            resumed = await driver.department_act(
                case_id, verb, "clock-resumption", {}, as_department=BOLE_WATER
            )
            expected = calendar.add(paused_on, 45 - (counted - 1), WD).value
            assert resumed["clock"]["due_on"] == expected.isoformat()
            assert holiday.isoformat() not in resumed["clock"]["due_on"]
            await record_if_asked(client, "provisional_days_recounted", case_id, ["water-permit"])


async def test_the_feedback_report_due_date_moves_when_the_year_lands(
    http: httpx.AsyncClient,
    env: WorkflowEnvironment,
    engine: Engine,
    task_queue: str,
    client: Client,
    tmp_path: Path,
) -> None:
    today = await _today(env)
    calendar = _unpublished(tmp_path, today)
    driver = CaseDriver(http)
    with ThreadPoolExecutor(4) as pool:
        async with _worker(client, task_queue, engine, calendar, pool):
            case_id = await driver.registration_only_case_at_delivery()
            await driver.deliver_and_evaluate(case_id)
            status = await driver.wait_for(
                case_id, lambda s: s.get("feedback_report"), "the report draft"
            )
            report = status["feedback_report"]
            provisional = date.fromisoformat(report["due_on"])
            assert report["provisional_years"] == [today.year]
            _publish_a_holiday(tmp_path, today, provisional)
            await recompute(client, engine)
            entries = await _wait_for_events(driver, case_id, "deadline_recomputed")
            moved = next(e for e in entries if e["event"] == "deadline_recomputed")
            later = calendar.add(today, 5, WD).value
            assert (
                moved["summary"]
                == f"节假日安排公布后重算评价反馈报告报送期限：{provisional} → {later}"
            )
            # no overdue on the provisional day: the wait moved with the date
            moment = datetime.combine(
                provisional + timedelta(days=1), time(10), tzinfo=BUSINESS_ZONE
            )
            await env.sleep(moment - await env.get_current_time())
            status = await driver.status(case_id)
            assert status["feedback_report"]["due_on"] == later.isoformat()
            assert status["feedback_report"]["overdue_at"] is None
            moment = datetime.combine(later + timedelta(days=1), time(10), tzinfo=BUSINESS_ZONE)
            await env.sleep(moment - await env.get_current_time())
            await _wait_for_events(driver, case_id, "feedback_report_overdue")
            await record_if_asked(client, "report_due_date_recomputed", case_id, [])
