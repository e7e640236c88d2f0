"""Summary statistics for the oversight view: plain functions over plain numbers."""

import math
import statistics
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
