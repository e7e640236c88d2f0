"""The working-day calendar: official holidays and make-up workdays (调休), Asia/Shanghai.

Published years come from ``chinesecalendar``. A file ``policies/calendar/<year>.toml``
overrides the package for its year, so the State Council's notice for a new year can be
entered the day it appears, before any package has it. A year with neither is never guessed
silently: it is reckoned with weekdays only and every answer that touched it says so
(``provisional_years``), so the deadline is shown as provisional until the year lands and
``python -m ops.recompute_deadlines`` recomputes open cases.
"""

import math
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar
from pydantic import BaseModel, model_validator

from domain.catalogue import TimeUnit

OVERRIDE_DIR = Path(__file__).parent / "calendar"
# 全国年节及纪念日放假办法 (2024 revision) fixes these days by the solar calendar, so they
# are holidays in any year, before the State Council publishes its schedule: a provisional
# deadline never falls on them. (The lunar festivals and 清明 move, and wait for the notice.)
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


class YearSchedule(BaseModel):
    """One year's official schedule: its holidays and the weekend days worked instead."""

    year: int
    source: str
    holidays: frozenset[date]
    make_up_workdays: frozenset[date] = frozenset()

    @model_validator(mode="after")
    def _consistent(self) -> "YearSchedule":
        problems = []
        if stray := sorted(d for d in self.holidays | self.make_up_workdays if d.year != self.year):
            problems.append(f"{self.year}年日程含有其他年份的日期：{_dates(stray)}")
        if both := sorted(self.holidays & self.make_up_workdays):
            problems.append(f"同一天既是假日又是调休工作日：{_dates(both)}")
        if weekday := sorted(d for d in self.make_up_workdays if d.weekday() < 5):
            problems.append(f"调休工作日应为周末：{_dates(weekday)}")
        if problems:
            raise ValueError("；".join(problems))
        return self


def _dates(days: list[date]) -> str:
    return "、".join(d.isoformat() for d in days)


def load_override(path: Path) -> YearSchedule:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return YearSchedule(year=int(path.stem), **data)


def _from_package(year: int) -> YearSchedule | None:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    return YearSchedule(
        year=year,
        source=f"chinesecalendar {chinese_calendar.__version__}",
        holidays=frozenset(d for d in chinese_calendar.holidays if d.year == year),
        make_up_workdays=frozenset(
            d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5
        ),
    )


@dataclass(frozen=True)
class Reckoning:
    """A date or a count, and the years it had to assume were plain weekday years."""

    value: date
    provisional_years: tuple[int, ...] = ()


@dataclass
class WorkingCalendar:
    override_dir: Path = OVERRIDE_DIR
    package_until: int | None = None  # ignore the package's later years (tests, dry runs)
    _schedules: dict[int, YearSchedule | None] = field(default_factory=dict)
    _override_times: dict[int, float] = field(default_factory=dict)

    def schedule(self, year: int) -> YearSchedule | None:
        """The year's schedule. The override file is looked at on every call, so a file
        dropped in (or corrected) by ops is seen by a running worker without a restart,
        for a year the package lacks and for one it already has."""
        override = self.override_dir / f"{year}.toml"
        try:
            changed = override.stat().st_mtime
        except FileNotFoundError:
            changed = None
        if changed is not None and self._override_times.get(year) != changed:
            self._schedules[year] = load_override(override)
            self._override_times[year] = changed
        elif (
            self._schedules.get(year) is None
            and changed is None
            and (self.package_until is None or year <= self.package_until)
        ):
            self._schedules[year] = _from_package(year)
        return self._schedules.get(year)

    def is_working_day(self, day: date) -> bool:
        return _is_working(self.schedule(day.year), day)

    def festival(self, day: date) -> str | None:
        """The festival a holiday or a 调休 workday belongs to (国庆节), where the source
        names it: the package does; a year's override file lists dates only."""
        schedule = self.schedule(day.year)
        if schedule is None or not schedule.source.startswith("chinesecalendar"):
            return None
        try:
            _, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return None
        return next((h.chinese for h in chinese_calendar.Holiday if h.value == name), None)

    def add(self, start: date, days: int, unit: TimeUnit) -> Reckoning:
        """The day ``days`` after ``start``, which itself is not counted (行政许可法 §82).

        Working days skip holidays and count make-up workdays. A calendar-day period whose
        last day is not a working day ends on the next working day (民法典 §203).
        """
        if unit is TimeUnit.CALENDAR_DAYS:
            end = start + timedelta(days=days)
            touched = self._days(start, end)
            working = self._reckoning()
            while not working(end):
                end += timedelta(days=1)
            return Reckoning(end, self._provisional(touched, end))
        day, left, working = start, days, self._reckoning()
        while left > 0:
            day += timedelta(days=1)
            left -= working(day)
        return Reckoning(day, self._provisional(self._days(start, day)))

    def count(self, after: date, through: date, unit: TimeUnit) -> tuple[int, tuple[int, ...]]:
        """Days in (after, through] that count towards a limit in ``unit``."""
        days = list(self._days(after, through))
        if unit is TimeUnit.CALENDAR_DAYS:
            used = len(days)
        else:
            working = self._reckoning()
            used = sum(working(d) for d in days)
        return used, self._provisional(days)

    def share_reached_on(self, start: date, days: int, share: float, unit: TimeUnit) -> Reckoning:
        """The day on which ``share`` of a ``days`` limit counted from ``start`` is used."""
        return self.add(start, max(1, math.ceil(days * share)), unit)

    def _reckoning(self) -> Callable[[date], bool]:
        """``is_working_day`` for one reckoning: each year's schedule (and its override
        file's stat) looked up once, not once per day counted."""
        seen: dict[int, YearSchedule | None] = {}

        def working(day: date) -> bool:
            if day.year not in seen:
                seen[day.year] = self.schedule(day.year)
            return _is_working(seen[day.year], day)

        return working

    @staticmethod
    def _days(after: date, through: date) -> Iterator[date]:
        day = after
        while day < through:
            day += timedelta(days=1)
            yield day

    def _provisional(self, days: Iterator[date] | list[date], *more: date) -> tuple[int, ...]:
        years = {d.year for d in days} | {d.year for d in more}
        return tuple(sorted(y for y in years if self.schedule(y) is None))


def _is_working(schedule: YearSchedule | None, day: date) -> bool:
    if schedule is not None:
        if day in schedule.make_up_workdays:
            return True
        if day in schedule.holidays:
            return False
    elif (day.month, day.day) in FIXED_DATE_HOLIDAYS:
        return False
    return day.weekday() < 5


@cache
def official_calendar() -> WorkingCalendar:
    return WorkingCalendar()
