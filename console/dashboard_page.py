"""州工信局's dashboard: cross-county figures, charts and the filtered list."""

import asyncio
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console import charts
from console.api import ApiProblem
from console.frame import (
    PAGE_SIZE,
    offset_of,
    page_count,
    router,
    visitor,
)
from domain.actions import Satisfaction
from domain.actors import Role
from domain.case import STAGE_NAMES, CaseStage
from domain.dates import parse_day


def _filters(
    county: str,
    park: str,
    stage: str,
    overdue: bool,
    pending_coordination: bool,
    opened_from: str,
    opened_to: str,
) -> dict[str, str | None]:
    """The dashboard's filters as the API takes them: the list, the figures and the
    exports all read the same ones."""
    return {
        "county": county[:40] or None,
        "park": park[:60] or None,
        "stage": stage if stage in set(CaseStage) else None,
        "overdue": "true" if overdue else None,
        "pending_coordination": "true" if pending_coordination else None,
        "opened_from": _typed_day(opened_from),
        "opened_to": _typed_day(opened_to),
    }


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    county: str = "",
    park: str = "",
    stage: str = "",
    overdue: bool = False,
    pending_coordination: bool = False,
    opened_from: str = "",
    opened_to: str = "",
    page: int = 1,
) -> Response:
    who = await visitor(request)
    if who.role not in (Role.OVERSIGHT, Role.OPS):
        raise ApiProblem(403, "forbidden", "跨县市案件看板仅供州工信局专班和运维人员查看", [])
    page = max(page, 1)
    where = _filters(county, park, stage, overdue, pending_coordination, opened_from, opened_to)
    # Both are database reads in the API's thread pool: side by side, on two cores.
    stats, cases = await asyncio.gather(
        who.api.get("/oversight/statistics", **where),
        who.api.get("/oversight/cases", **where, offset=offset_of(page), limit=PAGE_SIZE),
    )
    chosen = {k: v for k, v in where.items() if v}
    levels = stats["satisfaction"]["by_level"]
    return who.page(
        "dashboard.html",
        stats=stats,
        cases=cases,
        filters={
            "county": county,
            "park": park,
            "stage": stage,
            "overdue": overdue,
            "pending_coordination": pending_coordination,
            "opened_from": opened_from,
            "opened_to": opened_to,
        },
        # the exports and the pages carry the same filters as the list on screen
        query=urlencode(chosen),
        page=page,
        pages=page_count(cases["total"]),
        by_county=charts.cases_by_county_and_stage(stats["by_county_and_stage"]),
        cycle=charts.cycle_times(stats["cycle_time_by_matter"]),
        overdue_by_month=charts.monthly(
            [f | {"percent": _percent(f["overdue_rate"])} for f in stats["by_month"]],
            "percent",
            "#b3261e",
            "{total:.1f} %",
        ),
        cycle_by_month=charts.monthly(stats["by_month"], "median_days", "#1f5fa8", "{total:g}天"),
        satisfaction=charts.simple(
            [(level.value, levels.get(level.value, 0)) for level in Satisfaction],
            "#6a51a3",
            "{total:g}件",
        ),
        stage_colours={STAGE_NAMES[s]: c for s, c in charts.STAGE_COLOURS.items()},
    )


# --- wiring ------------------------------------------------------------------------------


@router.get("/dashboard/cases/{case_id}/timeline", response_class=HTMLResponse)
async def case_timeline(request: Request, case_id: str) -> Response:
    """One cross-county case's ledger, each entry placed in its county, grouped by county."""
    who = await visitor(request)
    if who.role not in (Role.OVERSIGHT, Role.OPS):
        raise ApiProblem(403, "forbidden", "跨县市时间线仅供州工信局专班和运维人员查看", [])
    timeline = await who.api.get(f"/oversight/cases/{quote(case_id)}/timeline", limit=500)
    counties: dict[str, list[dict]] = {}
    for entry in timeline["items"]:
        counties.setdefault(entry["county"], []).append(entry)
    return who.page("timeline.html", case_id=case_id, timeline=timeline["items"], counties=counties)


def _percent(share: float | None) -> float | None:
    return round(share * 100, 1) if share is not None else None


def _typed_day(typed: str) -> str | None:
    """A date as a clerk types it (2027/6/30, 20270630, 2027年6月30日), sent as ISO; text
    that is no date goes on as typed, and the API names the field."""
    if not typed.strip():
        return None
    try:
        return parse_day(typed[:20]).isoformat()
    except ValueError:
        return typed[:20]
