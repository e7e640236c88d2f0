"""Every JSON body is checked for controls and direction overrides before any route sees
it (domain/text.py): one rule for every text field, now and added later."""

from fastapi import Request

from api.json_body import json_body
from domain.errors import InvalidInput
from domain.text import text_problems

_WITH_BODY = {"POST", "PUT", "PATCH"}


async def refuse_control_characters(request: Request) -> None:
    if request.method not in _WITH_BODY:
        return
    if "json" not in request.headers.get("content-type", ""):
        return
    for field, problem in text_problems(await json_body(request)):
        raise InvalidInput(field, f"{field}：{problem}")
