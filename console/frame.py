"""What every console page shares: the router, the templates, who is visiting, the form
checks, paging and the one way an action is submitted to the API."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from console import forms, session
from console.api import Api, ApiProblem
from console.model_forms import LABELS
from domain.actions import Satisfaction
from domain.actors import ROLE_NAMES, Role
from domain.case import STAGE_NAMES
from domain.clock import PAUSE_REASON_NAMES
from domain.dates import chinese_dates, day_text, time_text
from domain.documents import size_text
from domain.matter import MATTER_STATE_NAMES
from domain.papers import PAPER_NAMES

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# One format for dates (2027年6月30日) and one for times (2027年6月30日 14:05), in
# Beijing time, whether the value is a model's date or the API's ISO text.
templates.env.filters["day"] = lambda value: day_text(value) if value else "—"
templates.env.filters["when"] = time_text
templates.env.filters["iso_when"] = time_text
templates.env.filters["file_size"] = size_text
# A share as people read it: 0.0588 is 5.9 %.
templates.env.filters["share"] = lambda value: f"{value * 100:.1f} %" if value is not None else "—"
templates.env.filters["iso_day"] = templates.env.filters["day"]
templates.env.filters["dates"] = chinese_dates
# The API names a field by its path; a person reads the form's label.
FIELD_LABELS = {
    "enterprise": "委托人",
    "enterprise.name": "企业名称",
    "enterprise.uscc": "统一社会信用代码",
    "contact.name": "联系人",
    "contact.phone": "联系电话",
    "park": "园区",
    "project": "项目",
    "project.name": "项目名称",
    "project.investment_wan_yuan": "总投资",
    "project.industry": "所属行业",
    "matters": "委托事项",
    "period": "委托期限",
    "period.start": "委托期限自",
    "period.end": "委托期限至",
    "agent.id": "工号",
    "agent.name": "代办专员姓名",
    "agent.phone": "代办专员电话",
    "materials_received": "收到的材料",
    "reasons": "不予受理的理由",
    "result_reference": "批文或证照编号",
    "items": "需补正的材料",
    "reason": "理由",
    "signed_by": "签收人",
    "received_by": "签收人",
    "text": "报告定稿",
    "reference": "报送文号",
    "file": "文件",
    "material": "材料名称",
    "title": "结果名称",
}


def field_label(path: str | None) -> str:
    """The form's words for an API field path: ``meeting.resolutions.0.owner`` is the
    owner's label; the request as a whole is 提交的内容."""
    if not path or path == "body":
        return "提交的内容"
    if path in FIELD_LABELS:
        return FIELD_LABELS[path]
    last = [part for part in path.split(".") if not part.isdigit()][-1]
    return FIELD_LABELS.get(last) or LABELS.get(last, path)


templates.env.filters["field_label"] = field_label

RESOURCE_NAMES = {
    "case_status": "案件详情（含委托书）",
    "ledger": "台账",
    "task": "部门待办（申请材料）",
    "tracking_table": "全程跟踪备案表",
}
PAPER_WORDS = {paper.value: name for paper, name in PAPER_NAMES.items()}
# Reads of one thing, by its kind: "document:<id>", "paper:<name>".
RESOURCE_KINDS = {"document": "文件", "paper": "文书"}


def resource_words(resource: str, files: dict[str, str] | None = None) -> str:
    """What was read, in words: a file by its material and version where the page knows
    it, a paper by its kind."""
    if resource in RESOURCE_NAMES:
        return RESOURCE_NAMES[resource]
    kind, _, which = resource.partition(":")
    if kind == "document" and files and which in files:
        return f"文件：{files[which]}"
    if kind == "paper" and which in PAPER_WORDS:
        return f"文书：{PAPER_WORDS[which]}"
    return f"{RESOURCE_KINDS[kind]}（{which}）" if kind in RESOURCE_KINDS and which else resource


def actor_words(role: str, actor_id: str, department: str | None, viewer: str, names: dict) -> str:
    """Who acted, in words the reader understands: a department by its name, the system
    as 系统自动; staff see the account beside it, the enterprise does not."""
    if role == Role.SYSTEM.value:
        return "系统自动"
    if role == Role.DEPARTMENT.value:
        words = names.get(department or "", "承办部门")
    else:
        words = ROLE_NAMES.get(Role(role), role) if role in set(Role) else role
    return words if viewer == Role.ENTERPRISE.value else f"{words}（{actor_id}）"


templates.env.globals.update(actor_words=actor_words, resource_words=resource_words)
templates.env.globals.update(
    pause_reason_names={reason.value: name for reason, name in PAUSE_REASON_NAMES.items()},
    stage_names=STAGE_NAMES,
    matter_state_names=MATTER_STATE_NAMES,
    satisfaction_levels=list(Satisfaction),
)

HOME = {
    Role.COORDINATOR: "/console/cases",
    Role.OPS: "/console/cases",
    Role.ENTERPRISE: "/console/cases",
    Role.DEPARTMENT: "/console/inbox",
    Role.OVERSIGHT: "/console/dashboard",
    Role.LEADER: "/console/cases",
}
PAGE_SIZE = 20
DONE = {
    "opened": "委托已登记，案件进入初审",
    "review": "初审结果已提交",
    "plan": "代办计划已提交，事项开始移交部门",
    "delivery": "办结送达已登记",
    "receipt": "签收已登记",
    "evaluation": "评价已提交，谢谢",
    "feedback-report": "评价反馈报告已报送",
    "termination": "委托已终止",
    "resubmission": "补正材料已移交部门",
    "deferred-materials": "容缺材料已补齐，待部门确认",
    "deferred-materials-confirmation": "容缺材料确认结果已登记",
    "hand-off-acknowledgement": "已签收移交",
    "acceptance": "已受理",
    "correction-request": "补正通知已发出",
    "approval": "已办结",
    "refusal": "已作出不予许可决定",
    "password": "密码已修改，请用新密码登录",
    "amendment": "委托书已修改，修改内容已记入台账",
    "pushed": "项目清单已推送，各项目已开立案件，待园区管委会初审",
    "joint-review": "集中联审结果已登记，各事项按联审决定办结",
    "stall-reports": "已报告，须在48小时内启动协调",
    "coordination": "协调情况已记录",
    "escalation": "已报请领导协调",
    "leader-answer": "批示已送达代办专员和承办部门",
    "closing": "议定事项已办结",
    "callback": "回访已记录",
    "remedy": "整改已记录，请企业再次评价",
    "rating": "再次评价已提交，谢谢",
    "versions": "更正版本已报送",
    "misconduct-reports": "报告已记入台账，已告知分管领导",
    "satisfaction-visits": "回访结果已记入台账",
    "clock-suspension": "已暂停计时",
    "clock-resumption": "已恢复计时",
    "extension": "办理期限已延长，已告知企业",
    "replay": "重放完成",
    "reset": "已重置",
    "activity-retry": "已重试",
    "projection-rebuild": "已重建",
    "redelivery": "已重发",
    "disable": "账号已停用",
    "enable": "账号已启用",
    "token-revocation": "令牌已吊销",
    "document": "文件已上传（同名材料的旧版本保留）",
    "results": "办理结果文件已上传，办结时随结果出具",
    "read": "已标为已读",
}


class SignInNeeded(Exception):
    pass


class Visitor:
    """The signed-in person on this request: their API client and who the API says they are."""

    def __init__(
        self, request: Request, api: Api, me: dict[str, Any], token: str, unread: int = 0
    ) -> None:
        self.request, self.api, self.me, self.token = request, api, me, token
        self.role = Role(me["role"])
        self.unread = unread  # the header's 消息 count

    def page(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.update(
            me=self.me,
            role=self.role.value,
            csrf=session.form_token(self.request, self.token),
            unread=self.unread,
            done=DONE.get(self.request.query_params.get("done", "")),
        )
        return templates.TemplateResponse(self.request, name, context, status_code=status_code)


async def visitor(request: Request) -> Visitor:
    token = session.token_of(request)
    if not token:
        raise SignInNeeded
    api = Api(request, token)
    me, unread = await asyncio.gather(api.get("/auth/me"), api.get("/notifications/unread-count"))
    return Visitor(request, api, me, token, unread["unread"])


async def checked_form(request: Request, who: Visitor) -> Any:
    form = await request.form()
    if not session.form_token_ok(request, who.token, form.get("csrf")):
        raise ApiProblem(403, "forbidden", "表单已过期或来源不明，请刷新页面后重试", [])
    return form


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def offset_of(page: int) -> int:
    return (page - 1) * PAGE_SIZE


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


async def paged(
    fetch: Callable[[int], Awaitable[dict[str, Any]]], page: int
) -> tuple[dict[str, Any], int, int]:
    """A list page, its number and the page count: an old link past the end (the list got
    shorter) shows the last page, never 第 99 / 2 页. ``fetch`` takes the offset."""
    page = max(page, 1)
    listed = await fetch(offset_of(page))
    pages = page_count(listed["total"])
    if page > pages:
        page = pages
        listed = await fetch(offset_of(page))
    return listed, page, pages


Failure = tuple[str, ApiProblem]  # the action whose form failed, and the API's answer


def failure_context(failure: Failure | None) -> dict[str, Any]:
    """What a page with action forms needs: which form failed and why, and a fresh key."""
    failed, error = failure if failure else (None, None)
    return {
        "status_code": error.status if error else 200,
        "failed": failed,
        "error": error,
        "errors": error.field_errors if error else {},
        "submitted": error.submitted if error else {},
        "key": session.new_key(),
    }


def submitted_values(form: Any) -> dict[str, str]:
    """What the person typed, to put back into the form with a refusal (a group of
    values one per line): nothing typed is lost."""
    return {
        name: "\n".join(v for v in form.getlist(name) if isinstance(v, str))
        for name in form
        if name not in ("csrf", "idempotency_key")
    }


def unconfirmed(form: Any) -> ApiProblem | None:
    """An irreversible action (终止委托, 不予许可, 不予受理) goes only with its box ticked."""
    if form.get("confirm") == "yes":
        return None
    problem = ApiProblem(409, "action_refused", "此操作不可撤销：请勾选确认后再提交", [])
    problem.submitted = submitted_values(form)
    return problem


# Sign-in, permission and a missing record have pages of their own; other refusals are
# shown on the form that was sent.
OWN_PAGE = (401, 403, 404)


async def shown_again(
    problem: ApiProblem, form: Any, action: str, again: Callable[[Failure], Awaitable[Response]]
) -> Response:
    """A refusal of ``action`` shown on the page ``again``, with what was typed in ``form``."""
    if problem.status in OWN_PAGE:
        raise problem
    problem.submitted = submitted_values(form)
    return await again((action, problem))


async def submit(
    who: Visitor,
    form: Any,
    action: str,
    path: str,
    again: Callable[[Failure], Awaitable[Response]],
    done: str,
    *,
    irreversible: bool = False,
) -> Response:
    """Send a form's action to the API; a refusal shows the page ``again`` with it. An
    ``irreversible`` one is sent only when the person ticked its confirmation."""
    if irreversible and (problem := unconfirmed(form)):
        return await again((action, problem))
    try:
        await who.api.post(path, forms.nest(form), key=str(form.get("idempotency_key") or ""))
    except ApiProblem as problem:
        return await shown_again(problem, form, action, again)
    return see_other(done)


# --- sign-in ---------------------------------------------------------------------------
