"""Baseline against change, across seeds: each figure with its spread, the difference
paired seed by seed (both arms drew the same random numbers), and what moved."""

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence

from pydantic import BaseModel

from simulation.outcomes import Outcome

# Student's t for a two-sided 95 % interval, by degrees of freedom (then the normal's).
T95 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    15: 2.131,
    20: 2.086,
    30: 2.042,
}
FIGURES = {
    "cases": "案件数",
    "cases_overdue": "逾期案件",
    "matters": "事项数",
    "matters_overdue": "逾期事项",
    "matters_warned": "预警事项",
    "corrections": "补正次数",
    "coordinations": "48小时协调（启动次数）",
    "coordinations_escalated": "48小时内未协调（上报）",
    "reports_due": "应报5个工作日评价报告",
    "reports_at_risk": "报告有风险（末日报送或逾期）",
    "reports_overdue": "报告逾期",
}


def _t(df: int) -> float:
    for limit in sorted(T95):
        if df <= limit:
            return T95[limit]
    return 1.96


class Spread(BaseModel):
    mean: float
    low: float  # the 95 % interval of the mean across seeds (equal to mean for one seed)
    high: float
    seeds: int

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        mean = statistics.fmean(values)
        half = 0.0
        if len(values) > 1:
            half = _t(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
        return cls(
            mean=round(mean, 3),
            low=round(mean - half, 3),
            high=round(mean + half, 3),
            seeds=len(values),
        )


class FigureRow(BaseModel):
    key: str
    name: str
    baseline: Spread
    change: Spread
    difference: Spread  # change − baseline, paired by seed


class CycleRow(BaseModel):
    group: str
    key: str
    baseline_median: Spread
    change_median: Spread
    baseline_p90: Spread
    change_p90: Spread


class PathMove(BaseModel):
    before: str  # the matter decided last under the baseline
    after: str  # under the change
    cases: float  # per seed, on average


class LoadRow(BaseModel):
    who: str
    baseline_mean: float  # acts per week
    change_mean: float
    baseline_peak: float
    change_peak: float


class Comparison(BaseModel):
    figures: list[FigureRow]
    cycles: list[CycleRow]
    critical_paths_moved: Spread  # cases whose last-decided matter changed
    path_moves: list[PathMove]
    load: list[LoadRow]


def _cycle_values(outcomes: Sequence[Outcome], group: str, key: str, field: str) -> list[float]:
    values = []
    for outcome in outcomes:
        cycle = outcome.cycle(group, key)
        if cycle is not None:
            values.append(getattr(cycle, field))
    return values or [0.0]


def _load(outcomes: Sequence[Outcome]) -> dict[str, tuple[float, float]]:
    """Per actor group: mean and peak acts per week, averaged over seeds."""
    per_seed: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for outcome in outcomes:
        weeks: dict[str, list[int]] = defaultdict(list)
        for row in outcome.load:
            weeks[row.who].append(row.acts)
        for who, acts in weeks.items():
            per_seed[who].append((statistics.fmean(acts), max(acts)))
    return {
        who: (statistics.fmean(m for m, _ in v), statistics.fmean(p for _, p in v))
        for who, v in per_seed.items()
    }


def compare(baseline: Sequence[Outcome], change: Sequence[Outcome]) -> Comparison:
    """``baseline[i]`` and ``change[i]`` are the two arms of seed i."""
    assert baseline and len(baseline) == len(change)
    figures = []
    for key, name in FIGURES.items():
        b = [float(getattr(o, key)) for o in baseline]
        c = [float(getattr(o, key)) for o in change]
        figures.append(
            FigureRow(
                key=key,
                name=name,
                baseline=Spread.of(b),
                change=Spread.of(c),
                difference=Spread.of([y - x for x, y in zip(b, c, strict=True)]),
            )
        )
    keys = sorted({(c.group, c.key) for o in (*baseline, *change) for c in o.cycles})
    cycles = [
        CycleRow(
            group=group,
            key=key,
            baseline_median=Spread.of(_cycle_values(baseline, group, key, "median_days")),
            change_median=Spread.of(_cycle_values(change, group, key, "median_days")),
            baseline_p90=Spread.of(_cycle_values(baseline, group, key, "p90_days")),
            change_p90=Spread.of(_cycle_values(change, group, key, "p90_days")),
        )
        for group, key in keys
    ]
    moved: list[float] = []
    moves: Counter[tuple[str, str]] = Counter()
    for before, after in zip(baseline, change, strict=True):
        shared = before.last_decided.keys() & after.last_decided.keys()
        changed = [k for k in shared if before.last_decided[k] != after.last_decided[k]]
        moved.append(float(len(changed)))
        moves.update((before.last_decided[k], after.last_decided[k]) for k in changed)
    base_load, change_load = _load(baseline), _load(change)
    return Comparison(
        figures=figures,
        cycles=cycles,
        critical_paths_moved=Spread.of(moved),
        path_moves=[
            PathMove(before=before, after=after, cases=round(n / len(baseline), 2))
            for (before, after), n in moves.most_common()
        ],
        load=[
            LoadRow(
                who=who,
                baseline_mean=round(base_load.get(who, (0, 0))[0], 2),
                change_mean=round(change_load.get(who, (0, 0))[0], 2),
                baseline_peak=round(base_load.get(who, (0, 0))[1], 2),
                change_peak=round(change_load.get(who, (0, 0))[1], 2),
            )
            for who in sorted(base_load.keys() | change_load.keys())
        ],
    )
