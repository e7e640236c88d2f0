"""The evaluation feedback report (博州 五.(五)): filed within 5 working days of evaluation.

A single-county case reports to the county government: scores and suggestions, drafted
from the ledger, checked and filed by the agent.
"""

from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.actors import Actor


class ReportDraftRequest(BaseModel):
    case_id: str
    recipient: str
    cross_county: bool = False  # the comprehensive report to the special team


class FeedbackReport(BaseModel):
    recipient: str  # e.g. 博乐市人民政府
    due_on: date
    provisional_years: list[int] = []
    draft: str
    drafted_at: datetime
    filed_text: str | None = None
    filed_reference: str | None = None
    filed_by: str | None = None
    filed_at: datetime | None = None
    overdue_at: datetime | None = None


# The draft's line the agent must replace (activities/reports.py writes it).
REPORT_PLACEHOLDER = "（请牵头园区管委会结合企业意见填写）"


class FeedbackFilingRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20_000, description="定稿（可在草稿基础上修改）")
    reference: str = Field(min_length=1, max_length=100, description="报送文号或送达方式")


class FeedbackFiling(FeedbackFilingRequest):
    actor: Actor
