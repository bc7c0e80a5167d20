"""Words NetDesk shows: counts with the right plural ("1 problem", "2 problems"), months by name."""

from __future__ import annotations

import calendar

_IRREGULAR = {"person": "people", "this": "these", "reply": "replies", "company": "companies"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` in the number that fits: plural(1, "problem") == "1 problem"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {many or _IRREGULAR.get(noun) or noun + 's'}"


def month_label(key: str) -> str:
    """A chart axis label for the month ``YYYY-MM``: "Jan ’26" (a day/month "26/01" reads as a date)."""
    year, month = int(key[:4]), int(key[5:7])
    return f"{calendar.month_abbr[month]} ’{year % 100:02d}"


def count_step(largest: float, ticks: int = 5) -> int:
    """A whole-number tick step for an axis of counts up to ``largest`` (never half an interaction)."""
    return max(1, -(-int(largest) // ticks))
