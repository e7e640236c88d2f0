"""待办 / 已办 and 督办: the signed-in person's clocks, nearest first (GET /work), with
filters a clerk uses; and a matter's deadline explained step by step."""

from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console.api import ApiProblem
from console.frame import PAGE_SIZE, offset_of, page_count, router, visitor
from domain.dates import parse_day
from domain.work import CLOCK_NAMES

TABS = {"todo": "待办", "overdue": "督办（已超期）", "done": "已办"}


@router.get("/work", response_class=HTMLResponse)
async def work_page(
    request: Request,
    tab: str = "todo",
    kind: str = "",
    matter: str = "",
    department: str = "",
    park: str = "",
    due_before: str = "",
    page: int = 1,
) -> Response:
    who = await visitor(request)
    tab = tab if tab in TABS else "todo"
    filters = {"tab": tab, "kind": kind[:30], "matter": matter[:60], "department": department[:60]}
    filters |= {"park": park[:60], "due_before": due_before[:20]}
    wrong: dict[str, str] = {}
    before = None
    if filters["due_before"]:
        try:
            before = parse_day(filters["due_before"]).isoformat()
        except ValueError as problem:
            wrong["due_before"] = str(problem)
    query = {
        "kind": filters["kind"] or None,
        "matter": filters["matter"] or None,
        "department": filters["department"] or None,
        "park": filters["park"] or None,
        "due_before": before,
        "overdue": "true" if tab == "overdue" else None,
        "done": "true" if tab == "done" else None,
    }
    try:
        listed = await who.api.get(
            "/work", offset=offset_of(max(page, 1)), limit=PAGE_SIZE, **query
        )
        pages = page_count(listed["total"])
        if page > pages:  # an old link past the end shows the last page, never 第 99 / 2 页
            page = pages
            listed = await who.api.get("/work", offset=offset_of(page), limit=PAGE_SIZE, **query)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        wrong |= problem.field_errors
        listed, pages = {"items": [], "total": 0}, 1
    base = "/console/work?" + urlencode({k: v for k, v in filters.items() if v}) + "&"
    return who.page(
        "work.html",
        status_code=422 if wrong else 200,
        work=listed,
        page=max(min(page, pages), 1),
        pages=pages,
        filters=filters,
        tabs=TABS,
        kinds=[(k.value, name) for k, name in CLOCK_NAMES.items()],
        wrong=wrong,
        base=base,
    )


@router.get("/cases/{case_id}/matters/{matter}/deadline", response_class=HTMLResponse)
async def deadline_page(request: Request, case_id: str, matter: str) -> Response:
    who = await visitor(request)
    explained = await who.api.get(f"/cases/{quote(case_id)}/matters/{quote(matter)}/deadline")
    return who.page("deadline.html", explained=explained, case_id=case_id, matter=matter)
