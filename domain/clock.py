"""A matter's statutory clock: limit, unit, pauses, one extension, warning and overdue.

The workflow keeps this state; every date in it was computed by the clock activity from
the working-day calendar, so a replay never consults the calendar again.
"""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain.catalogue import TimeUnit

BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")


class PauseReason(StrEnum):
    """What stops the clock (行政许可法 §45): time the applicant or experts take."""

    CORRECTION = "correction"  # 补正: waiting for the enterprise
    HEARING = "hearing"  # 听证
    TESTING = "testing"  # 检验、检测
    EXPERT_REVIEW = "expert_review"  # 专家评审
    ACCEPTANCE_WITH_DEFICIENCY = "acceptance_with_deficiency"  # reserved for 容缺受理


PAUSE_REASON_NAMES = {
    PauseReason.CORRECTION: "补正",
    PauseReason.HEARING: "听证",
    PauseReason.TESTING: "检验检测",
    PauseReason.EXPERT_REVIEW: "专家评审",
    PauseReason.ACCEPTANCE_WITH_DEFICIENCY: "容缺补齐",
}

UNIT_NAMES = {TimeUnit.WORKING_DAYS: "个工作日", TimeUnit.CALENDAR_DAYS: "日"}


class DeadlineRequest(BaseModel):
    """Ask the calendar: ``days_left`` counted after ``counting_from``; warn at ``warn_left``."""

    counting_from: date
    days_left: int = Field(ge=0)
    unit: TimeUnit
    warn_after: int | None = Field(None, description="days after counting_from to warn")


class DeadlinePlan(BaseModel):
    due_on: date
    warn_on: date | None
    provisional_years: list[int] = []


class DayCountRequest(BaseModel):
    after: date
    through: date
    unit: TimeUnit


class DayCount(BaseModel):
    days: int
    provisional_years: list[int] = []


class CountedRun(BaseModel):
    """Days a run of the clock used, counted while a year it crossed had no published
    holidays: counted again once the year's file lands."""

    after: date
    through: date
    days: int
    provisional_years: list[int]


class ClockPause(BaseModel):
    reason: PauseReason
    note: str = ""
    paused_at: datetime
    paused_by: str
    days_used_before: int
    resumed_at: datetime | None = None


class Extension(BaseModel):
    days: int
    reason: str
    explanation: str  # what the agent tells the enterprise (和硕: 向企业说明)
    granted_by: str
    granted_at: datetime


class MatterClock(BaseModel):
    unit: TimeUnit
    statutory_days: int
    limit_days: int  # the promise if shorter, plus any extension
    warning_share: float
    started_on: date  # the acceptance day, not counted
    counting_from: date  # the day after which the current run counts
    days_used: int = 0  # counted before counting_from (earlier runs)
    due_on: date | None = None  # None while paused
    warn_on: date | None = None
    provisional_years: list[int] = []  # of the due and warning dates
    # Runs already used up whose day count assumed an unpublished year (days_used holds them).
    provisional_runs: list[CountedRun] = []
    pauses: list[ClockPause] = []
    extension: Extension | None = None
    warned_at: datetime | None = None
    overdue_at: datetime | None = None

    @property
    def paused(self) -> ClockPause | None:
        if self.pauses and self.pauses[-1].resumed_at is None:
            return self.pauses[-1]
        return None

    @property
    def open_pauses(self) -> list[ClockPause]:
        """Every pause not yet over: a 补正 may come during a §45 suspension, and the clock
        runs again only when both are over."""
        return [p for p in self.pauses if p.resumed_at is None]

    @property
    def days_left(self) -> int:
        return max(0, self.limit_days - self.days_used)

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def provisional_days_used(self) -> bool:
        return bool(self.provisional_runs)

    def describe_due(self) -> str:
        if self.due_on is None:
            used = "（已用天数暂按工作日推算，待公布节假日安排后重算）"
            return "计时暂停" + (used if self.provisional_days_used else "")
        note = "（暂按工作日推算，待公布节假日安排后重算）" if self.provisional else ""
        return f"办理期限{self.due_on.isoformat()}{note}"
