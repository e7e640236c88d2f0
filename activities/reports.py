"""Draft documents from the ledger: what the case did, as the record shows it."""

from collections import Counter

from sqlalchemy import Engine
from temporalio import activity

from activities.names import DRAFT_FEEDBACK_REPORT
from domain.clock import BUSINESS_ZONE
from domain.ledger import LedgerEntry, LedgerEvent
from domain.report import REPORT_PLACEHOLDER, ReportDraftRequest
from store import ledger, projection


class ReportActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name=DRAFT_FEEDBACK_REPORT)
    def draft_feedback_report(self, request: ReportDraftRequest) -> str:
        entries, _ = ledger.entries(self._engine, request.case_id, limit=10_000)
        if request.cross_county:
            names = {m.code: m.name for m in projection.matter_rows(self._engine, request.case_id)}
            return _comprehensive_report(request, entries, names)
        by_event = Counter(e.event for e in entries)
        application = next(e for e in entries if e.event is LedgerEvent.APPLICATION_RECEIVED)
        enterprise = _applicant(application)
        evaluation = next(e for e in entries if e.event is LedgerEvent.CASE_EVALUATED).details
        outcomes = [
            f"  - {e.summary}（{e.occurred_at.astimezone(BUSINESS_ZONE).date().isoformat()}）"
            for e in entries
            if e.event in (LedgerEvent.MATTER_APPROVED, LedgerEvent.MATTER_REFUSED)
        ]
        problems = [
            f"  - {e.summary}"
            for e in entries
            if e.event
            in (
                LedgerEvent.COORDINATION_DUE,
                LedgerEvent.DEADLINE_OVERDUE,
                LedgerEvent.COORDINATION_ESCALATED,
                LedgerEvent.COORDINATION_RECORDED,
            )
        ]
        lines = [
            f"{request.recipient}：",
            f"    现将{enterprise}代办服务（案件编号{request.case_id}）评价结果报告如下。",
            "一、评价结果",
            f"  综合评价：{evaluation['level']}；服务效率{evaluation['efficiency']}分，"
            f"办理质量{evaluation['quality']}分，问题解决能力{evaluation['problem_solving']}分。",
            f"  企业意见建议：{evaluation.get('comments') or '无'}",
            "二、事项办理情况",
            *(outcomes or ["  - 无办结事项"]),
            f"  补正{by_event[LedgerEvent.CORRECTION_REQUESTED]}次，"
            f"延期{by_event[LedgerEvent.DEADLINE_EXTENDED]}次，"
            f"超期{by_event[LedgerEvent.DEADLINE_OVERDUE]}项。",
            "三、协调与问题处理",
            *(problems or ["  - 无"]),
            "四、改进建议",
            "  （请代办专员结合企业意见填写）",
        ]
        return "\n".join(lines)


_PROBLEM_HANDLING = (
    LedgerEvent.COORDINATION_DUE,
    LedgerEvent.COORDINATION_RECORDED,
    LedgerEvent.COORDINATION_ESCALATED,
    LedgerEvent.RESOLUTION_CLOSED,
)
# Coordination across departments: the hand-offs between counties and every problem.
_COORDINATION = (
    LedgerEvent.CROSS_COUNTY_HANDED_OFF,
    LedgerEvent.HAND_OFF_ACKNOWLEDGED,
    LedgerEvent.HAND_OFF_UNACKNOWLEDGED,
    LedgerEvent.DEADLINE_OVERDUE,
    *_PROBLEM_HANDLING,
)


def _comprehensive_report(
    request: ReportDraftRequest, entries: list[LedgerEntry], names: dict[str, str]
) -> str:
    """The cross-county 综合报告: 事项办理流程、跨部门协调记录、企业满意度 (博州 五.(五)2)."""
    application = next(e for e in entries if e.event is LedgerEvent.APPLICATION_RECEIVED)
    enterprise = _applicant(application)
    evaluation = next(e for e in entries if e.event is LedgerEvent.CASE_EVALUATED).details
    by_matter: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        if entry.matter:
            by_matter.setdefault(entry.matter, []).append(entry)
    flow = [
        line
        for matter, steps in by_matter.items()
        for line in (
            f"  {names.get(matter, matter)}：",  # the matter's name, as the special team reads it
            *(f"    {_day(e)} {e.summary}" for e in steps if e.event not in _PROBLEM_HANDLING),
        )
    ]
    coordination = [f"  - {_day(e)} {e.summary}" for e in entries if e.event in _COORDINATION]
    scores = [
        ("协同效率", evaluation.get("coordination_efficiency")),
        ("跨区域沟通成效", evaluation.get("cross_region_communication")),
        ("事项办结完整性", evaluation.get("completeness")),
        ("服务效率", evaluation["efficiency"]),
        ("办理质量", evaluation["quality"]),
        ("问题解决能力", evaluation["problem_solving"]),
    ]
    lines = [
        f"{request.recipient}：",
        f"    现将{enterprise}跨县市代办服务（案件编号{request.case_id}）综合情况报告如下。",
        "一、事项办理流程",
        *(flow or ["  - 无"]),
        "二、跨部门协调记录",
        *(coordination or ["  - 无"]),
        "三、企业满意度",
        f"  综合评价：{evaluation['level']}；"
        + "，".join(f"{name}{score}分" for name, score in scores if score is not None)
        + "。",
        f"  企业意见建议：{evaluation.get('comments') or '无'}",
        "四、改进建议",
        f"  {REPORT_PLACEHOLDER}",
    ]
    return "\n".join(lines)


def _day(entry: LedgerEntry) -> str:
    return entry.occurred_at.astimezone(BUSINESS_ZONE).date().isoformat()


def _applicant(received: LedgerEntry) -> str:
    """The applicant's name as the 委托书 in the first ledger entry gave it."""
    form = received.details["application"]
    return (form.get("enterprise") or form["resident"])["name"]
