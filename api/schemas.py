"""Response models of the API (requests are the domain's ``...Request`` models)."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, computed_field

from domain.case import STAGE_NAMES, CaseStage
from domain.matter import MATTER_STATE_NAMES, MatterState
from domain.work import ClockKind, Mark, Owner

Item = TypeVar("Item")


def _iso_date_only(value: Any) -> Any:
    # Pydantic would read "0" or "1700000000" as a Unix time; a person means a calendar day.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("日期须写作YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    total: int
    offset: int
    limit: int


class CaseCreated(BaseModel):
    case_id: str
    stage: CaseStage


class WorkItem(BaseModel):
    case_id: str
    kind: ClockKind
    kind_name: str = Field(description="时限种类")
    matter: str | None
    matter_name: str | None
    department: str | None
    department_name: str | None
    owner: Owner = Field(description="谁须办理：承办部门或代办专员")
    enterprise_name: str
    project_name: str
    park: str
    label: str = Field(description="须做什么")
    due_at: datetime = Field(description="此刻起即超期")
    due_on: date | None = Field(description="按日计的时限的最后一日")
    provisional: bool = Field(description="日期依赖尚未公布的节假日安排")
    mark: Mark = Field(description="red 已超期, amber 临近, green 正常")
    mark_name: str
    remaining: str = Field(description="剩N个工作日、剩N小时、今日到期或超期N个工作日")
    working_days_left: int | None = Field(description="按工作日计的剩余（超期为负）")
    opened_at: datetime
    closed_at: datetime | None = Field(description="已办：时限停止的时间")


class CaseListItem(BaseModel):
    case_id: str
    jurisdiction: str
    park: str
    enterprise_name: str
    uscc: str
    project_name: str
    stage: CaseStage
    agent_name: str | None
    opened_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
    entrustment_end: date
    county: str = ""
    cross_county: bool = False
    lead_committee: str | None = None
    overdue: bool = Field(False, description="有超期未办结的事项")
    next_clock: WorkItem | None = Field(None, description="最近的时限：须做什么、还剩多久")

    @computed_field
    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]


class InboxTask(BaseModel):
    case_id: str
    matter: str
    name: str
    enterprise_name: str = Field("", description="委托人")
    project_name: str = Field("", description="项目")
    hand_off_due_at: datetime | None = Field(None, description="移交待签收、受理的24小时时限")
    hand_off_left: str | None = Field(None, description="剩N小时或超期N小时")
    department: str
    state: MatterState
    handed_over_at: datetime | None
    accepted_at: datetime | None
    planned_finish: date | None
    open_correction: list[str]
    correction_count: int
    due_on: date | None = Field(None, description="办理期限; null until accepted or while paused")
    clock_paused: bool = False
    deadline_provisional: bool = Field(False, description="暂按工作日推算（该年节假日未公布）")
    warned: bool = False
    overdue: bool = False
    cross_county: bool = Field(False, description="跨县市移交：先签收再受理")
    hand_off_acknowledged_at: datetime | None = None

    @computed_field
    @property
    def state_name(self) -> str:
        return MATTER_STATE_NAMES[self.state]
