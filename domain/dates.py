"""Dates and times as a Chinese reader writes them, in the business time zone (Asia/Shanghai)."""

from datetime import date, datetime

from domain.clock import BUSINESS_ZONE


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return "　　年　月　日"
    if isinstance(value, datetime):
        value = value.astimezone(BUSINESS_ZONE).date()
    return f"{value.year}年{value.month}月{value.day}日"


def time_text(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(BUSINESS_ZONE)
    return f"{day_text(local)} {local:%H:%M}"
