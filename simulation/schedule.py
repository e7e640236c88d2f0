"""One simulated period's cases, drawn from a seed: who arrives when, entrusting what, and
how long each person will take at each step.

Baseline and change are drawn from the same random numbers (common random numbers), so the
difference between the two runs is the change's and not the dice's: every draw is made from
a generator seeded by the run's seed, the case and the step. A load above 1 adds a second
stream of arrivals, a load below 1 thins the first with a coin of each case's own; a
department's staffing scales the same draw of its times.
"""

import hashlib
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel

from domain.actions import Satisfaction
from domain.clock import BUSINESS_ZONE
from simulation.baseline import Arrivals, Baseline, CorrectionHabits, Duration, choose
from simulation.change import Change
from simulation.working_time import IsWorkingDay, after_working_days

WORKING_DAYS_A_WEEK = 5
# (jurisdiction, park, matters, bundles) → each matter the case ends up with, in order, and
# the department that decides it, under the arm's packs.
Resolve = Callable[[str, str, list[str], list[str]], dict[str, str]]


class CorrectionRound(BaseModel):
    ask_after: float  # working days after 受理 or the previous answer
    resubmit_after: float  # working days after the request


class MatterScript(BaseModel):
    code: str
    acknowledge_after: float  # a cross-county 签收, working days after the hand-over
    accept_after: float
    corrections: list[CorrectionRound]
    decide_after: float  # after 受理 or the last answer
    deferred: bool = False  # 容缺受理: a non-essential item supplied later
    supply_after: float = 0.0  # working days after 受理, by the agent
    confirm_after: float = 0.0  # working days after the supply, by the department


class CaseScript(BaseModel):
    key: str  # stable across arms: park, stream and number
    jurisdiction: str
    park: str
    arrives_at: datetime
    matters: list[str]  # as entrusted; bundles add theirs (matter_scripts has them all)
    bundles: list[str] = []
    review_after: float
    plan_after: float
    matter_scripts: dict[str, MatterScript]
    deliver_after: float
    evaluate_after: float
    rating: Satisfaction
    report_after: float
    follow_up_after: float
    # hours from a problem (a 补正, a stalled hand-over) to the agent's coordination, by
    # the problem's number in the case (the 48-hour rule)
    coordination_hours: list[float]

    def coordinate_after(self, problem: int) -> float:
        return self.coordination_hours[(problem - 1) % len(self.coordination_hours)]


def _rng(*parts: object) -> random.Random:
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _start(baseline: Baseline) -> datetime:
    return datetime.combine(date.fromisoformat(baseline.start), time(9), tzinfo=BUSINESS_ZONE)


def period_end(baseline: Baseline) -> datetime:
    return _start(baseline) + timedelta(weeks=baseline.weeks)


def _arrival_times(
    rate_per_week: float,
    seed: int,
    stream: str,
    start: datetime,
    end: datetime,
    working: IsWorkingDay,
) -> list[datetime]:
    if rate_per_week <= 0:
        return []
    rng, elapsed = _rng(seed, stream, "arrivals"), 0.0
    times: list[datetime] = []
    while True:
        elapsed += rng.expovariate(rate_per_week / WORKING_DAYS_A_WEEK)
        moment = after_working_days(start, elapsed, working)
        if moment >= end:
            return times
        times.append(moment)


def _rounds(shares: list[tuple[int, float]], uniform: float) -> int:
    """By the inverse of the cumulative share, rounds ascending: one uniform per matter, so
    a matter corrected at the baseline's share stays corrected at a higher one."""
    total = 0.0
    for rounds, share in shares:
        total += share
        if uniform < total:
            return rounds
    return shares[-1][0]


def _draw(duration: Duration, seed: int, key: str, step: str, factor: float = 1.0) -> float:
    return duration.draw(_rng(seed, key, step)) * factor


def _matter_script(
    baseline: Baseline,
    change: Change,
    seed: int,
    key: str,
    code: str,
    department: str,
) -> MatterScript:
    habits = baseline.habits_of(department)
    factor = change.time_factor(department)
    corrections: CorrectionHabits = baseline.corrections_of(code)
    rounds = _rounds(change.rounds(corrections.rounds), _rng(seed, key, code, "rounds").random())
    return MatterScript(
        code=code,
        acknowledge_after=_draw(habits.acknowledge, seed, key, f"{code}/ack", factor),
        accept_after=_draw(habits.accept, seed, key, f"{code}/accept", factor),
        corrections=[
            CorrectionRound(
                ask_after=_draw(corrections.ask, seed, key, f"{code}/ask{n}", factor),
                resubmit_after=_draw(corrections.resubmit, seed, key, f"{code}/re{n}"),
            )
            for n in range(rounds)
        ],
        decide_after=_draw(habits.decide, seed, key, f"{code}/decide", factor),
        deferred=_rng(seed, key, code, "deferred").random() < baseline.deferral_share,
        supply_after=_draw(baseline.supply, seed, key, f"{code}/supply"),
        confirm_after=_draw(habits.confirm, seed, key, f"{code}/confirm", factor),
    )


def _case(
    baseline: Baseline,
    change: Change,
    seed: int,
    key: str,
    arrivals: Arrivals,
    arrives_at: datetime,
    resolve: Resolve,
) -> CaseScript:
    rng = _rng(seed, key, "case")
    matter_set = arrivals.matter_sets[
        int(str(choose(rng, [(n, m.weight) for n, m in enumerate(arrivals.matter_sets)])))
    ]
    departments = resolve(
        arrivals.jurisdiction, arrivals.park, matter_set.matters, matter_set.bundles
    )
    return CaseScript(
        key=key,
        jurisdiction=arrivals.jurisdiction,
        park=arrivals.park,
        arrives_at=arrives_at,
        matters=matter_set.matters,
        bundles=matter_set.bundles,
        review_after=_draw(baseline.review, seed, key, "review"),
        plan_after=_draw(baseline.plan, seed, key, "plan"),
        matter_scripts={
            code: _matter_script(baseline, change, seed, key, code, department)
            for code, department in departments.items()
        },
        deliver_after=_draw(baseline.deliver, seed, key, "deliver"),
        evaluate_after=_draw(baseline.evaluate, seed, key, "evaluate"),
        rating=Satisfaction(str(choose(_rng(seed, key, "rating"), list(baseline.ratings.items())))),
        report_after=_draw(baseline.report, seed, key, "report"),
        follow_up_after=_draw(baseline.follow_up, seed, key, "follow-up"),
        coordination_hours=[
            _draw(baseline.coordinate_hours, seed, key, f"problem{n}") for n in range(1, 17)
        ],
    )


def draw_cases(
    baseline: Baseline,
    change: Change,
    seed: int,
    working: IsWorkingDay,
    resolve: Resolve,
) -> list[CaseScript]:
    """The period's cases in order of arrival, under the arm's calendar and packs."""
    start, end = _start(baseline), period_end(baseline)
    cases: list[CaseScript] = []
    for arrivals in baseline.arrivals:
        park = f"{arrivals.jurisdiction}/{arrivals.park}"
        streams = [("a", arrivals.per_week, min(change.load, 1.0))]
        if change.load > 1:
            streams.append(("b", arrivals.per_week * (change.load - 1), 1.0))
        for stream, rate, keep in streams:
            times = _arrival_times(rate, seed, f"{park}/{stream}", start, end, working)
            for number, moment in enumerate(times):
                key = f"{park}/{stream}{number}"
                if keep < 1 and _rng(seed, key, "kept").random() >= keep:
                    continue
                cases.append(_case(baseline, change, seed, key, arrivals, moment, resolve))
    cases.sort(key=lambda case: (case.arrives_at, case.key))
    return cases
