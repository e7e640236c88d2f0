"""Ops staff's pages: stuck cases with the reason and the repairs, ledger verification,
notification redelivery, accounts. What only daiban knows; each workflow links to
Temporal's own Web UI for its history, pending activities and reset points."""

import re
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from console import forms
from console.api import ApiProblem
from console.frame import (
    Failure,
    Visitor,
    checked_form,
    failure_context,
    router,
    see_other,
    submit,
    submitted_values,
    visitor,
)
from console.model_forms import ModelForm, inputs_of
from domain.actors import Role


class RepairForm(BaseModel):
    """What every repair asks: why (it goes into the case's ledger)."""

    reason: str = Field(min_length=1, max_length=500, description="原因（记入台账）")


class ResetForm(RepairForm):
    event_id: int | None = Field(None, ge=1, description="重置到的事件编号（默认：分歧点之前）")


class RedeliveryForm(RepairForm):
    notification_id: int = Field(ge=1, description="通知编号")


# the console's path under /console/ops/act/ → the API's under /ops/
OPS_ACTIONS = re.compile(
    r"^(workflows/[A-Z]{2,4}-\d{4}-\d{5}(/[a-z0-9_\-]+)?/(replay|reset|activity-retry|termination)"
    r"|cases/[A-Z]{2,4}-\d{4}-\d{5}/projection-rebuild"
    r"|notifications/redelivery)$"
)


def _ops(who: Visitor) -> None:
    if who.role is not Role.OPS:
        raise ApiProblem(403, "forbidden", "只有运维人员可以使用运维页面", [])


def _repairs(item: dict[str, Any]) -> list[ModelForm]:
    workflow, case = item["workflow_id"], item["case_id"]
    base = "/console/ops/act"
    forms = [
        ModelForm(
            f"workflows/{workflow}/replay",
            "用当前代码重放历史",
            f"{base}/workflows/{workflow}/replay",
            [],
            "重放",
        ),
        ModelForm(
            f"workflows/{workflow}/activity-retry",
            "立即重试失败的活动",
            f"{base}/workflows/{workflow}/activity-retry",
            inputs_of(RepairForm),
            "重试",
        ),
        ModelForm(
            f"workflows/{workflow}/reset",
            "重置到最后一个正常的工作流任务",
            f"{base}/workflows/{workflow}/reset",
            inputs_of(ResetForm),
            "重置",
            confirm="重置会从该点重新执行工作流，我已确认",
        ),
        ModelForm(
            f"cases/{case}/projection-rebuild",
            "按工作流状态重建案件列表数据",
            f"{base}/cases/{case}/projection-rebuild",
            inputs_of(RepairForm),
            "重建",
        ),
        ModelForm(
            f"workflows/{workflow}/termination",
            "终止工作流（不可恢复）",
            f"{base}/workflows/{workflow}/termination",
            inputs_of(RepairForm),
            "终止",
            confirm="终止后工作流不可恢复，我已确认",
        ),
    ]
    return forms


async def _ops_page(who: Visitor, failure: Failure | None = None, **shown: Any) -> Response:
    _ops(who)
    stuck = await who.api.get("/ops/stuck")
    for item in stuck:
        item["repairs"] = _repairs(item)
    redelivery = ModelForm(
        "notifications/redelivery",
        "重发通知",
        "/console/ops/act/notifications/redelivery",
        inputs_of(RedeliveryForm),
        "重发",
    )
    keys = {f.key for item in stuck for f in item["repairs"]} | {redelivery.key}
    return who.page(
        "ops.html",
        stuck=stuck,
        redelivery=redelivery,
        # a refusal whose form is not on the page (the item is no longer stuck) shows on top
        unplaced=failure is not None and failure[0] not in keys,
        **shown,
        **failure_context(failure),
    )


@router.get("/ops", response_class=HTMLResponse)
async def ops_page(request: Request, verify: bool = False) -> Response:
    who = await visitor(request)
    _ops(who)
    verification = await who.api.get("/ops/ledger-verification") if verify else None
    return await _ops_page(who, verification=verification)


@router.post("/ops/act/{action:path}", response_class=HTMLResponse)
async def ops_act(request: Request, action: str) -> Response:
    who = await visitor(request)
    _ops(who)
    form = await checked_form(request, who)
    if not OPS_ACTIONS.match(action):
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    if action.endswith(("/reset", "/termination")) and form.get("confirm") != "yes":
        problem = ApiProblem(409, "action_refused", "请勾选确认后再提交不可恢复的操作", [])
        return await _ops_page(who, (action, problem))
    path = f"/ops/{action}"
    if action.endswith("/replay"):  # its answer is what ops wants to read
        replayed = await who.api.post(path, {})
        return await _ops_page(who, replayed=replayed)
    if action == "notifications/redelivery":
        path = f"/ops/notifications/{form.get('notification_id') or 0}/redelivery"
    return await submit(
        who,
        form,
        action,
        path,
        lambda failure: _ops_page(who, failure),
        f"/console/ops?done={action.rsplit('/', 1)[-1]}",
    )


# --- accounts -----------------------------------------------------------------------------

ROLE_CHOICES = (
    ("coordinator", "代办员（园区管委会）"),
    ("department", "部门经办人"),
    ("enterprise", "企业"),
    ("oversight", "州工信局专班"),
    ("leader", "分管领导"),
    ("ops", "运维人员"),
)


class AccountForm(BaseModel):
    username: str = Field(description="账号")
    display_name: str = Field(description="姓名")
    role: str = Field(description="角色")
    jurisdiction: str | None = Field(None, description="辖区（代办员、分管领导），如BZ")
    park: str | None = Field(None, description="园区编码（可不填：中心代办员）")
    department: str | None = Field(None, description="部门编码（部门经办人）")
    uscc: str | None = Field(None, description="统一社会信用代码（企业）")
    phone: str | None = Field(None, description="工作电话（印在受理通知书上）")


ACCOUNT_ACTIONS = re.compile(
    r"^([A-Za-z0-9._@\-]{1,64}/(disable|enable|token-revocation|password-reset)|new)$"
)


ACCOUNTS_PER_PAGE = 100


async def _accounts_page(
    who: Visitor,
    failure: Failure | None = None,
    shown_password: tuple[str, str] | None = None,
    page: int = 1,
) -> Response:
    _ops(who)
    offset = (page - 1) * ACCOUNTS_PER_PAGE
    listed = await who.api.get("/ops/accounts", offset=offset, limit=ACCOUNTS_PER_PAGE)
    opening = ModelForm(
        "new",
        "开设账号（初始密码只显示一次）",
        "/console/ops/accounts/act/new",
        inputs_of(AccountForm, choices={"role": ROLE_CHOICES}),
        "开设",
    )
    return who.page(
        "accounts.html",
        accounts=listed,
        opening=opening,
        shown_password=shown_password,
        page=page,
        pages=max(1, -(-listed["total"] // ACCOUNTS_PER_PAGE)),
        **failure_context(failure),
    )


@router.get("/ops/accounts", response_class=HTMLResponse)
async def accounts_page(request: Request, page: int = 1) -> Response:
    return await _accounts_page(await visitor(request), page=max(page, 1))


@router.post("/ops/accounts/act/{action:path}", response_class=HTMLResponse)
async def account_act(request: Request, action: str) -> Response:
    who = await visitor(request)
    _ops(who)
    form = await checked_form(request, who)
    if not ACCOUNT_ACTIONS.match(action):
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    path = "/ops/accounts" if action == "new" else f"/ops/accounts/{action}"
    try:
        answer = await who.api.post(path, forms.nest(form))
    except ApiProblem as problem:
        if problem.status in (401, 403):
            raise
        problem.submitted = submitted_values(form)
        return await _accounts_page(who, (action, problem))
    if "password" in answer:  # shown once, on this answer only; never in a URL
        return await _accounts_page(
            who, shown_password=(answer["account"]["username"], answer["password"])
        )
    return see_other(f"/console/ops/accounts?done={action.rsplit('/', 1)[-1]}")
