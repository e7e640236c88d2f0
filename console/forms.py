"""HTML forms to API bodies and back: an input's name is the API field's dotted path, so
the API's 422 details land under the input a person must fix.

``matters.0.materials~lines`` is a textarea read one item per line; a name repeated (a
group of checkboxes) becomes a list; an empty input is left out, so the API's own
"必填" answers for it. ``team.3.level~fixed`` is a hidden value of a row the person may
leave blank: it is sent only when something else of its row was typed.
``period.end~date`` is a date typed the way a clerk types it (2027/6/30, 20270630,
2027年6月30日): it is sent as ISO, and one that is not a date is refused here, under its
field, before anything is sent.
"""

from typing import Any

from starlette.datastructures import FormData

from console.api import ApiProblem
from domain.dates import parse_day

LINES = "~lines"
FIXED = "~fixed"
LIST = "~list"  # a group of checkboxes: a list even when one is ticked
DATE = "~date"
_CONSOLE_FIELDS = {"csrf", "idempotency_key", "confirm"}


def nest(form: FormData, lists: frozenset[str] = frozenset()) -> dict[str, Any]:
    body: dict[str, Any] = {}
    fixed: list[tuple[list[str], str]] = []
    for name in dict.fromkeys(form.keys()):
        if name in _CONSOLE_FIELDS:
            continue
        if name.endswith(FIXED):
            hidden = form.get(name)
            if isinstance(hidden, str):
                fixed.append((name.removesuffix(FIXED).split("."), hidden))
            continue
        values = [v for v in form.getlist(name) if isinstance(v, str)]
        if name.endswith(LINES):
            name = name.removesuffix(LINES)
            value: Any = [line.strip() for line in "\n".join(values).splitlines() if line.strip()]
            if not value:  # left empty, like any input: a record not filled in is not sent
                continue
        elif name.endswith(LIST) or name in lists or len(values) > 1:
            name = name.removesuffix(LIST)
            value = [v.strip() for v in values if v.strip()]
        else:
            value = values[0].strip() if values else ""
            if value == "":
                continue
            if name.endswith(DATE):
                name = name.removesuffix(DATE)
                value = _iso_day(name, value)
        _put(body, name.split("."), value)
    for path, value in fixed:
        row = _find(body, path[:-1])
        if isinstance(row, dict):  # the row exists: something of it was typed
            row[path[-1]] = value
    return _lists(body)


def _iso_day(field: str, typed: str) -> str:
    try:
        return parse_day(typed).isoformat()
    except ValueError as wrong:
        details = [{"field": field, "message": str(wrong)}]
        raise ApiProblem(422, "invalid_input", "日期填写有误", details) from None


def _find(body: dict[str, Any], path: list[str]) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _put(body: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        body = body.setdefault(part, {})
    body[path[-1]] = value


def _lists(node: Any) -> Any:
    """``{"0": a, "1": b}`` (from ``matters.0``, ``matters.1``) becomes ``[a, b]``."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node
