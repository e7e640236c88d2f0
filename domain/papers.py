"""The papers a case has (委托书, 受理通知书 or 不予受理告知书, 终止委托记录, 送达回执,
报告): their names and when each exists.

One rule for the API (409 when a paper does not exist yet) and the console (which links it).
"""

from enum import StrEnum

from domain.case import CaseStatus


class Paper(StrEnum):
    ENTRUSTMENT = "entrustment"  # 政务服务代办委托书 (附件1)
    ACCEPTANCE_NOTICE = "acceptance-notice"  # 代办服务受理通知书 (附件2)
    REFUSAL_NOTICE = "refusal-notice"  # 不予受理告知书: the reasons, as 初审 gave them
    TERMINATION_RECORD = "termination-record"  # 终止委托记录
    RECEIPT = "receipt"  # 办理结果送达回执: the results and their files, as delivered
    REPORT = "report"  # 综合报告 (cross-county) or 评价反馈材料


PAPER_NAMES = {
    Paper.ENTRUSTMENT: "政务服务代办委托书",
    Paper.ACCEPTANCE_NOTICE: "代办服务受理通知书",
    Paper.REFUSAL_NOTICE: "代办服务不予受理告知书",
    Paper.TERMINATION_RECORD: "终止委托记录",
    Paper.RECEIPT: "办理结果送达回执",
    Paper.REPORT: "综合报告",
}


class PaperFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


def paper_name(paper: Paper, case: CaseStatus) -> str:
    if paper is Paper.REPORT and not case.cross_county:
        return "代办服务评价反馈材料"
    return PAPER_NAMES[paper]


def not_yet(paper: Paper, case: CaseStatus) -> str | None:
    """Why the case has no such paper yet, or None when it can be rendered."""
    if paper is Paper.ACCEPTANCE_NOTICE and case.acceptance_notice is None:
        return "案件尚未受理，没有受理通知书"
    if paper is Paper.REFUSAL_NOTICE and not (case.refusal_reasons and case.closed_at):
        return "案件未被初审不予受理，没有不予受理告知书"
    if paper is Paper.TERMINATION_RECORD and case.termination is None:
        return "案件未终止委托，没有终止委托记录"
    if paper is Paper.RECEIPT and case.delivery is None:
        return "办理结果尚未送达，没有送达回执"
    if paper is Paper.REPORT and case.feedback_report is None:
        return "企业尚未评价，评价反馈报告还未起草"
    return None


def available(case: CaseStatus) -> list[Paper]:
    """The papers this case has now, in the order the console lists them."""
    return [paper for paper in Paper if not_yet(paper, case) is None]
