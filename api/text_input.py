"""Every JSON body is checked for controls and direction overrides before any route sees
it (domain/text.py): one rule for every text field, now and added later."""

import json

from fastapi import Request

from domain.errors import InvalidInput
from domain.text import text_problems

_WITH_BODY = {"POST", "PUT", "PATCH"}


async def refuse_control_characters(request: Request) -> None:
    if request.method not in _WITH_BODY:
        return
    if "json" not in request.headers.get("content-type", ""):
        return
    try:
        body = json.loads(await request.body())
    except ValueError:
        return  # not JSON: the route's own parsing answers it
    for field, problem in text_problems(body):
        raise InvalidInput(field, f"{field}：{problem}")
