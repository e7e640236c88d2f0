"""How a matter's deadline was reached, step by step, so a clerk can answer an enterprise
or a 督办 query without arithmetic: where counting starts and why, the unit, each holiday,
weekend and 调休 workday in each counted stretch, each pause with its reason and length, the
extension, and the date.

The clock (``domain.clock.MatterClock``) holds what the workflow decided: the days each
stretch used and the date. This reads those facts back against the calendar the clock
activity used; it never decides a date itself.
"""

from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel

from domain.catalogue import TimeUnit
from domain.clock import PAUSE_REASON_NAMES, UNIT_NAMES, ClockPause, MatterClock
from domain.dates import day_text, local_day

WEEKDAY_NAMES = "一二三四五六日"
# The workflow hands the clock's whole state to the ledger activity under this key, and the
# entry keeps, in its place, how the date was reached (the activity may read the calendar).
CLOCK_STATE = "clock_state"
EXPLANATION = "deadline_explanation"


class Calendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def count(self, after: date, through: date, unit: TimeUnit) -> tuple[int, tuple[int, ...]]: ...

    def festival(self, day: date) -> str | None: ...


class DayKind(StrEnum):
    WEEKEND = "weekend"  # 周末，不计
    HOLIDAY = "holiday"  # 法定节假日，不计
    MAKE_UP_WORKDAY = "make_up_workday"  # 调休上班的周末，计入


class NotedDay(BaseModel):
    day: date
    kind: DayKind
    words: str  # 10月1日（周四）国庆节


class StepKind(StrEnum):
    START = "start"
    LIMIT = "limit"
    COUNTED = "counted"
    PAUSED = "paused"
    EXTENSION = "extension"
    DUE = "due"


class ExplanationStep(BaseModel):
    kind: StepKind
    text: str
    after: date | None = None  # a counted stretch: the days in (after, through]
    through: date | None = None
    days: int | None = None
    noted_days: list[NotedDay] = []  # skipped (weekend, holiday) or counted (调休)


class DeadlineExplanation(BaseModel):
    due_on: date | None
    unit: TimeUnit
    limit_days: int
    provisional_years: list[int]
    steps: list[ExplanationStep]

    @property
    def lines(self) -> list[str]:
        return [step.text for step in self.steps]


def _day_words(day: date) -> str:
    return f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"


def _noted(calendar: Calendar, after: date, through: date, unit: TimeUnit) -> list[NotedDay]:
    """The days of (after, through] that a working-day count treats unlike their weekday."""
    if unit is TimeUnit.CALENDAR_DAYS:
        return []
    found = []
    day = after + timedelta(days=1)
    while day <= through:
        weekend, working = day.weekday() >= 5, calendar.is_working_day(day)
        name = calendar.festival(day) or ""
        if weekend and working:
            words = f"{_day_words(day)}{name}调休上班，计入"
            found.append(NotedDay(day=day, kind=DayKind.MAKE_UP_WORKDAY, words=words))
        elif not working and not weekend:
            words = f"{_day_words(day)}{name or '法定节假日'}，不计"
            found.append(NotedDay(day=day, kind=DayKind.HOLIDAY, words=words))
        elif not working:
            kind = DayKind.HOLIDAY if name else DayKind.WEEKEND
            words = f"{_day_words(day)}{name + '假期' if name else '周末'}，不计"
            found.append(NotedDay(day=day, kind=kind, words=words))
        day += timedelta(days=1)
    return found


def _skipped_words(noted: list[NotedDay]) -> str:
    if not noted:
        return "，其间没有节假日或周末"
    weekends = [d for d in noted if d.kind is DayKind.WEEKEND]
    others = [d.words for d in noted if d.kind is not DayKind.WEEKEND]
    parts = [f"周末{len(weekends)}天不计"] if weekends else []
    return "；" + "；".join(parts + others)


def _provisional_words(years: list[int]) -> str:
    if not years:
        return ""
    named = "、".join(map(str, years))
    return f"；{named}年节假日尚未公布，暂按周一至周五为工作日推算，公布后重算"


def _stood_groups(pauses: list[ClockPause]) -> list[list[ClockPause]]:
    """Pauses that overlap stood the clock once: a 补正 during an expert review."""
    groups: list[list[ClockPause]] = []
    for pause in sorted(pauses, key=lambda p: p.paused_at):
        last = groups[-1] if groups else None
        if last and any(p.resumed_at is None or p.resumed_at > pause.paused_at for p in last):
            last.append(pause)
        else:
            groups.append([pause])
    return groups


def explain(clock: MatterClock, calendar: Calendar) -> DeadlineExplanation:
    unit_name = UNIT_NAMES[clock.unit]
    steps = [
        ExplanationStep(
            kind=StepKind.START,
            text=(
                f"{day_text(clock.started_on)}受理，受理当日不计入，自次日起算"
                "（行政许可法第八十二条：期限开始之日不计算在内）"
            ),
        )
    ]
    limit = clock.limit_days - (clock.extension.days if clock.extension else 0)
    promise = (
        f"承诺时限{limit}{unit_name}（短于法定{clock.statutory_days}{unit_name}）"
        if limit < clock.statutory_days
        else f"法定时限{limit}{unit_name}"
    )
    counting = (
        "按工作日计，周末和法定节假日不计，调休上班日计入"
        if clock.unit is TimeUnit.WORKING_DAYS
        else "按自然日计，末日为节假日的顺延至其后第一个工作日（民法典第二百零三条）"
    )
    steps.append(ExplanationStep(kind=StepKind.LIMIT, text=f"{promise}，{counting}"))
    after, used_before = clock.started_on, 0
    for group in _stood_groups(clock.pauses):
        paused_on = local_day(group[0].paused_at)
        days = group[0].days_used_before - used_before
        noted = _noted(calendar, after, paused_on, clock.unit)
        steps.append(
            ExplanationStep(
                kind=StepKind.COUNTED,
                text=(
                    f"{day_text(after + timedelta(days=1))}至{day_text(paused_on)}"
                    f"计{days}{unit_name}{_skipped_words(noted)}"
                ),
                after=after,
                through=paused_on,
                days=days,
                noted_days=noted,
            )
        )
        used_before = group[0].days_used_before
        ends = [p.resumed_at for p in group]
        resumed_on = None if None in ends else local_day(max(e for e in ends if e))
        reasons = "、".join(dict.fromkeys(PAUSE_REASON_NAMES[p.reason] for p in group))
        notes = "；".join(p.note for p in group if p.note)
        length = (
            f"至{day_text(resumed_on)}恢复，共停{(resumed_on - paused_on).days}日不计；"
            "恢复当日不计入，自次日起续算"
            if resumed_on
            else "尚未恢复，暂停期间不计"
        )
        steps.append(
            ExplanationStep(
                kind=StepKind.PAUSED,
                text=(
                    f"{day_text(paused_on)}因{reasons}暂停计时{f'（{notes}）' if notes else ''}，"
                    f"此前已用{used_before}{unit_name}；{length}（行政许可法第四十五条）"
                ),
            )
        )
        if resumed_on is not None:
            after = resumed_on
    if clock.extension is not None:
        extension = clock.extension
        steps.append(
            ExplanationStep(
                kind=StepKind.EXTENSION,
                text=(
                    f"{day_text(extension.granted_at)}经负责人批准延长{extension.days}{unit_name}"
                    f"（{extension.reason}），时限共{clock.limit_days}{unit_name}"
                    "（行政许可法第四十二条）"
                ),
            )
        )
    if clock.due_on is not None:
        left = clock.limit_days - clock.days_used
        noted = _noted(calendar, clock.counting_from, clock.due_on, clock.unit)
        steps.append(
            ExplanationStep(
                kind=StepKind.COUNTED,
                text=(
                    f"余{left}{unit_name}自{day_text(clock.counting_from + timedelta(days=1))}"
                    f"起算，至{day_text(clock.due_on)}用满{_skipped_words(noted)}"
                ),
                after=clock.counting_from,
                through=clock.due_on,
                days=left,
                noted_days=noted,
            )
        )
        steps.append(
            ExplanationStep(
                kind=StepKind.DUE,
                text=(
                    f"办理期限为{day_text(clock.due_on)}，当日24时前办结"
                    f"{_provisional_words(clock.provisional_years)}"
                ),
            )
        )
    else:
        steps.append(
            ExplanationStep(
                kind=StepKind.DUE,
                text=f"计时暂停中，已用{clock.days_used}{unit_name}，恢复后按剩余天数重新算出期限",
            )
        )
    return DeadlineExplanation(
        due_on=clock.due_on,
        unit=clock.unit,
        limit_days=clock.limit_days,
        provisional_years=clock.provisional_years,
        steps=steps,
    )


def explain_span(
    start: date,
    due_on: date,
    calendar: Calendar,
    *,
    started_by: str,
    rule: str,
    provisional_years: list[int] | None = None,
) -> DeadlineExplanation:
    """A date counted in working days from an event (the 5-day report from the rating, a
    差评's 回访 and 整改 from the rating, 昌吉's budget from the plan). ``rule`` may name
    the count as ``{days}``."""
    noted = _noted(calendar, start, due_on, TimeUnit.WORKING_DAYS)
    days, _ = calendar.count(start, due_on, TimeUnit.WORKING_DAYS)
    years = provisional_years or []
    steps = [
        ExplanationStep(
            kind=StepKind.START,
            text=f"{day_text(start)}{started_by}，当日不计入，自次日起算",
        ),
        ExplanationStep(
            kind=StepKind.LIMIT,
            text=f"{rule.format(days=days)}，按工作日计，周末和法定节假日不计，调休上班日计入",
        ),
        ExplanationStep(
            kind=StepKind.COUNTED,
            text=(
                f"{day_text(start + timedelta(days=1))}至{day_text(due_on)}"
                f"计{days}个工作日{_skipped_words(noted)}"
            ),
            after=start,
            through=due_on,
            days=days,
            noted_days=noted,
        ),
        ExplanationStep(
            kind=StepKind.DUE,
            text=f"期限为{day_text(due_on)}，当日24时前办结{_provisional_words(years)}",
        ),
    ]
    return DeadlineExplanation(
        due_on=due_on,
        unit=TimeUnit.WORKING_DAYS,
        limit_days=days,
        provisional_years=years,
        steps=steps,
    )


def explain_in_entry(details: dict[str, Any], calendar: Calendar) -> dict[str, Any]:
    """A ledger entry's details with the clock's state replaced by how its date was reached
    (at the top, or under ``clock`` as an acceptance writes it)."""
    nested = details.get("clock")
    if isinstance(nested, dict) and CLOCK_STATE in nested:
        return {**details, "clock": explain_in_entry(nested, calendar)}
    state = details.get(CLOCK_STATE)
    if state is None:
        return details
    lines = explain(MatterClock.model_validate(state), calendar).lines
    return {**{k: v for k, v in details.items() if k != CLOCK_STATE}, EXPLANATION: lines}


# Entries that set a date counted from the entry's own day: which fields, and the words.
SPANS: dict[str, list[tuple[str, str, str]]] = {
    # event: [(details field with the date, what started it, the rule)]
    "feedback_report_drafted": [
        ("due_on", "评价反馈材料草稿生成", "评价反馈材料须在{days}个工作日内报送")
    ],
    "follow_up_opened": [
        ("callback_due_on", "收到差评", "差评须在{days}个工作日内回访企业"),
        ("remedy_due_on", "收到差评", "差评须在{days}个工作日内完成整改并请企业再次评价"),
    ],
    "case_budget_planned": [("budget_ends", "制定代办计划", "全部事项须在{days}个工作日内办结")],
    "case_budget_reprojected": [
        ("budget_ends", "制定代办计划", "全部事项须在{days}个工作日内办结")
    ],
}


def explain_entry(
    event: str, occurred_on: date, details: dict[str, Any], calendar: Calendar
) -> dict[str, Any]:
    """The details of a ledger entry with how each date it set was reached: a matter's
    deadline from its clock's state, a report's, follow-up's or budget's from the day the
    entry was written (or the budget's plan day)."""
    details = explain_in_entry(details, calendar)
    spans = SPANS.get(event)
    if not spans:
        return details
    explained: dict[str, list[str]] = {}
    for field, started_by, rule in spans:
        due = details.get(field)
        if not isinstance(due, str):
            continue
        start = details.get("planned_on") or occurred_on.isoformat()
        lines = explain_span(
            date.fromisoformat(str(start)),
            date.fromisoformat(due),
            calendar,
            started_by=started_by,
            rule=rule,
            provisional_years=list(details.get("provisional_years") or []),
        ).lines
        explained[field] = lines
    if not explained:
        return details
    return {**details, EXPLANATION: explained}
