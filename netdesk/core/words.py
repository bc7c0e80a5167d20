"""Words NetDesk shows: counts with the right plural ("1 problem", "2 problems")."""

from __future__ import annotations

_IRREGULAR = {"person": "people", "this": "these", "reply": "replies", "company": "companies"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` in the number that fits: plural(1, "problem") == "1 problem"."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count:,} {many or _IRREGULAR.get(noun) or noun + 's'}"
