"""A baseline learned from the ledger of a period: how often cases came and how long each
person took, as observed values the simulation draws from.

Every time is measured in working days on the official calendar the period ran under
(``simulation.working_time``), so replayed on another year's calendar a holiday still
holds people up. A step nobody took in the period keeps the stated default.
"""

from collections import Counter, defaultdict
from datetime import datetime

from domain.actions import Satisfaction
from policies.working_calendar import WorkingCalendar
from simulation.baseline import (
    Arrivals,
    Baseline,
    CorrectionHabits,
    DepartmentHabits,
    Duration,
    MatterSet,
)
from simulation.ledger_facts import CaseFacts, MatterFacts
from simulation.working_time import working_days_between

DEFAULTS = Baseline(
    source="默认",
    start="2027-01-04",
    arrivals=[
        Arrivals(jurisdiction="BZ", park="-", per_week=0, matter_sets=[MatterSet(matters=["-"])])
    ],
)


class NothingToLearn(ValueError):
    """The period holds no case received in it."""


def _duration(samples: list[float], default: Duration) -> Duration:
    return Duration(samples=[round(s, 4) for s in samples]) if samples else default


class _Spans:
    """Observed working-day spans, by step and key."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.by: dict[tuple[str, str], list[float]] = defaultdict(list)

    def add(self, step: str, key: str, start: datetime | None, end: datetime | None) -> None:
        if start is not None and end is not None and end >= start:
            days = working_days_between(start, end, self.calendar.is_working_day)
            self.by[(step, key)].append(days)
            self.by[(step, "")].append(days)

    def hours(self, step: str, start: datetime | None, end: datetime | None) -> None:
        if start is not None and end is not None and end >= start:
            self.by[(step, "")].append((end - start).total_seconds() / 3600)

    def of(self, step: str, key: str = "") -> list[float]:
        return self.by.get((step, key), [])


def _matter_spans(spans: _Spans, matter: MatterFacts) -> None:
    department, code = matter.department, matter.code
    spans.add("acknowledge", department, matter.handed_over_at, matter.acknowledged_at)
    spans.add(
        "accept", department, matter.acknowledged_at or matter.handed_over_at, matter.accepted_at
    )
    last = matter.accepted_at
    for asked, answered in matter.corrections:
        spans.add("ask", code, last, asked)
        spans.add("resubmit", code, asked, answered)
        last = answered
    if matter.decided_at is not None:
        spans.add("decide", department, last, matter.decided_at)
    if matter.deferred:
        spans.add("supply", "", matter.accepted_at, matter.supplied_at)
        spans.add("confirm", department, matter.supplied_at, matter.confirmed_at)


def learn(
    cases: list[CaseFacts],
    since: datetime,
    until: datetime,
    start: str,
    weeks: int = 52,
    calendar: WorkingCalendar | None = None,
) -> Baseline:
    """The baseline of the cases received in [since, until), for a period from ``start``."""
    if not cases:
        raise NothingToLearn(f"{since:%Y-%m-%d}至{until:%Y-%m-%d}之间没有受理的案件")
    calendar = calendar or WorkingCalendar()
    spans = _Spans(calendar)
    observed_weeks = max((until - since).total_seconds() / (7 * 86400), 1 / 7)
    sets: dict[tuple[str, str], Counter[tuple[str, ...]]] = defaultdict(Counter)
    rounds: dict[str, Counter[int]] = defaultdict(Counter)
    ratings: Counter[str] = Counter()
    deferred = accepted = 0
    for case in cases:
        sets[(case.jurisdiction, case.park)][tuple(sorted(case.matters))] += 1
        spans.add("review", "", case.received_at, case.reviewed_at)
        spans.add("plan", "", case.reviewed_at, case.planned_at)
        decided = [m.decided_at for m in case.matters.values() if m.decided_at]
        if decided and len(decided) == len(case.matters):
            spans.add("deliver", "", max(decided), case.delivered_at)
        spans.add("evaluate", "", case.delivered_at, case.evaluated_at)
        spans.add("report", "", case.evaluated_at, case.report_filed_at)
        previous = case.evaluated_at
        for step in case.follow_up_steps:
            spans.add("follow_up", "", previous, step)
            previous = step
        for problem in case.problems.values():
            spans.hours("coordinate", problem.raised_at, problem.coordinated_at)
        if case.rating:
            ratings[case.rating] += 1
        for matter in case.matters.values():
            _matter_spans(spans, matter)
            if matter.decided_at is not None:
                rounds[matter.code][len(matter.corrections)] += 1
            if matter.accepted_at is not None:
                accepted += 1
                deferred += matter.deferred
    departments = {
        department: DepartmentHabits(
            accept=_duration(spans.of("accept", department), DEFAULTS.any_department.accept),
            decide=_duration(spans.of("decide", department), DEFAULTS.any_department.decide),
            acknowledge=_duration(
                spans.of("acknowledge", department), DEFAULTS.any_department.acknowledge
            ),
            confirm=_duration(spans.of("confirm", department), DEFAULTS.any_department.confirm),
        )
        for department in sorted({k for (step, k) in spans.by if step == "decide" and k})
    }
    corrections = {
        code: CorrectionHabits(
            rounds={n: count / sum(counts.values()) for n, count in sorted(counts.items())},
            ask=_duration(spans.of("ask", code), DEFAULTS.any_matter.ask),
            resubmit=_duration(spans.of("resubmit", code), DEFAULTS.any_matter.resubmit),
        )
        for code, counts in sorted(rounds.items())
    }
    total_ratings = sum(ratings.values())
    return Baseline(
        source=f"台账 {since:%Y-%m-%d} 至 {until:%Y-%m-%d}（{len(cases)} 件）",
        start=start,
        weeks=weeks,
        arrivals=[
            Arrivals(
                jurisdiction=jurisdiction,
                park=park,
                per_week=round(sum(counts.values()) / observed_weeks, 4),
                matter_sets=[
                    MatterSet(matters=list(matters), weight=n)
                    for matters, n in counts.most_common()
                ],
            )
            for (jurisdiction, park), counts in sorted(sets.items())
        ],
        review=_duration(spans.of("review"), DEFAULTS.review),
        plan=_duration(spans.of("plan"), DEFAULTS.plan),
        coordinate_hours=_duration(spans.of("coordinate"), DEFAULTS.coordinate_hours),
        deliver=_duration(spans.of("deliver"), DEFAULTS.deliver),
        evaluate=_duration(spans.of("evaluate"), DEFAULTS.evaluate),
        report=_duration(spans.of("report"), DEFAULTS.report),
        follow_up=_duration(spans.of("follow_up"), DEFAULTS.follow_up),
        departments=departments,
        any_department=DepartmentHabits(
            accept=_duration(spans.of("accept"), DEFAULTS.any_department.accept),
            decide=_duration(spans.of("decide"), DEFAULTS.any_department.decide),
            acknowledge=_duration(spans.of("acknowledge"), DEFAULTS.any_department.acknowledge),
            confirm=_duration(spans.of("confirm"), DEFAULTS.any_department.confirm),
        ),
        corrections=corrections,
        ratings=(
            {Satisfaction(level): n / total_ratings for level, n in ratings.items()}
            if total_ratings
            else DEFAULTS.ratings
        ),
        deferral_share=round(deferred / accepted, 4) if accepted else 0.0,
        supply=_duration(spans.of("supply"), DEFAULTS.supply),
    )
