"""州工信局's dashboard: cross-county figures, charts and the filtered list."""

import asyncio

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


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request, county: str = "", stage: str = "", overdue: bool = False, page: int = 1
) -> Response:
    who = await visitor(request)
    if who.role not in (Role.OVERSIGHT, Role.OPS):
        raise ApiProblem(403, "forbidden", "跨县市案件看板仅供州工信局专班和运维人员查看", [])
    page = max(page, 1)
    where = {
        "county": county[:40],
        "stage": stage if stage in set(CaseStage) else None,
        "overdue": "true" if overdue else None,
    }
    # Both are database reads in the API's thread pool: side by side, on two cores.
    stats, cases = await asyncio.gather(
        who.api.get("/oversight/statistics", **where),
        who.api.get("/oversight/cases", **where, offset=offset_of(page), limit=PAGE_SIZE),
    )
    levels = stats["satisfaction"]["by_level"]
    return who.page(
        "dashboard.html",
        stats=stats,
        cases=cases,
        filters={"county": county, "stage": stage, "overdue": overdue},
        page=page,
        pages=page_count(cases["total"]),
        by_county=charts.cases_by_county_and_stage(stats["by_county_and_stage"]),
        cycle=charts.cycle_times(stats["cycle_time_by_matter"]),
        satisfaction=charts.simple(
            [(level.value, levels.get(level.value, 0)) for level in Satisfaction],
            "#6a51a3",
            "{total:g}件",
        ),
        stage_colours={STAGE_NAMES[s]: c for s, c in charts.STAGE_COLOURS.items()},
    )


# --- wiring ------------------------------------------------------------------------------
