"""Rules for the essays' practices kept as records: introductions as a workflow, communities, contributions and their
rhythms, offers and needs, goal targets.

Pure functions over plain values (no SQL, no Qt), like core.networking: services feed them rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from netdesk.core.errors import ValidationError
from netdesk.core.exchange import implausible_reason
from netdesk.core.networking import DueItem, DueKind
from netdesk.core.normalize import fold

INTRO_STALL_DAYS = 7  # an introduction step unmoved for a week is due


# --- introductions -------------------------------------------------------------------------------------------------


class IntroKind(StrEnum):
    ASK = "ask"  # you ask the introducer to introduce you to the target
    MAKE = "make"  # you introduce a and b, each having opted in first


class IntroState(StrEnum):
    ASKED = "asked"  # ask: you asked the introducer; make: you asked both sides whether they want the introduction
    AGREED = "agreed"  # ask: the introducer agreed
    OPTED_IN = "opted_in"  # ask: the target opted in; make: both sides opted in
    INTRODUCED = "introduced"
    CLOSED = "closed"  # with an outcome
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    IntroState.ASKED: "asked",
    IntroState.AGREED: "agreed",
    IntroState.OPTED_IN: "opted in",
    IntroState.INTRODUCED: "introduced",
    IntroState.CLOSED: "done",
    IntroState.DECLINED: "declined",
}


class Outcome(StrEnum):
    MET = "met"
    HELPED = "helped"
    HIRED = "hired"
    DEAL = "deal"
    NOTHING = "nothing"


# The steps each kind moves through, in order (a step may not be skipped: the double opt-in is the point).
ASK_STEPS = (IntroState.ASKED, IntroState.AGREED, IntroState.OPTED_IN, IntroState.INTRODUCED, IntroState.CLOSED)
MAKE_STEPS = (IntroState.ASKED, IntroState.OPTED_IN, IntroState.INTRODUCED, IntroState.CLOSED)


def steps_of(kind: IntroKind) -> tuple[IntroState, ...]:
    return ASK_STEPS if kind is IntroKind.ASK else MAKE_STEPS


def next_state(kind: IntroKind, state: IntroState) -> IntroState | None:
    """The step after ``state`` (None once closed or declined)."""
    steps = steps_of(kind)
    if state not in steps or state is IntroState.CLOSED:
        return None
    return steps[steps.index(state) + 1]


def check_move(kind: IntroKind, state: IntroState, to: IntroState) -> None:
    """Raise unless an introduction of ``kind`` in ``state`` may move to ``to``."""
    if state in (IntroState.CLOSED, IntroState.DECLINED):
        raise ValidationError("state", f"This introduction is already {state.label}.")
    if to is IntroState.DECLINED:
        return
    expected = next_state(kind, state)
    if to is not expected:
        if kind is IntroKind.MAKE and to is IntroState.INTRODUCED:
            raise ValidationError("state", "Both people must opt in before you introduce them.")
        wanted = expected.label if expected is not None else "nothing"
        raise ValidationError("state", f"The next step of this introduction is “{wanted}”, not “{to.label}”.")


def stalled_item(
    intro_id: int,
    contact_id: int,
    contact_name: str,
    title: str,
    moved_on: date,
    today: date,
    stall_days: int = INTRO_STALL_DAYS,
) -> DueItem | None:
    """A Due item when the last step is ``stall_days`` old or more."""
    due = moved_on + timedelta(days=stall_days)
    if due > today:
        return None
    return DueItem(
        DueKind.INTRODUCTION,
        contact_id,
        contact_name,
        days_overdue=(today - due).days,
        due_date=due,
        last_contacted=moved_on,
        summary=title,
        record_id=intro_id,
    )


# --- message templates ---------------------------------------------------------------------------------------------


class TemplateName(StrEnum):
    ASK = "ask"
    OPTIN = "optin"
    INTRODUCTION = "introduction"


# NetDesk's own wording; every placeholder is filled from the record (an unknown one is left as typed).
DEFAULT_TEMPLATES = {
    TemplateName.ASK: (
        "Hi {introducer_first},\n\n"
        "I would like to get to know {target}{target_context}. {reason}\n"
        "You know them and me: would you be willing to introduce us? If you would rather not, no problem at all.\n\n"
        "Thank you,\n{me}"
    ),
    TemplateName.OPTIN: (
        "Hi {person_first},\n\n"
        "I would like to introduce you to {other}{other_context}. {reason}\n"
        "Would you like me to? I will only make the introduction if you both say yes.\n\n"
        "Best,\n{me}"
    ),
    TemplateName.INTRODUCTION: (
        "Hi {a_first} and {b_first},\n\n"
        "As promised, an introduction.\n"
        "{a}{a_context}.\n{b}{b_context}.\n"
        "{reason}\n"
        "I will leave it to you two from here.\n\n"
        "Best,\n{me}"
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_template(body: str, values: dict[str, str]) -> str:
    """Replace each {name} with its value; a name without a value stays as written (the user may be mid-edit)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def context_of(title: str, organization: str) -> str:
    """ ", CTO at Globex" or "" for a person's context in a message."""
    if title and organization:
        return f", {title} at {organization}"
    if organization:
        return f" at {organization}"
    return f", {title}" if title else ""


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


# --- communities, contributions, rhythms ---------------------------------------------------------------------------


class CommunityKind(StrEnum):
    COMMUNITY = "community"
    GROUP = "group"
    EVENT = "event"
    CONFERENCE = "conference"


class CommunityRelation(StrEnum):
    MEMBER = "member"
    MET_AT = "met_at"

    @property
    def label(self) -> str:
        return "member of" if self is CommunityRelation.MEMBER else "met at"


class ContributionKind(StrEnum):
    POST = "post"
    ARTICLE = "article"
    TALK = "talk"
    ANSWER = "answer"
    NEWSLETTER = "newsletter"
    OPEN_SOURCE = "open_source"

    @property
    def noun(self) -> str:
        return "open-source contribution" if self is ContributionKind.OPEN_SOURCE else self.value


def check_rhythm(count: int | None, days: int | None) -> None:
    if (count is None) != (days is None):
        raise ValidationError("rhythm", "A rhythm is a number of times in a number of days.")
    if count is not None and days is not None and not (1 <= count <= 100 and 1 <= days <= 366):
        raise ValidationError("rhythm", "A rhythm is 1 to 100 times in 1 to 366 days.")


def lapsed_contribution_item(kind: ContributionKind, every_days: int, last: date | None, today: date) -> DueItem | None:
    """ "No post in 10 days": the newest contribution of ``kind`` is ``every_days`` old or more (or there is none)."""
    if last is not None and (today - last).days < every_days:
        return None
    since = (today - last).days if last is not None else None
    title = f"No {kind.noun} in {since} days" if since is not None else f"No {kind.noun} yet"
    due = (last + timedelta(days=every_days)) if last is not None else today
    return DueItem(
        DueKind.RHYTHM,
        0,
        "",
        days_overdue=(today - due).days,
        due_date=due,
        cadence_days=every_days,
        last_contacted=last,
        summary=title,
    )


def lapsed_community_item(
    community_id: int, name: str, what: str, count: int, days: int, done: int, last: date | None, today: date
) -> DueItem | None:
    """ "Platform Guild: 1 of 2 answer questions in 7 days": fewer activities in the window than the rhythm asks."""
    if done >= count:
        return None
    what = what or "activities"
    window = "a week" if days == 7 else ("a month" if days in (30, 31) else f"{days} days")
    return DueItem(
        DueKind.RHYTHM,
        0,
        name,
        days_overdue=0,
        due_date=today,
        cadence_days=days,
        last_contacted=last,
        summary=f"{name}: {done} of {count} ({what}) in {window}",
        record_id=community_id,
    )


# --- offers and needs ----------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about a skill ("help with the pricing of a SaaS" matches on pricing and saas).
_STOP = frozenset("a an and at for from help in into is of on or the to with my our your their about any some".split())


def terms(text: str) -> frozenset[str]:
    """The folded words of an offer or need that can match another (accents, case and filler words ignored)."""
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _STOP and len(w) > 1)


def singular(word: str) -> str:
    """An English plural read as its singular ("strategies" -> "strategy", "mentors" -> "mentor"); "business",
    "news" and other words it cannot be sure of are kept as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def matched_terms(a: frozenset[str], b: frozenset[str]) -> tuple[str, ...]:
    """Words shared by two texts, plurals read as their singular; a word of four letters or more also matches a
    longer form of itself ("design" ~ "designers", "mentors" ~ "mentoring", "hiring" ~ "hiring-manager" words)."""
    found = set(a & b)
    for x in a - found:
        for y in b:
            sx, sy = singular(x), singular(y)
            short, long_ = (sx, sy) if len(sx) <= len(sy) else (sy, sx)
            if len(short) >= 4 and long_.startswith(short):
                found.add(short)
    return tuple(sorted(found))


# --- goal targets --------------------------------------------------------------------------------------------------


class GoalMetric(StrEnum):
    PEOPLE_MET = "people_met"  # distinct people you met or spoke with (meetings, calls, events)
    NEW_PEOPLE = "new_people"  # people added or connected
    INTERACTIONS = "interactions"
    INTRODUCTIONS = "introductions"  # introductions made or received (introduced)
    CONTRIBUTIONS = "contributions"

    @property
    def noun(self) -> str:
        return _METRIC_NOUNS[self]


_METRIC_NOUNS = {
    GoalMetric.PEOPLE_MET: "people met",
    GoalMetric.NEW_PEOPLE: "new people",
    GoalMetric.INTERACTIONS: "interactions",
    GoalMetric.INTRODUCTIONS: "introductions",
    GoalMetric.CONTRIBUTIONS: "contributions",
}


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    target: int
    starts_on: date
    horizon: date
    days_left: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.target) if self.target else 1.0

    @property
    def reached(self) -> bool:
        return self.done >= self.target


def check_day(day: date, what: str, field: str = "on", today: date | None = None) -> None:
    """A day of the record (a contribution, a step of an introduction, the start of a rhythm) is refused before 1990
    or in the future, as an interaction's is (a day of slack for time zones)."""
    now = datetime.combine(today or date.today(), time(12, 0))
    bad = implausible_reason(datetime.combine(day, time(12, 0)), now)
    if bad is not None:
        raise ValidationError(field, f"{what}: the {bad}.")


def check_target(target: int, starts_on: date, horizon: date, today: date) -> None:
    if target < 1:
        raise ValidationError("target", "A goal's target is at least 1.")
    if horizon < today:
        raise ValidationError("horizon", f"The goal's horizon {horizon.isoformat()} is in the past.")
    if starts_on > horizon:
        raise ValidationError("starts_on", "A goal starts before its horizon.")


def progress(done: int, target: int, starts_on: date, horizon: date, today: date) -> Progress:
    return Progress(done, target, starts_on, horizon, max(0, (horizon - today).days))
