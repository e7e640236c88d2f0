"""What-if for the open cases now: which deadlines a calendar or policy change would move,
read from the matters' own clocks, before anything is applied."""

from datetime import date, timedelta

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from policies.working_calendar import FIXED_DATE_HOLIDAYS, WorkingCalendar
from simulation.change import Change, calendar_for
from simulation.open_cases import moved_deadlines
from tests.support.driver import CaseDriver

LAND = "land-preexamination"  # 20 working days; a matter accepted now is due in 2027


async def test_a_calendar_and_a_promise_move_the_open_deadlines_they_touch(
    driver: CaseDriver, env: WorkflowEnvironment, engine: Engine, tmp_path
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, LAND, "handed_over")
    await driver.department_act(case_id, LAND, "acceptance", {})
    status = await driver.wait_for_matter(case_id, LAND, "accepted")
    land_status = next(m for m in status["matters"] if m["code"] == LAND)
    due = date.fromisoformat(land_status["clock"]["due_on"])

    # The three working days before the due date become holidays (each year's schedule as
    # published, plus them): the matter is due three working days later. Near the turn of the
    # year those days may fall in two years, so each year they touch gets its own schedule.
    official = WorkingCalendar()
    today = (await env.get_current_time()).astimezone(BUSINESS_ZONE).date()
    before = [d for d in _days(today, due) if official.is_working_day(d)]
    added = before[-4:-1]  # the due day itself stays a working day
    assert len(added) == 3 and today < added[0]
    new_year = Change(
        name="新的假日",
        calendar={year: _with_holidays(official, year, added) for year in {d.year for d in added}},
    )
    moved = await moved_deadlines(
        env.client, engine, new_year, calendar_for(new_year, tmp_path / "a")
    )
    land = next(m for m in moved if m.case_id == case_id and m.matter == LAND)
    after = [d for d in _days(due + timedelta(days=1), due + timedelta(days=30))]
    expected = [d for d in after if official.is_working_day(d)][2]
    assert land.due_on == due and land.new_due_on == expected
    assert land.shift_days == (expected - due).days
    assert land.limit_days == land.new_limit_days == 20

    promise = Change(
        name="承诺10个工作日", packs={"BZ": {"matters": {LAND: {"promised_days": 10}}}}
    )
    moved = await moved_deadlines(
        env.client, engine, promise, calendar_for(promise, tmp_path / "b")
    )
    land = next(m for m in moved if m.case_id == case_id and m.matter == LAND)
    assert land.new_limit_days == 10 and land.new_due_on < due
    # the other open matters are not touched by a promise about this one
    assert all(m.matter == LAND for m in moved if m.case_id == case_id)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _with_holidays(official: WorkingCalendar, year: int, added: list[date]) -> dict:
    """The year's published schedule (or its fixed-date holidays) with the added days off."""
    schedule = official.schedule(year)
    published = schedule.holidays if schedule else _fixed(year)
    return {
        "holidays": sorted(set(published) | {d for d in added if d.year == year}),
        "make_up_workdays": sorted(schedule.make_up_workdays) if schedule else [],
    }


def _fixed(year: int) -> list[date]:
    """A year without a published schedule keeps its fixed-date holidays."""
    return [date(year, month, day) for month, day in FIXED_DATE_HOLIDAYS]
