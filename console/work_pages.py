"""待办 / 已办 and 督办: the signed-in person's clocks, nearest first (GET /work), with
filters a clerk uses; and a matter's deadline explained step by step."""

from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console.api import ApiProblem
from console.frame import PAGE_SIZE, paged, router, visitor
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
        listed, page, pages = await paged(
            lambda offset: who.api.get("/work", offset=offset, limit=PAGE_SIZE, **query), page
        )
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


@router.get("/cases/{case_id}/clocks/{kind}", response_class=HTMLResponse)
async def deadline_page(request: Request, case_id: str, kind: str, matter: str = "") -> Response:
    """How one clock's date was reached (GET /cases/{id}/clocks/{kind})."""
    who = await visitor(request)
    explained = await who.api.get(
        f"/cases/{quote(case_id)}/clocks/{quote(kind)}", matter=matter[:60] or None
    )
    name = dict((k.value, n) for k, n in CLOCK_NAMES.items()).get(kind, kind)
    return who.page(
        "deadline.html", explained=explained, case_id=case_id, matter=matter, clock_name=name
    )
