"""Networking rules: how strong a relationship is, how relationships read from either side (what is due: core/due.py).

Pure functions over plain values (no SQL, no Qt): the service feeds them rows, the tests feed them numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from netdesk.core.due import (  # the Due list's rules, re-exported where they always were (see __all__)
    DUE_KIND_ORDER,
    DUE_SOON_DAYS,
    FAVOUR_IMBALANCE,
    JOB_CHANGE_DAYS,
    LATER_PRIORITY,
    MAX_CADENCE_DAYS,
    MIN_CADENCE_DAYS,
    NEW_CONNECTION_DAYS,
    OCCASION_SOON_DAYS,
    OCCASION_WINDOW_DAYS,
    PERSONAL_NOTE_DAYS,
    PRIORITY,
    PROMISE_PRIORITY,
    REPLY_LOOKBACK_DAYS,
    REPLY_WITHIN_DAYS,
    SECTION_OF_KIND,
    SECTION_ORDER,
    TODAY_LIMIT,
    USEFUL_EXCHANGE_DAYS,
    DueItem,
    DueKind,
    FollowupState,
    Section,
    _days,
    _when,
    cadence_item,
    effective_cadence,
    favour_balance_item,
    followup_item,
    invitation_item,
    job_change_item,
    next_occurrence,
    occasion_item,
    occasion_ranges,
    occurrence_in_year,
    open_favour_item,
    parse_month_day,
    reply_item,
    sort_due,
    start_rhythm_item,
    today_items,
    validate_cadence,
)

# --- relationships -----------------------------------------------------------------------------------------

SYMMETRIC_TYPES = ("knows", "colleague", "friend", "partner", "sibling", "spouse")
INVERSE_TYPES = {"manager": "report", "report": "manager", "mentor": "mentee", "mentee": "mentor"}
# Directed types are stored in this direction (from is the manager / the mentor).
CANONICAL_DIRECTED = ("manager", "mentor")
RELATIONSHIP_TYPES = (*SYMMETRIC_TYPES, "manager", "report", "mentor", "mentee")


def normalize_relationship_type(kind: str) -> str:
    from netdesk.core.errors import ValidationError

    cleaned = " ".join(kind.split()).casefold()
    if not cleaned:
        raise ValidationError("type", "A relationship needs a type (knows, colleague, manager …).")
    if len(cleaned) > 32:
        raise ValidationError("type", "A relationship type has at most 32 characters.")
    return cleaned


def canonical_relationship(a: int, b: int, kind: str) -> tuple[int, int, str]:
    """How "a is b's <kind>" is stored: symmetric types once (lower id first), directed ones as manager/mentor.

    Types NetDesk does not know are treated as symmetric: "neighbour" reads the same from both sides.
    """
    kind = normalize_relationship_type(kind)
    if kind in INVERSE_TYPES:
        if kind in CANONICAL_DIRECTED:
            return a, b, kind
        return b, a, INVERSE_TYPES[kind]
    return min(a, b), max(a, b), kind


def role_of_other(viewer_id: int, from_id: int, kind: str) -> str:
    """What the other person is to ``viewer_id`` for a stored (from, to, kind) row: "manager", "report", "friend" …"""
    if kind in INVERSE_TYPES:
        # The stored row says "from is to's <kind>"; the viewer sees the other side's role.
        return kind if viewer_id != from_id else INVERSE_TYPES[kind]
    return kind


def relation_phrase(role: str, name: str) -> str:
    """ "colleague of Ada", "manager of Ada" — ``role`` is what the introducer is to ``name``."""
    if role == "knows":
        return f"knows {name}"
    return f"{role} of {name}"


# --- strength ------------------------------------------------------------------------------------------------

RECENCY_POINTS = 40
FREQUENCY_POINTS = 35
CADENCE_POINTS = 15
FAVOUR_POINTS = 10
STRENGTH_WINDOW_DAYS = 365
MONTHLY_CONTACTS_FOR_FULL_FREQUENCY = 12


@dataclass(frozen=True, slots=True)
class StrengthFacts:
    """What the strength of a relationship is computed from (interactions within the last 12 months)."""

    last_interaction: date | None = None
    interactions_12m: int = 0
    favours_given_12m: int = 0
    favours_received_12m: int = 0
    cadence_days: int | None = None
    last_contacted: date | None = None
    cadence_since: date | None = None  # the day the rhythm was set: it counts from then or the last exchange


@dataclass(frozen=True, slots=True)
class Strength:
    score: int
    parts: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    # The exchanges the score counted (newest first, one line each): the explanation names them.
    counted: tuple[str, ...] = ()


def _strength_points(facts: StrengthFacts, today: date) -> tuple[int, int, int, int, int | None]:
    """(recency, frequency, cadence, favour) points and the days the cadence is late (None: never kept)."""
    last = facts.last_interaction
    recency = 0
    if last is not None and 0 <= (today - last).days <= STRENGTH_WINDOW_DAYS:
        recency = round(RECENCY_POINTS * (1 - (today - last).days / STRENGTH_WINDOW_DAYS))
    frequency = round(FREQUENCY_POINTS * min(1.0, facts.interactions_12m / MONTHLY_CONTACTS_FOR_FULL_FREQUENCY))
    cadence, late = 0, None
    if facts.cadence_days is not None and facts.last_contacted is not None:
        # As the Due list counts it (due.cadence_item): from the later of the last exchange and the day it was set.
        start = max(facts.last_contacted, facts.cadence_since or facts.last_contacted)
        late = (today - start).days - facts.cadence_days
        cadence = CADENCE_POINTS if late <= 0 else round(CADENCE_POINTS * max(0.0, 1 - late / facts.cadence_days))
    favours = min(FAVOUR_POINTS, 3 * facts.favours_given_12m + 2 * facts.favours_received_12m)
    return recency, frequency, cadence, favours, late


def strength_score(facts: StrengthFacts, today: date) -> int:
    """The score alone (for the list column: no labels to format for 100,000 rows)."""
    recency, frequency, cadence, favours, _ = _strength_points(facts, today)
    return max(0, min(100, recency + frequency + cadence + favours))


def strength(facts: StrengthFacts, today: date, counted: tuple[str, ...] = ()) -> Strength:
    """Score 0–100 with the points each part contributed, so the UI can explain it."""
    recency, frequency, cadence, favours, late = _strength_points(facts, today)
    parts: list[tuple[str, int]] = []
    last = facts.last_interaction
    if recency or (last is not None and 0 <= (today - last).days <= STRENGTH_WINDOW_DAYS):
        ago = (today - last).days if last is not None else 0
        parts.append((f"Last contact {_when(-ago)}", recency))
    else:
        parts.append(("No contact in the last 12 months", 0))
    n = facts.interactions_12m
    parts.append((f"{n} exchange{'s' if n != 1 else ''} in 12 months", frequency))
    if facts.cadence_days is None:
        parts.append(("No rhythm set", 0))
    elif late is None:
        parts.append((f"Rhythm every {_days(facts.cadence_days)}, never kept", 0))
    elif late <= 0:
        parts.append((f"Rhythm every {_days(facts.cadence_days)} kept", cadence))
    else:
        parts.append((f"Rhythm overdue by {_days(late)}", cadence))
    given, received = facts.favours_given_12m, facts.favours_received_12m
    if given or received:
        parts.append((f"Favours: {given} given, {received} received", favours))
    else:
        parts.append(("No favours exchanged", 0))
    return Strength(strength_score(facts, today), tuple(parts), counted)


# --- introductions -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntroPath:
    """Who can introduce the user: ``via`` is the chain after "you" (one or two people), best first."""

    via_ids: tuple[int, ...]
    via_names: tuple[str, ...]
    reason: str
    score: int

    @property
    def hops(self) -> int:
        return len(self.via_ids)


TWO_HOP_FACTOR = 0.5  # a friend of a friend is half as good an introduction


def who_clause(reason: str) -> str:
    """ "colleague of Ada" -> "who is colleague of Ada"; "knows Ada" -> "who knows Ada"."""
    if reason.startswith(("knows ", "works at ")):
        return f"who {reason}"
    return f"who is {reason}"


def works_at_phrase(organization: str, title: str) -> str:
    return f"works at {organization} as {title}" if title.strip() else f"works at {organization}"


# --- calendars ---------------------------------------------------------------------------------------------


def month_key(d: date | datetime) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def last_months(today: date, months: int) -> list[str]:
    """The ``months`` month keys ending with today's month, oldest first."""
    keys = []
    year, month = today.year, today.month
    for _ in range(max(0, months)):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def month_start(today: date) -> date:
    return today.replace(day=1)


def quarter_start(today: date) -> date:
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


__all__ = [
    "CADENCE_POINTS",
    "CANONICAL_DIRECTED",
    "DUE_KIND_ORDER",
    "DUE_SOON_DAYS",
    "FAVOUR_IMBALANCE",
    "FAVOUR_POINTS",
    "FREQUENCY_POINTS",
    "INVERSE_TYPES",
    "JOB_CHANGE_DAYS",
    "LATER_PRIORITY",
    "MAX_CADENCE_DAYS",
    "MIN_CADENCE_DAYS",
    "MONTHLY_CONTACTS_FOR_FULL_FREQUENCY",
    "NEW_CONNECTION_DAYS",
    "OCCASION_SOON_DAYS",
    "OCCASION_WINDOW_DAYS",
    "PERSONAL_NOTE_DAYS",
    "PRIORITY",
    "PROMISE_PRIORITY",
    "RECENCY_POINTS",
    "RELATIONSHIP_TYPES",
    "REPLY_LOOKBACK_DAYS",
    "REPLY_WITHIN_DAYS",
    "SECTION_OF_KIND",
    "SECTION_ORDER",
    "STRENGTH_WINDOW_DAYS",
    "SYMMETRIC_TYPES",
    "TODAY_LIMIT",
    "TWO_HOP_FACTOR",
    "USEFUL_EXCHANGE_DAYS",
    "DueItem",
    "DueKind",
    "FollowupState",
    "IntroPath",
    "Section",
    "Strength",
    "StrengthFacts",
    "cadence_item",
    "canonical_relationship",
    "effective_cadence",
    "favour_balance_item",
    "followup_item",
    "invitation_item",
    "job_change_item",
    "last_months",
    "month_key",
    "month_start",
    "next_occurrence",
    "normalize_relationship_type",
    "occasion_item",
    "occasion_ranges",
    "occurrence_in_year",
    "open_favour_item",
    "parse_month_day",
    "quarter_start",
    "relation_phrase",
    "reply_item",
    "role_of_other",
    "sort_due",
    "start_rhythm_item",
    "strength",
    "strength_score",
    "today_items",
    "validate_cadence",
    "who_clause",
    "works_at_phrase",
]
