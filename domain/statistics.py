"""Summary statistics for the oversight view: plain functions over plain numbers."""

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel


def p90(values: Sequence[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value with 90 % at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


class CycleTime(BaseModel):
    """Days from hand-over to decision of the decided matters of one matter or department."""

    key: str
    name: str
    decided: int
    median_days: float
    p90_days: float


def cycle_times(samples: dict[str, list[float]], names: dict[str, str]) -> list[CycleTime]:
    return [
        CycleTime(
            key=key,
            name=names.get(key, key),
            decided=len(days),
            median_days=round(statistics.median(days), 2),
            p90_days=round(p90(days), 2),
        )
        for key, days in sorted(samples.items())
        if days
    ]


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
    accepted: Sequence[tuple[str, int, int]], decided: Sequence[tuple[str, float]]
) -> list[MonthFigures]:
    """``accepted``: (month, matters accepted, of them overdue); ``decided``: (month
    decided, days from hand-over to decision) of each decided matter."""
    counts = {month: (n, late) for month, n, late in accepted}
    spans: dict[str, list[float]] = defaultdict(list)
    for month, span in decided:
        spans[month].append(span)
    figures = []
    for month in sorted(counts.keys() | spans.keys()):
        n, late = counts.get(month, (0, 0))
        days = spans[month]
        figures.append(
            MonthFigures(
                month=month,
                accepted=n,
                overdue=late,
                overdue_rate=round(late / n, 4) if n else None,
                decided=len(days),
                median_days=round(statistics.median(days), 2) if days else None,
            )
        )
    return figures
