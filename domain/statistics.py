"""Summary statistics for the oversight view: plain functions over plain numbers."""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel


def p90(values: Sequence[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value with 90 % at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


# A cycle time is counted in tenths of a day (2.4 hours), rounded half up, so the live
# query and the kept tallies (domain/tally.py) hold the same whole numbers and give the
# same median and p90 to the last digit; a tally per tenth keeps a few hundred rows per
# matter, department and month, where finer units would keep one per decided matter.
CYCLE_UNITS_PER_DAY = 10


def cycle_units(seconds: float) -> int:
    return math.floor(seconds * CYCLE_UNITS_PER_DAY / 86400 + 0.5)


def _nth(counts: Mapping[int, int], rank: int) -> int:
    """The value at 0-based ``rank`` of the sorted values these counts stand for."""
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if rank < seen:
            return value
    raise IndexError(rank)


def median_and_p90(counts: Mapping[int, int]) -> tuple[int, float, float]:
    """(how many, median days, nearest-rank p90 days) of cycle times in tenths of a day."""
    n = sum(counts.values())
    middle = (_nth(counts, (n - 1) // 2) + _nth(counts, n // 2)) / 2
    top = _nth(counts, max(math.ceil(0.9 * n) - 1, 0))
    return n, round(middle / CYCLE_UNITS_PER_DAY, 2), round(top / CYCLE_UNITS_PER_DAY, 2)


class CycleTime(BaseModel):
    """Days from hand-over to decision of the decided matters of one matter or department."""

    key: str
    name: str
    decided: int
    median_days: float
    p90_days: float


def cycle_times(samples: Mapping[str, Mapping[int, int]], names: dict[str, str]) -> list[CycleTime]:
    """``samples``: per matter (or department), cycle times in tenths of a day and how many."""
    figures = []
    for key, counts in sorted(samples.items()):
        if not sum(counts.values()):
            continue
        decided, median_days, p90_days = median_and_p90(counts)
        figures.append(
            CycleTime(
                key=key,
                name=names.get(key, key),
                decided=decided,
                median_days=median_days,
                p90_days=p90_days,
            )
        )
    return figures


class MonthFigures(BaseModel):
    """One calendar month (Beijing time): matters accepted and how many of them went past
    their deadline; matters decided and their median days from hand-over to decision."""

    month: str  # 2026-11
    accepted: int
    overdue: int
    overdue_rate: float | None
    decided: int
    median_days: float | None


def by_month(
    accepted: Sequence[tuple[str, int, int]], decided: Mapping[str, Mapping[int, int]]
) -> list[MonthFigures]:
    """``accepted``: (month, matters accepted, of them overdue); ``decided``: per month
    decided, the cycle times in tenths of a day of the matters decided then, and how many."""
    counts = {month: (n, late) for month, n, late in accepted}
    figures = []
    for month in sorted(counts.keys() | decided.keys()):
        n, late = counts.get(month, (0, 0))
        spans = decided.get(month, {})
        done, median_days = 0, None
        if sum(spans.values()):
            done, median_days, _ = median_and_p90(spans)
        figures.append(
            MonthFigures(
                month=month,
                accepted=n,
                overdue=late,
                overdue_rate=round(late / n, 4) if n else None,
                decided=done,
                median_days=median_days,
            )
        )
    return figures


@dataclass
class Figures:
    """What the oversight statistics are made of, counted live or from the kept tallies:
    the two must be equal for the same filters (tests/api/test_oversight_tallies.py)."""

    cases: int = 0
    by_county_and_stage: list[tuple[str, str, int]] = field(default_factory=list)
    satisfaction: dict[str, int] = field(default_factory=dict)
    matters: int = 0
    clocked: int = 0
    overdue: int = 0
    corrections: int = 0
    accepted_by_month: list[tuple[str, int, int]] = field(default_factory=list)
    # cycle times in tenths of a day, with how many, per matter, department, month
    by_matter: dict[str, Counter[int]] = field(default_factory=dict)
    by_department: dict[str, Counter[int]] = field(default_factory=dict)
    decided_by_month: dict[str, Counter[int]] = field(default_factory=dict)
    matter_names: dict[str, str] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
