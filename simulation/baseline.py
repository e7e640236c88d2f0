"""The baseline: how often cases arrive and how long each person takes.

Learned from the ledger of a chosen period (``simulation.learning``) or stated in a file as
distributions (``load_baseline``). Either way it is plain data, saved with a run, so the
figures can be traced back to the habits they came from.

Times are in working days (``simulation.working_time``) except the coordination after a
problem, which the 48-hour rule counts on the wall clock, in hours.
"""

import math
import random
import tomllib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from domain.actions import Satisfaction

Z90 = 1.2815515655446004  # the standard normal's 90th percentile


class Duration(BaseModel):
    """How long a step takes: drawn from observed values, or from a log-normal stated by its
    median and P90 (P90 = median for a fixed time)."""

    samples: list[float] = Field([], description="observed values, drawn with replacement")
    median: float | None = Field(None, ge=0)
    p90: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _stated_once(self) -> "Duration":
        if bool(self.samples) == (self.median is not None):
            raise ValueError("时长须给出观测值（samples）或中位数（median），二者只能选一")
        if self.median is not None and self.p90 is not None and self.p90 < self.median:
            raise ValueError("P90 不能小于中位数")
        if any(value < 0 for value in self.samples):
            raise ValueError("时长不能为负")
        return self

    @classmethod
    def fixed(cls, value: float) -> "Duration":
        return cls(median=value, p90=value)

    def draw(self, rng: random.Random) -> float:
        if self.samples:
            return rng.choice(self.samples)
        assert self.median is not None
        if self.median == 0:
            return 0.0
        top = self.p90 if self.p90 is not None else self.median
        sigma = (math.log(top) - math.log(self.median)) / Z90
        return rng.lognormvariate(math.log(self.median), sigma) if sigma else self.median

    def typical(self) -> float:
        """The median, for showing what the baseline assumes."""
        if self.samples:
            ordered = sorted(self.samples)
            middle = len(ordered) // 2
            return (ordered[middle] + ordered[~middle]) / 2
        assert self.median is not None
        return self.median


class MatterSet(BaseModel):
    matters: list[str] = []
    bundles: list[str] = Field([], description="一件事 bundles entrusted as such (包头)")
    weight: float = Field(1.0, gt=0)


class Arrivals(BaseModel):
    """Cases of one park: how many a week, entrusting which matters."""

    jurisdiction: str
    park: str
    per_week: float = Field(ge=0)
    matter_sets: list[MatterSet] = Field(min_length=1)


class DepartmentHabits(BaseModel):
    accept: Duration = Field(description="hand-over (or 签收) to 受理, working days")
    decide: Duration = Field(description="受理 (or the last 补正 answer) to the decision")
    acknowledge: Duration = Field(
        Duration.fixed(0.1), description="a cross-county hand-over to its 签收"
    )
    confirm: Duration = Field(
        Duration.fixed(0.5), description="容缺 materials supplied to the department's check"
    )


class CorrectionHabits(BaseModel):
    """补正 for one matter: how many rounds, when asked, how soon answered."""

    rounds: dict[int, float] = Field({0: 1.0}, description="share of matters by rounds")
    ask: Duration = Field(Duration.fixed(1), description="after 受理 or the last answer")
    resubmit: Duration = Field(Duration.fixed(2), description="the enterprise's answer")

    @model_validator(mode="after")
    def _shares(self) -> "CorrectionHabits":
        if any(r < 0 for r in self.rounds) or any(s < 0 for s in self.rounds.values()):
            raise ValueError("补正轮数和占比不能为负")
        if not math.isclose(sum(self.rounds.values()), 1.0, abs_tol=1e-6):
            raise ValueError("各补正轮数的占比之和须为1")
        return self

    @property
    def share_corrected(self) -> float:
        return sum(share for rounds, share in self.rounds.items() if rounds > 0)


class Baseline(BaseModel):
    source: str = Field(description="where it came from: a ledger period or a file")
    start: str = Field(description="the simulated period's first day, YYYY-MM-DD")
    weeks: int = Field(52, ge=1, le=104)
    arrivals: list[Arrivals] = Field(min_length=1)
    review: Duration = Duration.fixed(0.5)  # 委托 to 初审
    plan: Duration = Duration.fixed(1)  # 初审 to the agreed plan
    coordinate_hours: Duration = Duration.fixed(24)  # a problem to its coordination (wall clock)
    deliver: Duration = Duration.fixed(1)  # the last decision to 送达
    evaluate: Duration = Duration.fixed(1)  # 送达 to the rating
    report: Duration = Duration.fixed(3)  # the rating to the filed report
    follow_up: Duration = Duration.fixed(1)  # each 差评 step: callback, remedy, new rating
    departments: dict[str, DepartmentHabits] = {}
    any_department: DepartmentHabits = DepartmentHabits(
        accept=Duration.fixed(1), decide=Duration.fixed(5)
    )
    corrections: dict[str, CorrectionHabits] = {}
    any_matter: CorrectionHabits = CorrectionHabits()
    ratings: dict[Satisfaction, float] = {Satisfaction.SATISFIED: 1.0}
    deferral_share: float = Field(0.0, ge=0, le=1, description="matters accepted 容缺")
    supply: Duration = Duration.fixed(2)  # 容缺受理 to the missing items supplied

    def habits_of(self, department: str) -> DepartmentHabits:
        return self.departments.get(department, self.any_department)

    def corrections_of(self, matter: str) -> CorrectionHabits:
        return self.corrections.get(matter, self.any_matter)


def choose(rng: random.Random, weighted: Sequence[tuple[object, float]]) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def load_baseline(path: Path) -> Baseline:
    """A baseline stated in TOML (docs/what-if.md shows one)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Baseline.model_validate({"source": f"文件 {path.name}", **data})
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ValueError(f"基线文件 {path} 有误：{error}") from error
