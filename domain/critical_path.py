"""The critical path of a case's matter graph (昌吉: the whole approval within 100 working
days, tracked as a case budget).

Each matter takes its promised limit (else its statutory one) in working days and starts
when every matter it depends on has finished; independent matters run in parallel. The
case's expected length is the longest chain. A matter already decided contributes the
days it actually took instead of its limit.
"""

from collections.abc import Mapping, Sequence

from pydantic import BaseModel


class PlannedMatter(BaseModel):
    code: str
    days: int  # working days it is expected to take (0: on the spot)
    depends_on: list[str] = []
    finished_day: int | None = None  # decided: the working day it actually finished on


class CriticalPath(BaseModel):
    total_days: int  # working days from the case's start to the last decision
    path: list[str]  # the matters on the longest chain, first to last
    finish_day: dict[str, int]  # each matter's expected finish, in working days from start

    def over_budget(self, budget_days: int) -> int:
        """Working days the critical path runs past the budget; 0 when within it."""
        return max(self.total_days - budget_days, 0)


def critical_path(matters: Sequence[PlannedMatter]) -> CriticalPath:
    """Longest path through the dependency graph (the graph is acyclic: packs refuse cycles).

    Dependencies on matters not in the case are settled outside it and ignored.
    """
    by_code: Mapping[str, PlannedMatter] = {m.code: m for m in matters}
    finish: dict[str, int] = {}
    via: dict[str, str | None] = {}

    def visit(code: str) -> int:
        if code not in finish:
            matter = by_code[code]
            before = [d for d in matter.depends_on if d in by_code]
            start, previous = 0, None
            for dependency in before:
                if visit(dependency) > start:
                    start, previous = finish[dependency], dependency
            if matter.finished_day is not None:  # what happened replaces the estimate
                finish[code], via[code] = matter.finished_day, previous
            else:
                finish[code], via[code] = start + matter.days, previous
        return finish[code]

    for code in by_code:
        visit(code)
    if not finish:
        return CriticalPath(total_days=0, path=[], finish_day={})
    last = max(finish, key=lambda code: (finish[code], code))
    path: list[str] = []
    step: str | None = last
    while step is not None:
        path.append(step)
        step = via[step]
    return CriticalPath(total_days=finish[last], path=path[::-1], finish_day=finish)
