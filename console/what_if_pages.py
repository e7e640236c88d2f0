"""政策推演: the what-if page for 州工信局 and coordinators. A form that asks in plain
fields (a promise, staffing, load, 补正, holidays) rather than a file; the runs with their
progress; a run's result side by side with the dashboard's charts and the XLSX; and the
open deadlines a change would move. Every answer comes from the API's /what-if routes."""

from datetime import date
from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from console import charts
from console.api import ApiProblem
from console.frame import (
    Failure,
    Visitor,
    checked_form,
    failure_context,
    paged,
    router,
    see_other,
    shown_again,
    visitor,
)
from domain.actors import Role
from domain.dates import parse_day

STATUS_NAMES = {
    "waiting": "等待开始",
    "running": "运行中",
    "stopped": "已停止",
    "interrupted": "已中断（可继续）",
    "done": "已完成",
    "failed": "失败",
}
GROUP_NAMES = {
    "jurisdiction": "辖区",
    "park": "园区",
    "department": "部门",
    "matter": "事项",
    "case": "案件全程",
}
BASELINE_COLOUR, CHANGE_COLOUR = "#1f5fa8", "#cc4c02"


def _planner(who: Visitor) -> None:
    if who.role not in (Role.OVERSIGHT, Role.COORDINATOR):
        raise ApiProblem(403, "forbidden", "政策推演仅供州工信局专班和代办员使用", [])


def _problem(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        422, "invalid_input", "请求内容不合法", [{"field": field, "message": message}]
    )


def _number(form: Any, name: str, default: float | None = None) -> float | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise _problem(name, f"“{text}”不是数字") from None


def _day(form: Any, name: str, default: date | None = None) -> date | None:
    text = str(form.get(f"{name}~date") or form.get(name) or "").strip()
    if not text:
        return default
    try:
        return parse_day(text)
    except ValueError as error:
        raise _problem(name, str(error)) from None


def _days(form: Any, name: str) -> list[date]:
    days = []
    for line in str(form.get(name) or "").replace("，", "\n").replace(",", "\n").splitlines():
        if line.strip():
            try:
                days.append(parse_day(line))
            except ValueError as error:
                raise _problem(name, str(error)) from None
    return days


def change_of(form: Any, jurisdiction: str) -> dict[str, Any]:
    """The change the form's plain fields describe, as the API takes it."""
    change: dict[str, Any] = {"name": str(form.get("name") or "").strip() or "未命名的变更"}
    matter = str(form.get("matter") or "").strip()
    promised = _number(form, "promised_days")
    if matter and promised is not None:
        change["packs"] = {jurisdiction: {"matters": {matter: {"promised_days": int(promised)}}}}
    elif matter or promised is not None:
        raise _problem("promised_days", "事项编码和承诺工作日须同时填写")
    department = str(form.get("department") or "").strip()
    staff = _number(form, "staffing")
    if department and staff is not None:
        change["staffing"] = {department: staff}
    elif department or staff is not None:
        raise _problem("staffing", "部门编码和人员倍数须同时填写")
    change["load"] = _number(form, "load", 1.0)
    change["corrections"] = _number(form, "corrections", 1.0)
    holidays = _days(form, "holidays")
    if holidays:
        years = {d.year for d in holidays}
        if len(years) > 1:
            raise _problem("holidays", "一次只能填写一个年份的节假日")
        (year,) = years
        change["calendar"] = {
            str(year): {
                "source": "政策推演页面填写",
                "holidays": [str(d) for d in holidays],
                "make_up_workdays": [str(d) for d in _days(form, "make_up_workdays")],
            }
        }
    return change


def _jurisdiction(who: Visitor, form: Any) -> str:
    return who.me.get("jurisdiction") or str(form.get("jurisdiction") or "BZ").strip().upper()


async def _list_page(
    who: Visitor, page: int = 1, failure: Failure | None = None, **shown: Any
) -> Response:
    _planner(who)
    listed, page, pages = await paged(
        lambda offset: who.api.get("/what-if/runs", offset=offset, limit=20), page
    )
    today = date.today()
    defaults = {
        "since~date": str(today.replace(year=today.year - 1)),
        "until~date": str(today),
        "weeks": "52",
        "seeds": "3",
        "load": "1",
        "corrections": "1",
        "jurisdiction": who.me.get("jurisdiction") or "BZ",
    }
    context = failure_context(failure)
    context["submitted"] = {**defaults, **context["submitted"]}
    return who.page(
        "what_if.html",
        runs=listed,
        page=page,
        pages=pages,
        status_names=STATUS_NAMES,
        fixed_jurisdiction=who.me.get("jurisdiction"),
        **shown,
        **context,
    )


async def _failed(who: Visitor, failure: Failure) -> Response:
    return await _list_page(who, failure=failure)


@router.get("/what-if", response_class=HTMLResponse)
async def what_if_page(request: Request, page: int = 1) -> Response:
    return await _list_page(await visitor(request), page)


@router.post("/what-if/runs", response_class=HTMLResponse)
async def start_run(request: Request) -> Response:
    who = await visitor(request)
    _planner(who)
    form = await checked_form(request, who)
    try:
        jurisdiction = _jurisdiction(who, form)
        since, until = _day(form, "since"), _day(form, "until")
        if since is None or until is None:
            raise _problem("since", "请填写学习区间的开始和结束日期")
        body = {
            "title": str(form.get("name") or "").strip() or None,
            "change": change_of(form, jurisdiction),
            "learn": {"since": str(since), "until": str(until)},
            "start": str(_day(form, "start")) if _day(form, "start") else None,
            "weeks": int(_number(form, "weeks", 52) or 52),
            "seeds": int(_number(form, "seeds", 3) or 3),
        }
        run = await who.api.post("/what-if/runs", body, key=str(form.get("idempotency_key") or ""))
    except ApiProblem as problem:
        return await shown_again(problem, form, "start", partial(_failed, who))
    return see_other(f"/console/what-if/{run['run_id']}")


@router.post("/what-if/open-cases", response_class=HTMLResponse)
async def open_cases(request: Request) -> Response:
    who = await visitor(request)
    _planner(who)
    form = await checked_form(request, who)
    try:
        change = change_of(form, _jurisdiction(who, form))
        moved = await who.api.post("/what-if/open-cases", {"change": change})
    except ApiProblem as problem:
        return await shown_again(problem, form, "open-cases", partial(_failed, who))
    return await _list_page(who, moved=moved, moved_for=change["name"])


def _cycle_chart(rows: list[dict], side: str) -> charts.BarChart:
    return charts.cycle_times(
        [
            {
                "name": r["key"],
                "median_days": r[f"{side}_median"]["mean"],
                "p90_days": r[f"{side}_p90"]["mean"],
            }
            for r in rows
        ]
    )


def _figure_chart(figures: list[dict]) -> charts.BarChart:
    chosen = (
        "matters_overdue",
        "cases_overdue",
        "coordinations",
        "coordinations_escalated",
        "reports_at_risk",
    )
    groups = {}
    for f in figures:
        if f["key"] in chosen:
            groups[f"{f['name']}·基线"] = [("基线", f["baseline"]["mean"], BASELINE_COLOUR)]
            groups[f"{f['name']}·变更后"] = [("变更后", f["change"]["mean"], CHANGE_COLOUR)]
    return charts.stacked(groups, caption="{total:g}")


@router.get("/what-if/{run_id}", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str) -> Response:
    who = await visitor(request)
    _planner(who)
    run = await who.api.get(f"/what-if/runs/{run_id}")
    comparison = run["comparison"]
    shown: dict[str, Any] = {}
    if comparison:
        matters = [c for c in comparison["cycles"] if c["group"] == "matter"]
        shown = {
            "figure_chart": _figure_chart(comparison["figures"]),
            "baseline_cycles": _cycle_chart(matters, "baseline"),
            "change_cycles": _cycle_chart(matters, "change"),
            "cycles_by_group": [
                (
                    GROUP_NAMES.get(group, group),
                    [c for c in comparison["cycles"] if c["group"] == group],
                )
                for group in ("jurisdiction", "park", "department", "matter", "case")
            ],
        }
    return who.page(
        "what_if_run.html",
        run=run,
        comparison=comparison,
        status_names=STATUS_NAMES,
        live=run["status"] in ("waiting", "running"),
        **shown,
        **failure_context(None),
    )


@router.post("/what-if/{run_id}/{verb}", response_class=HTMLResponse)
async def run_action(request: Request, run_id: str, verb: str) -> Response:
    who = await visitor(request)
    _planner(who)
    await checked_form(request, who)
    if verb not in ("stop", "resume"):
        raise ApiProblem(404, "not_found", "没有这个操作", [])
    await who.api.post(f"/what-if/runs/{run_id}/{verb}")
    return see_other(f"/console/what-if/{run_id}")


@router.get("/what-if/{run_id}/workbook")
async def run_workbook(request: Request, run_id: str) -> Response:
    who = await visitor(request)
    _planner(who)
    _, headers, chunks = await who.api.stream(f"/what-if/runs/{run_id}/workbook")
    passed = {k: v for k, v in headers.items() if k in ("content-disposition", "content-length")}
    return StreamingResponse(chunks, media_type=headers.get("content-type"), headers=passed)
