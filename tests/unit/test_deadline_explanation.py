"""How a deadline was reached, checked against dates worked out by hand on the 2026
calendar (国庆节 10月1日至7日放假, 10月10日 Saturday 调休上班)."""

from datetime import UTC, date, datetime

from domain.catalogue import TimeUnit
from domain.clock import ClockPause, Extension, MatterClock, PauseReason
from domain.deadline_explanation import DayKind, StepKind, explain, explain_in_entry
from policies.working_calendar import WorkingCalendar

CALENDAR = WorkingCalendar()


def _clock(**changes: object) -> MatterClock:
    values: dict = {
        "unit": TimeUnit.WORKING_DAYS,
        "statutory_days": 20,
        "limit_days": 10,
        "warning_share": 0.8,
        "started_on": date(2026, 9, 28),
        "counting_from": date(2026, 9, 28),
        "due_on": date(2026, 10, 16),
    }
    return MatterClock.model_validate(values | changes)


def test_a_run_across_national_day_names_each_day_it_skipped_and_the_make_up_day() -> None:
    explained = explain(_clock(), CALENDAR)
    kinds = [step.kind for step in explained.steps]
    assert kinds == [StepKind.START, StepKind.LIMIT, StepKind.COUNTED, StepKind.DUE]
    assert "受理当日不计入" in explained.steps[0].text
    assert "承诺时限10个工作日（短于法定20个工作日）" in explained.steps[1].text
    run = explained.steps[2]
    assert run.days == 10 and run.after == date(2026, 9, 28) and run.through == date(2026, 10, 16)
    noted = {d.day: d for d in run.noted_days}
    assert noted[date(2026, 10, 1)].kind is DayKind.HOLIDAY
    assert "国庆节" in noted[date(2026, 10, 1)].words
    assert noted[date(2026, 10, 10)].kind is DayKind.MAKE_UP_WORKDAY
    assert "调休上班，计入" in noted[date(2026, 10, 10)].words
    assert noted[date(2026, 10, 11)].kind is DayKind.WEEKEND
    # 1 to 7 October are the holiday, 11 October the only plain weekend day.
    assert sorted(d for d, n in noted.items() if n.kind is not DayKind.MAKE_UP_WORKDAY) == [
        date(2026, 10, day) for day in (1, 2, 3, 4, 5, 6, 7, 11)
    ]
    assert explained.steps[-1].text.startswith("办理期限为2026年10月16日")


def test_a_pause_and_an_extension_are_steps_with_their_reason_and_length() -> None:
    paused = ClockPause(
        reason=PauseReason.CORRECTION,
        note="补正：土地权属证明",
        paused_at=datetime(2026, 10, 9, 2, tzinfo=UTC),  # 10:00 in Beijing
        paused_by="dept-1",
        days_used_before=4,
        resumed_at=datetime(2026, 10, 13, 3, tzinfo=UTC),
    )
    extension = Extension(
        days=5,
        reason="需现场踏勘",
        explanation="",
        granted_by="dept-1",
        granted_at=datetime(2026, 10, 15, 2, tzinfo=UTC),
    )
    clock = _clock(
        limit_days=15,
        days_used=4,
        counting_from=date(2026, 10, 13),
        due_on=date(2026, 10, 28),
        pauses=[paused],
        extension=extension,
    )
    explained = explain(clock, CALENDAR)
    kinds = [step.kind for step in explained.steps]
    assert kinds == [
        StepKind.START,
        StepKind.LIMIT,
        StepKind.COUNTED,
        StepKind.PAUSED,
        StepKind.EXTENSION,
        StepKind.COUNTED,
        StepKind.DUE,
    ]
    first, pause, _, last = explained.steps[2:6]
    assert (first.after, first.through, first.days) == (date(2026, 9, 28), date(2026, 10, 9), 4)
    assert "因补正暂停计时（补正：土地权属证明）" in pause.text
    assert "至2026年10月13日恢复，共停4日不计" in pause.text
    assert "延长5个工作日（需现场踏勘），时限共15个工作日" in explained.steps[4].text
    # 11 days left after 13 October: 14, 15, 16, 19 … 28 October (weekends skipped).
    assert (last.after, last.days) == (date(2026, 10, 13), 11)
    assert "至2026年10月28日用满" in last.text and "周末4天不计" in last.text


def test_a_paused_clock_says_so_and_a_provisional_year_is_named() -> None:
    open_pause = ClockPause(
        reason=PauseReason.EXPERT_REVIEW,
        paused_at=datetime(2026, 10, 9, 2, tzinfo=UTC),
        paused_by="dept-1",
        days_used_before=4,
    )
    stood = explain(_clock(due_on=None, days_used=4, pauses=[open_pause]), CALENDAR)
    assert "尚未恢复" in stood.steps[3].text
    assert stood.steps[-1].text.startswith("计时暂停中，已用4个工作日")
    provisional = explain(
        _clock(
            started_on=date(2026, 12, 28),
            counting_from=date(2026, 12, 28),
            due_on=date(2027, 1, 12),
            provisional_years=[2027],
        ),
        WorkingCalendar(package_until=2026),
    )
    assert "2027年节假日尚未公布" in provisional.steps[-1].text


def test_the_ledger_keeps_the_explanation_in_place_of_the_clock_state() -> None:
    state = _clock().model_dump(mode="json")
    top = explain_in_entry({"note": "", "clock_state": state}, CALENDAR)
    assert "clock_state" not in top and top["deadline_explanation"][0].startswith(
        "2026年9月28日受理"
    )
    nested = explain_in_entry({"clock": {"due_on": "2026-10-16", "clock_state": state}}, CALENDAR)
    assert nested["clock"]["deadline_explanation"][-1].startswith("办理期限为2026年10月16日")
    assert explain_in_entry({"note": "x"}, CALENDAR) == {"note": "x"}


def test_a_report_follow_up_or_budget_entry_explains_its_dates() -> None:
    """Counted from the entry's own day (the budget from its plan day), skipping the
    National Day week: 5 working days after Wednesday 30 September are 9 to 13 October
    (10 October, a Saturday, is worked)."""
    from domain.deadline_explanation import explain_entry

    report = explain_entry(
        "feedback_report_drafted", date(2026, 9, 30), {"due_on": "2026-10-13"}, CALENDAR
    )
    lines = report["deadline_explanation"]["due_on"]
    assert lines[0].startswith("2026年9月30日评价反馈材料草稿生成")
    assert "须在5个工作日内报送" in lines[1]
    assert "国庆节" in lines[2] and lines[-1].startswith("期限为2026年10月13日")
    follow_up = explain_entry(
        "follow_up_opened",
        date(2026, 12, 1),
        {"callback_due_on": "2026-12-04", "remedy_due_on": "2026-12-15"},
        CALENDAR,
    )
    assert set(follow_up["deadline_explanation"]) == {"callback_due_on", "remedy_due_on"}
    assert "3个工作日内回访企业" in follow_up["deadline_explanation"]["callback_due_on"][1]
    budget = explain_entry(
        "case_budget_planned",
        date(2026, 12, 20),
        {"planned_on": "2026-12-01", "budget_ends": "2026-12-15"},
        CALENDAR,
    )
    assert budget["deadline_explanation"]["budget_ends"][0].startswith("2026年12月1日制定代办计划")
    assert "10个工作日内办结" in budget["deadline_explanation"]["budget_ends"][1]
    assert explain_entry("case_opened", date(2026, 12, 1), {"x": 1}, CALENDAR) == {"x": 1}
