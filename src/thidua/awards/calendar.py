"""Working days (ngày làm việc): Monday–Friday that are not public holidays (holidays are data)."""

from __future__ import annotations

from datetime import date, timedelta


def holidays_between(start: date, end: date) -> set[date]:
    from thidua.awards.models import Holiday

    return set(Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))


def add_working_days(start: date, n: int) -> date:
    """The date on which a period of `n` working days starting on `start` (counted if it is a working day) ends."""
    if n <= 0:
        return start
    off = holidays_between(start, start + timedelta(days=n * 3 + 30))
    day, counted = start, 0
    while True:
        if day.weekday() < 5 and day not in off:
            counted += 1
            if counted == n:
                return day
        day += timedelta(days=1)
