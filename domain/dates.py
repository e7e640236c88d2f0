"""Dates and times as a Chinese reader writes them, in the business time zone (Asia/Shanghai),
and dates as clerks type them."""

import re
from datetime import date, datetime

from domain.clock import BUSINESS_ZONE

# What a clerk types for 30 June 2027: 2027-06-30, 2027/6/30, 2027.6.30, 20270630,
# 2027年6月30日 (with full-width digits or spaces from an input method, too).
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")
EXAMPLE = "2027-06-30、2027/6/30、20270630 或 2027年6月30日"


def parse_day(text: str) -> date:
    """The date a clerk typed; a ValueError in words they can act on otherwise."""
    typed = text.strip().translate(_FULL_WIDTH)
    found = _SEPARATED.fullmatch(typed) or _COMPACT.fullmatch(typed)
    if found is None:
        raise ValueError(f"“{text.strip()}”不是日期，请按 {EXAMPLE} 的样式填写")
    year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"没有{year}年{month}月{day}日这一天，请检查月份和日期") from None


def local_day(moment: datetime) -> date:
    """The day a moment falls on in Beijing."""
    return moment.astimezone(BUSINESS_ZONE).date()


def _as_value(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):  # an API answer read as JSON: ISO text
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def day_text(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "　　年　月　日"
    value = _as_value(value)
    if isinstance(value, datetime):
        value = local_day(value)
    return f"{value.year}年{value.month}月{value.day}日"


def time_text(value: datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    parsed = _as_value(value)
    if not isinstance(parsed, datetime):
        return day_text(parsed)
    local = parsed.astimezone(BUSINESS_ZONE)
    return f"{day_text(local)} {local:%H:%M}"


_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def chinese_dates(text: str) -> str:
    """ISO dates inside a sentence (a ledger summary, a notice) as 2027年6月30日: the
    words were written once and stay as recorded; a reader sees one date format."""
    return _ISO_DAY.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)
