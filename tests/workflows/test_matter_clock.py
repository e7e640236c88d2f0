"""The matter clock on today's date: alarms once across a restart, extension, suspension,
and a deadline that runs into a year whose holidays are not published."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.clock import ClockActivities
from activities.ledger import LedgerActivities
from domain.catalogue import TimeUnit
from domain.clock import BUSINESS_ZONE
from ops.recompute_deadlines import recompute
from policies.working_calendar import WorkingCalendar
from store.tables import NotificationRow
from temporal_worker import WorkerTuning, build_worker
from tests.support.driver import BOLE_LAND, CaseDriver, department, plan
from tests.support.histories import record_if_asked
from tests.support.polling import eventually

pytestmark = pytest.mark.own_clock  # these tests move the clock: a server each

WD = TimeUnit.WORKING_DAYS
BOLE_WATER = "bole-water-resources"


async def _today(env: WorkflowEnvironment) -> date:
    return (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()


async def _sleep_until(env: WorkflowEnvironment, moment: datetime) -> None:
    await env.sleep(moment - await env.get_current_time())


async def _open_and_hand_over(driver: CaseDriver, matters: list[str] | None = None) -> str:
    case_id = await driver.open(**({"matters": matters} if matters else {}))
    await driver.accept(case_id)
    await driver.post(f"/cases/{case_id}/plan", plan(matters) if matters else plan())
    return case_id


async def _wait_for_events(
    driver: CaseDriver, case_id: str, *events: str, timeout: float = 15
) -> list[dict]:
    async def entries() -> list[dict]:
        found = await driver.ledger(case_id)
        return found if all(any(e["event"] == ev for e in found) for ev in events) else []

    return await eventually(entries, f"{events} in the ledger", timeout=timeout)


# A worker without a cache is the only way to restart one on the time-skipping server (it
# never hands a stopped worker's sticky tasks on), but such a worker has its local ledger
# writes cancelled at every task and re-run once the server times the task out (10 s). So
# its steps get a minute; tests/workflows/test_worker_restart.py restarts a cached worker on
# a real server instead.
UNCACHED_STEP = 60


async def test_warning_and_overdue_fire_once_across_a_worker_restart(
    http: httpx.AsyncClient,
    start_worker,
    env: WorkflowEnvironment,
    engine: Engine,
) -> None:
    driver = CaseDriver(http)
    calendar = WorkingCalendar()
    async with start_worker(max_cached_workflows=0):
        case_id = await _open_and_hand_over(driver)
        await driver.wait_for_matter(
            case_id, "enterprise-registration", "handed_over", UNCACHED_STEP
        )
        accepted = await driver.department_act(case_id, "enterprise-registration", "acceptance", {})
        today = await _today(env)
        due = calendar.add(today, 3, WD).value
        assert accepted["clock"]["due_on"] == due.isoformat()
        assert accepted["clock"]["warn_on"] == due.isoformat()  # ceil(80 % of 3) = 3

        # The warning comes due with this worker, which then stops.
        await _sleep_until(env, datetime.combine(due, time(8), tzinfo=BUSINESS_ZONE))
        await _wait_for_events(driver, case_id, "deadline_warning", timeout=UNCACHED_STEP)

    # A new worker rebuilds the matter from history: the warning is not sounded again, and
    # overdue comes due on time. (The test server cannot skip time with no worker at all: it
    # waits for every workflow task before moving its clock on.)
    async with start_worker():
        after_due = datetime.combine(due + timedelta(days=1), time(8), tzinfo=BUSINESS_ZONE)
        await _sleep_until(env, after_due)
        await _wait_for_events(driver, case_id, "deadline_warning", "deadline_overdue")
        await env.sleep(timedelta(days=20))  # more time changes nothing: each fires once
        entries = await driver.ledger(case_id)
        status = await driver.status(case_id)
        await record_if_asked(env.client, "deadline_alarms", case_id, ["enterprise-registration"])

    # The registration's alarms (its neighbours, left unanswered, were deemed accepted by
    # §32 and keep their own clocks).
    events = [e["event"] for e in entries if e["matter"] in (None, "enterprise-registration")]
    assert events.count("deadline_warning") == 1
    assert events.count("deadline_overdue") == 1
    assert events.index("deadline_warning") < events.index("deadline_overdue")
    overdue = next(e for e in entries if e["event"] == "deadline_overdue")
    assert overdue["actor"]["id"] == "system" and "分管领导" in overdue["summary"]
    registration = next(m for m in status["matters"] if m["code"] == "enterprise-registration")
    assert registration["clock"]["overdue_at"] is not None

    with Session(engine) as session:
        notices = session.exec(
            select(NotificationRow).where(NotificationRow.case_id == case_id)
        ).all()
    deadline_events = ("deadline_warning", "deadline_overdue")
    registration = [n for n in notices if "企业设立登记" in n.message]
    assert sorted((n.event, n.recipient) for n in registration if n.event in deadline_events) == [
        ("deadline_overdue", "agent"),
        ("deadline_overdue", "department"),
        ("deadline_overdue", "leader"),
        ("deadline_warning", "agent"),
        ("deadline_warning", "department"),
    ]
    listed = await http.get(
        "/notifications", params={"recipient": "department", "address": "bole-market-regulation"}
    )
    assert listed.status_code == 200 and listed.json()["total"] == 2


async def test_suspension_and_the_one_extension(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    calendar = WorkingCalendar()
    case_id = await _open_and_hand_over(driver)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    accepted = await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    started = await _today(env)
    assert accepted["clock"]["due_on"] == calendar.add(started, 20, WD).value.isoformat()

    land = f"/departments/{BOLE_LAND}/tasks/{case_id}/land-preexamination"
    clerk = department(BOLE_LAND)
    await driver.department_act(
        case_id, "land-preexamination", "clock-suspension", {"reason": "expert_review"}
    )
    refused = await driver.http.post(
        f"{land}/clock-suspension", json={"reason": "hearing"}, headers=clerk
    )
    assert refused.status_code == 409 and "暂停中" in refused.json()["error"]["message"]

    await env.sleep(timedelta(days=9))
    resumed = await driver.department_act(case_id, "land-preexamination", "clock-resumption", {})
    used = calendar.count(started, started, WD)[0]  # suspended on the acceptance day
    resumed_on = await _today(env)
    expected = calendar.add(resumed_on, 20 - used, WD)
    assert resumed["clock"]["due_on"] == expected.value.isoformat()

    too_long = {"days": 11, "reason": "需补充专家论证", "explanation": "专家论证需要时间"}
    response = await driver.http.post(f"{land}/extension", json=too_long, headers=clerk)
    assert response.status_code == 409 and "最多可延长10日" in response.json()["error"]["message"]

    extended = await driver.department_act(
        case_id,
        "land-preexamination",
        "extension",
        {"days": 10, "reason": "需补充专家论证", "explanation": "已电话告知企业，延长10个工作日"},
    )
    after = calendar.add(resumed_on, 30 - used, WD)
    assert extended["clock"]["due_on"] == after.value.isoformat()
    assert extended["clock"]["limit_days"] == 30
    assert extended["clock"]["provisional_years"] == list(after.provisional_years)

    again = {"days": 1, "reason": "再次延期", "explanation": "x"}
    response = await driver.http.post(f"{land}/extension", json=again, headers=clerk)
    assert response.status_code == 409 and "只能延长一次" in response.json()["error"]["message"]

    entries = await driver.ledger(case_id)
    events = [e["event"] for e in entries]
    assert events.count("clock_suspended") == 1 and events.count("clock_resumed") == 1
    assert events.count("deadline_extended") == 1
    await record_if_asked(env.client, "suspension_extension", case_id, ["land-preexamination"])
    notices = (await driver.http.get("/notifications", params={"case_id": case_id})).json()
    assert {n["recipient"] for n in notices["items"]} >= {"agent", "enterprise"}


async def test_a_year_without_data_is_provisional_until_ops_recompute(
    http: httpx.AsyncClient,
    env: WorkflowEnvironment,
    engine: Engine,
    task_queue: str,
    client: Client,
    tmp_path: Path,
) -> None:
    """取水许可: 45 working days from today reach into a year nobody has published yet."""
    today = await _today(env)
    # As if the package were a year behind: this year is not published, on any test day.
    calendar = WorkingCalendar(override_dir=tmp_path, package_until=today.year - 1)
    driver = CaseDriver(http)
    with ThreadPoolExecutor(4) as executor:
        worker = build_worker(
            client,
            task_queue,
            LedgerActivities(engine),
            executor,
            tuning=WorkerTuning(graceful_shutdown=timedelta(0)),
            clock=ClockActivities(calendar),
        )
        async with worker:
            case_id = await _open_and_hand_over(driver, ["water-permit"])
            await driver.wait_for_matter(case_id, "water-permit", "handed_over")
            accepted = await driver.department_act(
                case_id, "water-permit", "acceptance", {}, as_department=BOLE_WATER
            )
            provisional = calendar.add(today, 45, WD)
            assert accepted["clock"]["due_on"] == provisional.value.isoformat()
            assert accepted["clock"]["provisional_years"] == list(provisional.provisional_years)
            inbox = (
                await http.get(f"/departments/{BOLE_WATER}/inbox", headers=department(BOLE_WATER))
            ).json()
            assert inbox["items"][0]["deadline_provisional"] is True

            # The year is published: one weekday inside the period becomes a holiday.
            holiday = next(
                today + timedelta(days=n)
                for n in range(1, 100)
                if (today + timedelta(days=n)).weekday() < 5
                and (today + timedelta(days=n)).year in provisional.provisional_years
            )
            year = holiday.year
            (tmp_path / f"{year}.toml").write_text(
                f'source = "test"\nholidays = [{holiday.isoformat()}]\n', encoding="utf-8"
            )
            assert await recompute(client, engine) == 1
            entries = await _wait_for_events(driver, case_id, "deadline_recomputed")
            status = await driver.status(case_id)

    final = calendar.add(today, 45, WD)
    water = status["matters"][0]["clock"]
    assert water["due_on"] == final.value.isoformat() != provisional.value.isoformat()
    assert water["provisional_years"] == list(final.provisional_years)
    recomputed = next(e for e in entries if e["event"] == "deadline_recomputed")
    assert recomputed["details"]["before"] == provisional.value.isoformat()


async def test_the_inbox_puts_hand_overs_first_then_the_soonest_deadline(
    driver: CaseDriver,
) -> None:
    """A hand-over not yet accepted has 24 hours: it comes first; then the deadlines."""
    ecology = "bole-ecology-environment"
    eia = ["eia-report-book", "eia-report-table"]  # 60 and 30 calendar days
    first = await _open_and_hand_over(driver, eia)
    second = await _open_and_hand_over(driver, eia)
    for case_id in (first, second):
        for matter in eia:
            await driver.wait_for_matter(case_id, matter, "handed_over")
    for matter in eia:  # the 60-day report is accepted first
        await driver.department_act(first, matter, "acceptance", {}, as_department=ecology)
    inbox = (
        await driver.http.get(f"/departments/{ecology}/inbox", headers=department(ecology))
    ).json()
    tasks = [(t["case_id"], t["matter"]) for t in inbox["items"]]
    mine = [t for t in tasks if t[0] in (first, second)]
    assert set(mine[:2]) == {(second, matter) for matter in eia}  # handed over, not accepted
    assert mine[2:] == [(first, "eia-report-table"), (first, "eia-report-book")]
    ours = [t for t in inbox["items"] if t["case_id"] in (first, second)]
    assert ours[0]["due_on"] is None and ours[1]["due_on"] is None
    assert ours[2]["due_on"] < ours[3]["due_on"]
