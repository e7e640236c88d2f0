"""The calendar against the State Council's published 2025 and 2026 schedules."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.catalogue import TimeUnit
from policies.working_calendar import WorkingCalendar, load_override

WD, CD = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


# 国办发明电〔2024〕12号 and 国办发明电〔2025〕7号, typed from the notices.
OFFICIAL = {
    2025: (
        _span(date(2025, 1, 1), date(2025, 1, 1))
        | _span(date(2025, 1, 28), date(2025, 2, 4))
        | _span(date(2025, 4, 4), date(2025, 4, 6))
        | _span(date(2025, 5, 1), date(2025, 5, 5))
        | _span(date(2025, 5, 31), date(2025, 6, 2))
        | _span(date(2025, 10, 1), date(2025, 10, 8)),
        {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28)}
        | {date(2025, 10, 11)},
    ),
    2026: (
        _span(date(2026, 1, 1), date(2026, 1, 3))
        | _span(date(2026, 2, 15), date(2026, 2, 23))
        | _span(date(2026, 4, 4), date(2026, 4, 6))
        | _span(date(2026, 5, 1), date(2026, 5, 5))
        | _span(date(2026, 6, 19), date(2026, 6, 21))
        | _span(date(2026, 9, 25), date(2026, 9, 27))
        | _span(date(2026, 10, 1), date(2026, 10, 7)),
        {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9)}
        | {date(2026, 9, 20), date(2026, 10, 10)},
    ),
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_year_matches_the_official_schedule(year: int) -> None:
    calendar = WorkingCalendar()
    holidays, make_up = OFFICIAL[year]
    for day in _span(date(year, 1, 1), date(year, 12, 31)):
        expected = day in make_up or (day.weekday() < 5 and day not in holidays)
        assert calendar.is_working_day(day) is expected, day


def test_national_day_2026_and_its_make_up_saturday() -> None:
    calendar = WorkingCalendar()
    # Accepted Monday 28 September; the acceptance day does not count.
    assert calendar.add(date(2026, 9, 28), 2, WD).value == date(2026, 9, 30)
    assert calendar.add(date(2026, 9, 28), 3, WD).value == date(2026, 10, 8)
    assert calendar.add(date(2026, 9, 28), 5, WD).value == date(2026, 10, 10)  # 调休 Saturday
    assert calendar.add(date(2026, 9, 28), 6, WD).value == date(2026, 10, 12)
    assert calendar.count(date(2026, 9, 28), date(2026, 10, 10), WD) == (5, ())


def test_calendar_days_ending_on_a_holiday_run_to_the_next_working_day() -> None:
    calendar = WorkingCalendar()
    assert calendar.add(date(2026, 9, 1), 30, CD).value == date(2026, 10, 8)
    assert calendar.add(date(2026, 9, 1), 10, CD).value == date(2026, 9, 11)
    assert calendar.count(date(2026, 9, 30), date(2026, 10, 8), CD) == (8, ())


def test_a_year_without_data_is_weekdays_only_and_says_so() -> None:
    calendar = WorkingCalendar(override_dir=Path("/nonexistent"))
    reckoning = calendar.add(date(2026, 12, 21), 10, WD)
    # Weekdays, but never 元旦: 1 January 2027 is a holiday by law, published or not.
    assert reckoning.value == date(2027, 1, 5)
    assert reckoning.provisional_years == (2027,)
    assert calendar.add(date(2026, 12, 1), 10, WD).provisional_years == ()


def test_a_provisional_date_never_falls_on_a_fixed_date_holiday() -> None:
    """全国年节及纪念日放假办法: 元旦 1 January, 劳动节 1-2 May, 国庆 1-3 October."""
    calendar = WorkingCalendar(override_dir=Path("/nonexistent"))
    for day in (date(2027, 1, 1), date(2027, 10, 1), date(2028, 5, 1), date(2028, 10, 3)):
        assert not calendar.is_working_day(day), day
    assert calendar.add(date(2027, 9, 30), 1, WD).value == date(2027, 10, 4)
    assert calendar.add(date(2028, 4, 28), 1, WD).value == date(2028, 5, 3)
    assert calendar.is_working_day(date(2027, 10, 4))  # a Monday, not fixed by law


def test_an_override_file_wins_and_is_checked(tmp_path: Path) -> None:
    (tmp_path / "2027.toml").write_text(
        'source = "test"\nholidays = [2027-01-01]\nmake_up_workdays = [2027-01-09]\n',
        encoding="utf-8",
    )
    calendar = WorkingCalendar(override_dir=tmp_path)
    reckoning = calendar.add(date(2026, 12, 31), 1, WD)
    assert reckoning == calendar.add(date(2026, 12, 31), 1, WD)
    assert reckoning.value == date(2027, 1, 4) and reckoning.provisional_years == ()
    assert calendar.is_working_day(date(2027, 1, 9))

    (tmp_path / "2028.toml").write_text(
        'source = "typo"\nholidays = [2027-10-01]\nmake_up_workdays = [2028-01-05]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as error:
        load_override(tmp_path / "2028.toml")
    assert "其他年份" in str(error.value) and "调休工作日应为周末" in str(error.value)


def test_an_override_for_a_year_the_package_has_is_seen_without_a_restart(
    tmp_path: Path,
) -> None:
    calendar = WorkingCalendar(override_dir=tmp_path)
    assert calendar.is_working_day(date(2026, 12, 4))  # a Friday, by the package
    (tmp_path / "2026.toml").write_text(
        'source = "correction"\nholidays = [2026-12-04]\n', encoding="utf-8"
    )
    assert not calendar.is_working_day(date(2026, 12, 4))
