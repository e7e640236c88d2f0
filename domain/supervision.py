"""Supervision of the service itself (博州 seed 六.(三) 开展专项检查): the satisfaction
visit (满意度回访) by 州工信局 and the county governments, and the park committee's report of
misconduct (推、拖、索、拿、卡、要) to the authority that deals with it.

Both are records about the case, not steps of it: they are written to its ledger like any
other action (who, when, what), whether the case is still running or long archived.
"""

from enum import StrEnum

from pydantic import BaseModel, Field


class VisitResult(StrEnum):
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


VISIT_RESULT_NAMES = {VisitResult.SATISFIED: "满意", VisitResult.DISSATISFIED: "不满意"}


class SatisfactionVisitRequest(BaseModel):
    """满意度回访: whom the visit reached, how, and the enterprise's answer (the tracking
    table's 回访结果, 附件3)."""

    result: VisitResult
    visited: str = Field(min_length=1, max_length=50, description="回访对象，如企业联系人张三")
    method: str = Field(min_length=1, max_length=20, description="电话、实地等")
    note: str = Field("", max_length=500, description="企业的意见")


class Misconduct(StrEnum):
    """The six behaviours the seed names (推、拖、索、拿、卡、要)."""

    SHIRKING = "shirking"  # 推: 推诿
    DELAYING = "delaying"  # 拖: 拖延
    SOLICITING = "soliciting"  # 索: 索取财物
    TAKING = "taking"  # 拿: 收受财物
    OBSTRUCTING = "obstructing"  # 卡: 刁难设卡
    DEMANDING = "demanding"  # 要: 吃拿卡要


MISCONDUCT_NAMES = {
    Misconduct.SHIRKING: "推",
    Misconduct.DELAYING: "拖",
    Misconduct.SOLICITING: "索",
    Misconduct.TAKING: "拿",
    Misconduct.OBSTRUCTING: "卡",
    Misconduct.DEMANDING: "要",
}


class MisconductReportRequest(BaseModel):
    """A report the park committee makes of a worker's misconduct it found in the case."""

    behaviours: list[Misconduct] = Field(min_length=1, max_length=6)
    subject: str = Field(min_length=1, max_length=100, description="被反映的人员及其单位")
    description: str = Field(min_length=1, max_length=2000, description="发现的事实")
    reported_to: str = Field(
        min_length=1, max_length=100, description="报告的相关部门，如县纪委监委"
    )
    matter: str | None = Field(None, pattern=r"^[a-z0-9_\-]+$", description="涉及的事项")
