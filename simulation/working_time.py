"""Working time: how long people take, measured so that a holiday holds them up.

A person's response time is the wall-clock time that passed on working days, in days: from
Friday 16:00 to Monday 10:00 is 0.75 of a working day (Friday's 8 hours and Monday's 10),
whatever the weekend. Measured on the ledger with the calendar it ran under and replayed
with the simulated year's calendar, a new holiday pushes the same habit out by its days.
Both directions are pure functions of a calendar's ``is_working_day``.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from domain.clock import BUSINESS_ZONE

DAY = 86400.0
IsWorkingDay = Callable[[date], bool]


def _midnight_after(moment: datetime) -> datetime:
    day = moment.astimezone(BUSINESS_ZONE).date() + timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=BUSINESS_ZONE)


def working_days_between(start: datetime, end: datetime, is_working_day: IsWorkingDay) -> float:
    """Days of wall-clock time between ``start`` and ``end`` that fell on working days."""
    if end <= start:
        return 0.0
    seconds, moment = 0.0, start
    while moment < end:
        boundary = min(_midnight_after(moment), end)
        if is_working_day(moment.astimezone(BUSINESS_ZONE).date()):
            seconds += (boundary - moment).total_seconds()
        moment = boundary
    return seconds / DAY


def after_working_days(start: datetime, days: float, is_working_day: IsWorkingDay) -> datetime:
    """The instant ``days`` of working time after ``start``: the inverse of the above. An
    act due at once (0) happens at ``start``; a start on a holiday waits for the next
    working day's midnight before any time counts."""
    left, moment = max(days, 0.0) * DAY, start
    while True:
        if left <= 0:
            return moment
        local_day = moment.astimezone(BUSINESS_ZONE).date()
        boundary = _midnight_after(moment)
        if is_working_day(local_day):
            room = (boundary - moment).total_seconds()
            if left <= room:
                return moment + timedelta(seconds=left)
            left -= room
        moment = boundary
