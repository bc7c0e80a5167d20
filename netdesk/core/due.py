"""The Due list's rules: kinds of advice, their sections and wording, the "Today" priority, and the pure functions
that turn facts into items. No SQL, no Qt: ``netdesk.services.due`` feeds them rows.
"""

from __future__ import annotations

import calendar
import heapq
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from netdesk.core.normalize import fold

DUE_SOON_DAYS = 7  # "due this week": due within the next seven days
OCCASION_WINDOW_DAYS = 14  # birthdays and anniversaries this far ahead
NEW_CONNECTION_DAYS = 30  # a connection this recent still needs its follow-up
PERSONAL_NOTE_DAYS = 3  # send a personal note within three days of connecting
USEFUL_EXCHANGE_DAYS = 14  # after the note, aim for a first useful exchange within two weeks
FAVOUR_IMBALANCE = 3  # received this many more favours than given: time to give back
REPLY_WITHIN_DAYS = 2  # answer a message within two days
REPLY_LOOKBACK_DAYS = 30  # an unanswered message older than this is no longer a reply owed, just history
JOB_CHANGE_DAYS = 14  # a new role is worth a congratulation for two weeks
MIN_CADENCE_DAYS = 1
MAX_CADENCE_DAYS = 3650


class DueKind(StrEnum):
    OVERDUE = "overdue"
    DUE_THIS_WEEK = "due_this_week"
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    FOLLOWUP = "followup"
    FAVOUR = "favour"
    REPLY = "reply"
    START_RHYTHM = "start_rhythm"
    INVITATION = "invitation"
    JOB_CHANGE = "job_change"
    INTRODUCTION = "introduction"  # an introduction step unmoved for days (core.practices)
    RHYTHM = "rhythm"  # a contribution or community rhythm lapsed (core.practices)

    @property
    def label(self) -> str:
        return _DUE_LABELS[self]


_DUE_LABELS = {
    DueKind.OVERDUE: "Overdue",
    DueKind.DUE_THIS_WEEK: "Due this week",
    DueKind.BIRTHDAY: "Birthdays",
    DueKind.ANNIVERSARY: "Anniversaries",
    DueKind.FOLLOWUP: "New connections to follow up",
    DueKind.FAVOUR: "Favours",
    DueKind.REPLY: "Replies owed",
    DueKind.START_RHYTHM: "Start the rhythm",
    DueKind.INVITATION: "Invitations",
    DueKind.JOB_CHANGE: "New roles",
    DueKind.INTRODUCTION: "Introductions waiting",
    DueKind.RHYTHM: "Your rhythms",
}
DUE_KIND_ORDER = tuple(DueKind)


class FollowupState(StrEnum):
    NONE = ""
    MESSAGED = "messaged"
    REPLIED = "replied"
    DISMISSED = "dismissed"


class DueItem(NamedTuple):
    """One thing to act on, as facts; ``title`` and ``detail`` are written from them when read.

    A big network's due list holds thousands of items but a person reads the first few dozen, so the wording
    costs nothing until it is shown. A NamedTuple rather than a frozen dataclass: just as immutable, and built
    five times faster, which shows at that count.
    """

    kind: DueKind
    contact_id: int
    contact_name: str
    days_overdue: int | None = None  # positive: late by that many days; negative: due in that many days
    due_date: date | None = None
    # The open favour a "you promised" nudge is about (so the UI can mark it done).
    interaction_id: int | None = None
    # For follow-ups: the state the contact is in ("" = nothing sent yet, "messaged").
    followup_state: FollowupState = FollowupState.NONE
    # What the wording needs: the cadence kept and the last contact (cadence items), the year of a birth or
    # wedding (occasions), the favour counts (balance nudges), what was promised (open favours).
    cadence_days: int | None = None
    last_contacted: date | None = None
    since_year: int | None = None
    favours: tuple[int, int] = (0, 0)  # (given, received)
    summary: str = ""
    # A record that is not a contact (the pending invitation's id); the contact id is 0 then.
    record_id: int | None = None

    @property
    def section(self) -> Section:
        return SECTION_OF_KIND[self.kind]

    @property
    def json_kind(self) -> str:
        """The kind as the command line names it (one name per kind of advice)."""
        if self.kind is DueKind.FAVOUR:
            return "promise" if self.interaction_id is not None else "favour"
        return _JSON_KINDS.get(self.kind, self.kind.value)

    @property
    def title(self) -> str:
        return _TITLES[self.kind](self)

    @property
    def detail(self) -> str:
        return _DETAILS[self.kind](self)

    @property
    def today(self) -> date | None:
        """The day the item was computed for (every dated item is due_date + days_overdue from it)."""
        if self.due_date is None or self.days_overdue is None:
            return None
        return self.due_date + timedelta(days=self.days_overdue)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _when(days_until: int) -> str:
    if days_until == 0:
        return "today"
    if days_until == 1:
        return "tomorrow"
    if days_until == -1:
        return "yesterday"
    if days_until > 0:
        return f"in {_days(days_until)}"
    return f"{_days(-days_until)} ago"


def _late(item: DueItem) -> int:
    return item.days_overdue or 0


def _overdue_title(item: DueItem) -> str:
    return f"Get in touch with {item.contact_name} · overdue by {_days(_late(item))}"


def _due_soon_title(item: DueItem) -> str:
    return f"Get in touch with {item.contact_name} · due {_when(-_late(item))}"


def _cadence_detail(item: DueItem) -> str:
    every = f"every {_days(item.cadence_days or 0)}"
    if item.last_contacted is None or item.today is None:
        return f"Keep in touch {every} · never contacted"
    ago = _when((item.last_contacted - item.today).days)
    return f"Keep in touch {every} · last contact {item.last_contacted.isoformat()} ({ago})"


def _occasion_title(item: DueItem) -> str:
    noun = "Birthday" if item.kind is DueKind.BIRTHDAY else "Anniversary"
    title = f"{noun} of {item.contact_name} {_when(-_late(item))}"
    if item.since_year is not None and item.due_date is not None and item.due_date.year > item.since_year:
        years = item.due_date.year - item.since_year
        title += f" (turns {years})" if item.kind is DueKind.BIRTHDAY else f" ({years} years)"
    return title


def _occasion_detail(item: DueItem) -> str:
    when = item.due_date
    return "" if when is None else f"{when.strftime('%A')}, {when.isoformat()}"


def _followup_title(item: DueItem) -> str:
    if item.followup_state is FollowupState.MESSAGED:
        return f"First useful exchange with {item.contact_name}"
    return f"Send {item.contact_name} a personal note"


def _followup_detail(item: DueItem) -> str:
    if item.due_date is None:
        return ""
    if item.followup_state is FollowupState.MESSAGED:
        sent = item.due_date - timedelta(days=USEFUL_EXCHANGE_DAYS)
        return f"Personal note sent {sent.isoformat()} · waiting for a reply"
    connected = item.due_date - timedelta(days=PERSONAL_NOTE_DAYS)
    ago = "" if item.today is None else f" ({_when((connected - item.today).days)})"
    late = _late(item)
    when = f"note due {_when(-late)}" if late <= 0 else f"note {_days(late)} late"
    return f"Connected {connected.isoformat()}{ago} · {when}"


def _favour_title(item: DueItem) -> str:
    if item.interaction_id is not None:
        return f"You promised {item.contact_name}: {item.summary.strip() or 'a favour'}"
    given, received = item.favours
    given_text = "given none" if given == 0 else f"given {given}"
    return f"You have received {received} favours from {item.contact_name} and {given_text}"


def _favour_detail(item: DueItem) -> str:
    if item.interaction_id is not None and item.due_date is not None:
        return f"Promised {_when(-_late(item))} ({item.due_date.isoformat()})"
    return "Look for a way to help them"


def _reply_title(item: DueItem) -> str:
    return f"Reply to {item.contact_name}"


def _reply_detail(item: DueItem) -> str:
    if item.last_contacted is None or item.today is None:
        return ""
    wrote = item.last_contacted
    return f"They wrote {wrote.isoformat()} ({_when((wrote - item.today).days)}) · no answer yet"


def _start_rhythm_title(item: DueItem) -> str:
    return f"Start the rhythm with {item.contact_name}"


def _start_rhythm_detail(item: DueItem) -> str:
    return f"Keep in touch every {_days(item.cadence_days or 0)} · no exchange yet: the first one starts the clock"


def _invitation_title(item: DueItem) -> str:
    return f"{item.contact_name} invited you"


def _invitation_detail(item: DueItem) -> str:
    if item.due_date is None or item.today is None:
        return ""
    sent = f"Invited {item.due_date.isoformat()} ({_when((item.due_date - item.today).days)})"
    note = " ".join(item.summary.split())
    return sent + (f" · “{note[:80]}{'…' if len(note) > 80 else ''}”" if note else " · no note")


def _job_change_title(item: DueItem) -> str:
    role = item.summary.strip()
    return f"Congratulate {item.contact_name} on the new role" + (f" ({role})" if role else "")


def _job_change_detail(item: DueItem) -> str:
    if item.due_date is None or item.today is None:
        return ""
    return f"Seen {item.due_date.isoformat()} ({_when((item.due_date - item.today).days)})"


def _practice_title(item: DueItem) -> str:
    return item.summary  # worded by core.practices, which knows the introduction or the rhythm


def _practice_detail(item: DueItem) -> str:
    last = item.last_contacted.isoformat() if item.last_contacted else "never"
    if item.kind is DueKind.INTRODUCTION:
        today = item.today
        if today is None or item.last_contacted is None:
            return f"Last step {last}"
        return f"Last step {last} · no move for {_days((today - item.last_contacted).days)}"
    return f"Your rhythm: every {_days(item.cadence_days or 0)} · last {last}"


_TITLES = {
    DueKind.REPLY: _reply_title,
    DueKind.START_RHYTHM: _start_rhythm_title,
    DueKind.INVITATION: _invitation_title,
    DueKind.JOB_CHANGE: _job_change_title,
    DueKind.OVERDUE: _overdue_title,
    DueKind.DUE_THIS_WEEK: _due_soon_title,
    DueKind.BIRTHDAY: _occasion_title,
    DueKind.ANNIVERSARY: _occasion_title,
    DueKind.FOLLOWUP: _followup_title,
    DueKind.FAVOUR: _favour_title,
    DueKind.INTRODUCTION: _practice_title,
    DueKind.RHYTHM: _practice_title,
}
_DETAILS = {
    DueKind.REPLY: _reply_detail,
    DueKind.START_RHYTHM: _start_rhythm_detail,
    DueKind.INVITATION: _invitation_detail,
    DueKind.JOB_CHANGE: _job_change_detail,
    DueKind.OVERDUE: _cadence_detail,
    DueKind.DUE_THIS_WEEK: _cadence_detail,
    DueKind.BIRTHDAY: _occasion_detail,
    DueKind.ANNIVERSARY: _occasion_detail,
    DueKind.FOLLOWUP: _followup_detail,
    DueKind.FAVOUR: _favour_detail,
    DueKind.INTRODUCTION: _practice_detail,
    DueKind.RHYTHM: _practice_detail,
}


class Section(StrEnum):
    """The Due list's sections, in the order they are shown."""

    NEW_CONNECTIONS = "new_connections"
    REPLIES = "replies"
    STAY_IN_TOUCH = "stay_in_touch"
    OCCASIONS = "occasions"
    FAVOURS = "favours"
    INVITATIONS = "invitations"
    REASONS = "reasons"
    INTRODUCTIONS = "introductions"
    YOUR_RHYTHMS = "your_rhythms"
    START_RHYTHM = "start_rhythm"

    @property
    def label(self) -> str:
        return _SECTION_LABELS[self]


_SECTION_LABELS = {
    Section.NEW_CONNECTIONS: "New connections",
    Section.REPLIES: "Replies owed",
    Section.STAY_IN_TOUCH: "Stay in touch",
    Section.OCCASIONS: "Occasions",
    Section.FAVOURS: "Favours and promises",
    Section.INVITATIONS: "Invitations",
    Section.REASONS: "Reasons to reach out",
    Section.INTRODUCTIONS: "Introductions waiting",
    Section.YOUR_RHYTHMS: "Your rhythms",
    Section.START_RHYTHM: "Start the rhythm",
}
SECTION_ORDER = tuple(Section)
# A new kind of advice names its section here (and its wording in _TITLES/_DETAILS, its rank in PRIORITY).
SECTION_OF_KIND = {
    DueKind.FOLLOWUP: Section.NEW_CONNECTIONS,
    DueKind.REPLY: Section.REPLIES,
    DueKind.OVERDUE: Section.STAY_IN_TOUCH,
    DueKind.DUE_THIS_WEEK: Section.STAY_IN_TOUCH,
    DueKind.BIRTHDAY: Section.OCCASIONS,
    DueKind.ANNIVERSARY: Section.OCCASIONS,
    DueKind.FAVOUR: Section.FAVOURS,
    DueKind.INVITATION: Section.INVITATIONS,
    DueKind.JOB_CHANGE: Section.REASONS,
    DueKind.START_RHYTHM: Section.START_RHYTHM,
    DueKind.INTRODUCTION: Section.INTRODUCTIONS,
    DueKind.RHYTHM: Section.YOUR_RHYTHMS,
}
_JSON_KINDS = {
    DueKind.OVERDUE: "cadence",
    DueKind.DUE_THIS_WEEK: "cadence",
    DueKind.BIRTHDAY: "occasion",
    DueKind.ANNIVERSARY: "occasion",
}

# "Today" shows at most TODAY_LIMIT items, ranked by PRIORITY (lower first), then the most overdue first, then name.
# Someone waiting on an answer comes first; then what loses its worth with every day (a new connection's note, an
# invitation, an occasion within two days, a new role, a promise given); then the rhythms that slipped, the favour
# balance, the rhythms due this week and the occasions further off. Starting a rhythm is never urgent: it stays in its
# own section.
TODAY_LIMIT = 10
PRIORITY = {
    DueKind.REPLY: 0,
    DueKind.FOLLOWUP: 1,
    DueKind.INVITATION: 2,
    DueKind.BIRTHDAY: 3,
    DueKind.ANNIVERSARY: 3,
    DueKind.JOB_CHANGE: 4,
    DueKind.INTRODUCTION: 4,  # someone is waiting on your next step
    DueKind.OVERDUE: 6,
    DueKind.FAVOUR: 7,
    DueKind.DUE_THIS_WEEK: 8,
}
OCCASION_SOON_DAYS = 2  # an occasion further away than this ranks with the things that can wait
PROMISE_PRIORITY = 5
LATER_PRIORITY = 9


def _urgency(item: DueItem) -> tuple[int, int]:
    """The first two parts of an item's priority: its rank, then the most overdue first."""
    rank = PRIORITY.get(item.kind, LATER_PRIORITY)
    if item.kind is DueKind.FAVOUR and item.interaction_id is not None:
        rank = PROMISE_PRIORITY
    if item.kind in (DueKind.BIRTHDAY, DueKind.ANNIVERSARY) and (item.days_overdue or 0) < -OCCASION_SOON_DAYS:
        rank = LATER_PRIORITY
    late = item.days_overdue if item.days_overdue is not None else -(10**6)
    return (rank, -late)


def _priority(item: DueItem) -> tuple[int, int, str, int]:
    return (*_urgency(item), fold(item.contact_name), item.contact_id)


def today_items(items: list[DueItem], limit: int = TODAY_LIMIT) -> list[DueItem]:
    """The few items to do first today (see PRIORITY); the rest stay in their sections behind "Show all"."""
    if limit <= 0:
        return []
    eligible = [i for i in items if i.kind is not DueKind.START_RHYTHM]
    if len(eligible) > limit:
        # Only items as urgent as the limit-th are candidates: names are folded for those alone, and thousands of
        # items are not sorted again after every write.
        urgency = [_urgency(i) for i in eligible]
        cutoff = heapq.nsmallest(limit, urgency)[-1]
        eligible = [i for i, u in zip(eligible, urgency, strict=True) if u <= cutoff]
    return sorted(eligible, key=_priority)[:limit]


def reply_item(contact_id: int, name: str, wrote: datetime, today: date) -> DueItem | None:
    """They wrote (one-to-one) and the user has not answered: due within REPLY_WITHIN_DAYS, shown for a month."""
    day = wrote.date()
    if day > today or (today - day).days > REPLY_LOOKBACK_DAYS:
        return None
    due = day + timedelta(days=REPLY_WITHIN_DAYS)
    return DueItem(DueKind.REPLY, contact_id, name, (today - due).days, due, last_contacted=day)


def start_rhythm_item(contact_id: int, name: str, cadence_days: int) -> DueItem:
    return DueItem(DueKind.START_RHYTHM, contact_id, name, cadence_days=cadence_days)


def invitation_item(invitation_id: int, name: str, sent: datetime, message: str, today: date) -> DueItem:
    day = sent.date()
    return DueItem(DueKind.INVITATION, 0, name, (today - day).days, day, summary=message, record_id=invitation_id)


def job_change_item(contact_id: int, name: str, role: str, seen: date, today: date) -> DueItem | None:
    if seen > today or (today - seen).days > JOB_CHANGE_DAYS:
        return None
    return DueItem(DueKind.JOB_CHANGE, contact_id, name, (today - seen).days, seen, summary=role)


def effective_cadence(own_days: int | None, tag_days: list[int] | tuple[int, ...] = ()) -> int | None:
    """The contact's own cadence wins; otherwise the shortest cadence among its tags."""
    if own_days is not None:
        return own_days
    return min(tag_days) if tag_days else None


def validate_cadence(days: int | None) -> None:
    from netdesk.core.errors import ValidationError

    if days is not None and not (MIN_CADENCE_DAYS <= days <= MAX_CADENCE_DAYS):
        raise ValidationError("cadence_days", f"A rhythm is between {MIN_CADENCE_DAYS} and {MAX_CADENCE_DAYS} days.")


def cadence_item(
    contact_id: int,
    name: str,
    cadence_days: int,
    last_contacted: date | None,
    since: date,
    today: date,
) -> DueItem | None:
    """An overdue / due-this-week item, or None when the next contact is further away.

    The clock starts at the later of the last exchange and ``since``, the day the rhythm was set. (Someone with a
    rhythm and no exchange at all is a "start the rhythm" item instead.)
    """
    start = since if last_contacted is None else max(last_contacted, since)
    due = start + timedelta(days=cadence_days)
    late = (today - due).days
    if late < -DUE_SOON_DAYS:
        return None
    kind = DueKind.OVERDUE if late > 0 else DueKind.DUE_THIS_WEEK
    return DueItem(kind, contact_id, name, late, due, cadence_days=cadence_days, last_contacted=last_contacted)


def occurrence_in_year(month: int, day: int, year: int) -> date:
    """The date a yearly occasion falls on in ``year``: 29 February is kept on 28 February in other years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_occurrence(month: int, day: int, today: date) -> date:
    """The next date (today included) a yearly occasion falls on."""
    this_year = occurrence_in_year(month, day, today.year)
    return this_year if this_year >= today else occurrence_in_year(month, day, today.year + 1)


def occasion_ranges(today: date, window: int = OCCASION_WINDOW_DAYS) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two ``MM-DD`` text ranges covering the window (the second repeats the first unless the year wraps).

    Ranges let a query compare text instead of looking each row up in a list; 29 February is inside any range
    that reaches 28 February, so it is never missed in non-leap years.
    """
    end = today + timedelta(days=window)
    first, last = f"{today.month:02d}-{today.day:02d}", f"{end.month:02d}-{end.day:02d}"
    if last == "02-28":
        last = "02-29"
    if end.year == today.year:
        return (first, last), (first, last)
    return (first, "12-31"), ("01-01", last)


def parse_month_day(text: str) -> tuple[int, int, int | None] | None:
    """``YYYY-MM-DD`` or ``--MM-DD`` -> (month, day, year or None); None for anything else."""
    text = text.strip()
    try:
        if text.startswith("--") and len(text) == 7:
            month, day, year = int(text[2:4]), int(text[5:7]), None
        elif len(text) == 10 and text[4] == "-" and text[7] == "-":
            year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
        else:
            return None
        date(year or 2000, month, day)
    except ValueError:
        return None
    return month, day, year


def occasion_item(
    kind: DueKind, contact_id: int, name: str, stored: str, today: date, window: int = OCCASION_WINDOW_DAYS
) -> DueItem | None:
    """A birthday or anniversary within ``window`` days (year optional), or None."""
    parsed = parse_month_day(stored)
    if parsed is None:
        return None
    month, day, year = parsed
    when = next_occurrence(month, day, today)
    until = (when - today).days
    if until > window:
        return None
    return DueItem(kind, contact_id, name, -until, when, since_year=year)


def followup_item(
    contact_id: int,
    name: str,
    state: str,
    connected: date,
    messaged_at: date | None,
    today: date,
) -> DueItem | None:
    """A new connection with no personal note yet, within NEW_CONNECTION_DAYS of connecting (counted from the
    connection date, so an old export flags nobody). Once the note is sent the pipeline waits for their reply, which
    is the other person's move: nothing to do."""
    if state == FollowupState.NONE:
        if (today - connected).days > NEW_CONNECTION_DAYS or connected > today:
            return None
        due = connected + timedelta(days=PERSONAL_NOTE_DAYS)
        return DueItem(DueKind.FOLLOWUP, contact_id, name, (today - due).days, due)
    return None


def favour_balance_item(contact_id: int, name: str, given: int, received: int) -> DueItem | None:
    """A nudge to give back when the user has received clearly more than given."""
    if received - given < FAVOUR_IMBALANCE:
        return None
    return DueItem(DueKind.FAVOUR, contact_id, name, favours=(given, received))


def open_favour_item(
    interaction_id: int, contact_id: int, names: str, summary: str, promised: date, today: date
) -> DueItem:
    """A reminder of a promise (an open favour given)."""
    return DueItem(
        DueKind.FAVOUR,
        contact_id,
        names,
        (today - promised).days,
        promised,
        interaction_id=interaction_id,
        summary=summary,
    )


_KIND_INDEX = {k: n for n, k in enumerate(DUE_KIND_ORDER)}
_SECTION_INDEX = {s: n for n, s in enumerate(SECTION_ORDER)}


DueOrder = tuple[int, int, int, str, int, int]


def due_order(item: DueItem, sort_keys: Mapping[int, str]) -> DueOrder:
    """An item's place in the list (see sort_due); kept with items that are sorted again and again."""
    late = -item.days_overdue if item.days_overdue is not None else 10**6
    return (
        _SECTION_INDEX[item.section],
        _KIND_INDEX[item.kind],
        late,
        sort_keys.get(item.contact_id) or fold(item.contact_name),
        item.contact_id,
        (item.interaction_id or 0) + (item.record_id or 0),
    )


def sort_due(items: list[DueItem], sort_keys: Mapping[int, str] | None = None) -> list[DueItem]:
    """Sections in a fixed order; the most overdue first within a section; names (as the contact list sorts them,
    ignoring case and accents: ``sort_keys`` gives the stored keys by contact id, others are folded here) break
    ties."""
    keys = sort_keys or {}
    return sorted(items, key=lambda item: due_order(item, keys))
