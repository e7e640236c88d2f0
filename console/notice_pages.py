"""消息: the notices addressed to the signed-in person, newest first (every role's own, as
GET /notifications filters them), each linked to its case or task, unread ones marked, and
marked read one by one or all at once."""

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from console.frame import (
    PAGE_SIZE,
    checked_form,
    paged,
    router,
    see_other,
    visitor,
)


@router.get("/notifications", response_class=HTMLResponse)
async def notifications_page(request: Request, page: int = 1, unread: bool = False) -> Response:
    who = await visitor(request)
    query = {"unread": "true" if unread else None, "limit": PAGE_SIZE}
    notices, page, pages = await paged(
        lambda offset: who.api.get("/notifications", offset=offset, **query), page
    )
    return who.page(
        "notifications.html", notices=notices, page=page, pages=pages, only_unread=unread
    )


@router.post("/notifications/read", response_class=HTMLResponse)
async def mark_read(request: Request) -> Response:
    who = await visitor(request)
    form = await checked_form(request, who)
    ids = [int(i) for i in form.getlist("id") if isinstance(i, str) and i.isdigit()]
    every = form.get("all") == "yes"
    await who.api.post("/notifications/read", {"ids": ids[:200], "all": every})
    back = (
        "/console/notifications?unread=true&"
        if form.get("unread") == "true"
        else "/console/notifications?"
    )
    return see_other(f"{back}done=read")
