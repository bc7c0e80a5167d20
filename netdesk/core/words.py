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
    """A whole-number tick step for an axis of counts up to ``largest`` (never half an interaction), and a round
    one (1, 2, 5, 10, 20, 50 …): an axis reading 0, 11, 22, 33, 44 is hard to read off."""
    wanted = max(1, -(-int(largest) // ticks))
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if step >= wanted:
                return step
        scale *= 10


def with_article(noun: str) -> str:
    """ "a post", "an answer", "an open-source contribution" (by the first letter: NetDesk's own nouns only)."""
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"
