"""What a person's text may contain: no invisible controls, no direction overrides, and
where words are required, words (not blanks).

One NUL in an enterprise name was accepted and then broke the XLSX export and the DOCX
paper for as long as the case existed; a right-to-left override makes "exe.txt" read as
"txt.exe". Both are refused where text comes in (HTTP 422, in Chinese), and exports
sanitise again (papers/cells.py). Tab and line breaks are ordinary text, except in the
fields that are one line by nature (a name, a code, a reference number).
"""

import unicodedata
from collections.abc import Iterator
from typing import Any

LINE_BREAKS = {"\n", "\r"}
ALLOWED_CONTROLS = {"\t", *LINE_BREAKS}
# U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates).
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
SINGLE_LINE_FIELDS = {
    "name",
    "uscc",
    "phone",
    "username",
    "display_name",
    "signed_by",
    "received_by",
    "reference",
    "result_reference",
    "method",
    "owner",
    "item",
    "industry",
    "industry_office",
    "visited",
    "subject",
    "reported_to",
}


# Fields that hold a person's words: present, they may not be blank ("reasons": [""] once
# refused a case with "初审不予受理：" and nothing after it). Notes and comments stay
# optional and may be empty.
WORDS_REQUIRED_FIELDS = {
    "reason",
    "reasons",
    "outcome",
    "what",
    "with_whom",
    "description",
    "text",
    "measures",
    "instruction",
    "visited",
    "subject",
    "reported_to",
    "explanation",
    "item",
    "deferred_items",
    "commitment",
    "materials",
    "items",
    "participants",
    "signed_by",
    "received_by",
    "result_reference",
    "reference",
    "owner",
    "method",
    "name",
}


def character_problem(text: str, *, single_line: bool) -> str | None:
    """Why the text may not be stored, or None."""
    for character in text:
        code = f"U+{ord(character):04X}"
        if character in BIDI_CONTROLS:
            return f"含有改变文字方向的控制字符（{code}），请删除后重试"
        if character in LINE_BREAKS and single_line:
            return "不能换行"
        if character in ALLOWED_CONTROLS:
            continue
        if unicodedata.category(character) == "Cc":
            return f"含有不可见的控制字符（{code}），请删除后重试"
    return None


def text_problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, problem) for every string in a JSON value that may not be stored."""
    if isinstance(value, str):
        field = path.rsplit(".", 1)[-1].split("[", 1)[0]
        problem = character_problem(value, single_line=field in SINGLE_LINE_FIELDS)
        if problem is None and field in WORDS_REQUIRED_FIELDS and not value.strip():
            problem = "不能为空白"
        if problem:
            yield path or "body", problem
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and (problem := character_problem(key, single_line=True)):
                yield f"{path}.{key}".lstrip("."), problem
            yield from text_problems(item, f"{path}.{key}".lstrip("."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from text_problems(item, f"{path}[{index}]")
