"""消息: the notices addressed to the signed-in person, newest first (every role's own, as
GET /notifications filters them), each linked to its case or task."""

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console.frame import PAGE_SIZE, offset_of, page_count, router, visitor


@router.get("/notifications", response_class=HTMLResponse)
async def notifications_page(request: Request, page: int = 1) -> Response:
    who = await visitor(request)
    page = max(page, 1)
    notices = await who.api.get("/notifications", offset=offset_of(page), limit=PAGE_SIZE)
    return who.page(
        "notifications.html", notices=notices, page=page, pages=page_count(notices["total"])
    )
