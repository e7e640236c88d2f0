"""Which papers a case has, what each needs before it exists, and how each is rendered.

A paper is a Jinja template in ``templates/`` filled from the case's status and ledger.
WeasyPrint lays it out as PDF with the Noto CJK fonts embedded (Debian's fonts-noto-cjk);
the same HTML becomes DOCX for the papers an office edits before it stamps them.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from activities.documents.docx import html_to_docx
from domain.actions import TerminationCause
from domain.case import STAGE_NAMES, CaseStatus
from domain.clock import BUSINESS_ZONE


class Paper(StrEnum):
    ENTRUSTMENT = "entrustment"  # 政务服务代办委托书 (附件1)
    ACCEPTANCE_NOTICE = "acceptance-notice"  # 代办服务受理通知书 (附件2)
    TERMINATION_RECORD = "termination-record"  # 终止委托记录
    REPORT = "report"  # 综合报告 (cross-county) or 评价反馈材料


PAPER_NAMES = {
    Paper.ENTRUSTMENT: "政务服务代办委托书",
    Paper.ACCEPTANCE_NOTICE: "代办服务受理通知书",
    Paper.TERMINATION_RECORD: "终止委托记录",
    Paper.REPORT: "综合报告",
}


class PaperFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


MEDIA_TYPES = {
    PaperFormat.PDF: "application/pdf",
    PaperFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

TERMINATION_CAUSES = {
    TerminationCause.ENTERPRISE_REQUEST: "申请人主动要求终止委托",
    TerminationCause.LACKS_CONDITIONS: "业务本身不具备办结条件",
}


def paper_name(paper: Paper, case: CaseStatus) -> str:
    if paper is Paper.REPORT and not case.cross_county:
        return "代办服务评价反馈材料"
    return PAPER_NAMES[paper]


def not_yet(paper: Paper, case: CaseStatus) -> str | None:
    """Why the case has no such paper yet, or None when it can be rendered."""
    if paper is Paper.ACCEPTANCE_NOTICE and case.acceptance_notice is None:
        return "案件尚未受理，没有受理通知书"
    if paper is Paper.TERMINATION_RECORD and case.termination is None:
        return "案件未终止委托，没有终止委托记录"
    if paper is Paper.REPORT and case.feedback_report is None:
        return "企业尚未评价，评价反馈报告还未起草"
    return None


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str


def render(paper: Paper, form: PaperFormat, case: CaseStatus) -> Rendered:
    html = paper_html(paper, case)
    content = html_to_pdf(html) if form is PaperFormat.PDF else html_to_docx(html)
    filename = f"{case.case_id}-{paper_name(paper, case)}.{form.value}"
    return Rendered(content, MEDIA_TYPES[form], filename)


def paper_html(paper: Paper, case: CaseStatus) -> str:
    template = environment().get_template(f"{paper.value}.html")
    return template.render(
        case=case,
        title=paper_name(paper, case),
        stage_names=STAGE_NAMES,
        causes=TERMINATION_CAUSES,
    )


def table_html(title: str, columns: list[str], rows: list[list[str]]) -> str:
    """A plain table paper (the tracking table, 附件3)."""
    template = environment().get_template("table.html")
    return template.render(title=title, columns=columns, rows=rows)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # loads Pango; only the processes that print pay for it

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("activities.documents", "templates"),
        autoescape=select_autoescape(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day_text
    env.filters["when"] = time_text
    return env


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return "　　年　月　日"
    if isinstance(value, datetime):
        value = value.astimezone(BUSINESS_ZONE).date()
    return f"{value.year}年{value.month}月{value.day}日"


def time_text(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(BUSINESS_ZONE)
    return f"{day_text(local)} {local:%H:%M}"
