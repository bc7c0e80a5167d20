"""The networking commands of the command line, over the same services as the app.

`netdesk due`, `netdesk stats`, `netdesk log`, `netdesk cadence`, and the networking keys of `netdesk list --json`.
``--date`` is "today" for everything computed, so a run is reproducible. JSON goes to stdout only; a user mistake is
one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from netdesk.core.errors import NetDeskError, NotFoundError
from netdesk.core.exchange import implausible_reason
from netdesk.core.model import Channel, Direction, InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import SECTION_ORDER, TODAY_LIMIT, DueItem, today_items
from netdesk.core.normalize import fold
from netdesk.services import NetDesk
from netdesk.services.bulk_reads import BatchFact, last_contacted_fact
from netdesk.services.followups import WeekFigures

Register = Callable[[str, str, Callable[[argparse.ArgumentParser], None], Callable[..., int]], None]
EXIT_OK = 0


# The days a --date can name: the record's, and "today" for a plan well ahead. Python's calendar ends at 1 and 9999,
# and a week, a period of months or a rhythm counted from a day near either end went past it (an OverflowError).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _in_range(day: date, value: str) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"not a day NetDesk keeps: {value!r} (from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
        )


def iso_date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None
    _in_range(day, value)
    return day


def _iso_moment(value: str) -> datetime:
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(12, 0))
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    _in_range(moment.date(), value)
    # Interactions are kept in local wall time: a time with its UTC offset is converted to it, not cut off.
    return (moment.astimezone() if moment.tzinfo is not None else moment).replace(tzinfo=None)


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def resolve_contact(nd: NetDesk, name_or_id: str) -> tuple[int, str]:
    """A contact by id, else by exact name (ignoring case and accents), else by a search matching one contact.

    A name that matches several contacts is an error that lists them, so a script never logs with the wrong person.
    """
    if not name_or_id.strip():  # a blank name would match everyone, and a network of one contact: that contact
        raise NetDeskError("give a contact's name or id")
    rows = nd.contacts.rows()
    if name_or_id.strip().isdigit():
        wanted = int(name_or_id)
        for r in rows:
            if r.id == wanted:
                return r.id, r.name
        raise NotFoundError(f"no contact with id {wanted}")
    key = fold(" ".join(name_or_id.split()))
    matches = [(r.id, r.name) for r in rows if fold(r.name) == key]
    if not matches:
        found = set(nd.contacts.search_ids(name_or_id))
        matches = [(r.id, r.name) for r in rows if r.id in found]
    if not matches:
        raise NotFoundError(f"no contact matches {name_or_id!r}")
    if len(matches) > 1:
        listed = "; ".join(f"{name} (id {cid})" for cid, name in matches[:20])
        more = f" and {len(matches) - 20} more" if len(matches) > 20 else ""
        raise NetDeskError(f"{name_or_id!r} matches {len(matches)} contacts: {listed}{more}; give the id instead")
    return matches[0]


# --- due ---------------------------------------------------------------------------------------------------


def due_json(item: DueItem) -> dict[str, object]:
    """The stable JSON form of a due item (`netdesk due --json`)."""
    return {
        "kind": item.json_kind,
        "section": item.section.value,
        "contact_id": item.contact_id or None,
        "contact": item.contact_name,
        "title": item.title,
        "detail": item.detail,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "days_overdue": item.days_overdue,
    }


def _configure_due(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print every item as a JSON array (no 'Today' cap)")
    p.add_argument("--date", type=iso_date, help="the day to compute the list for (default: today)")
    p.add_argument("--today", type=int, default=TODAY_LIMIT, metavar="N", help="items in the 'Today' list")


def _cmd_due(nd: NetDesk, args: argparse.Namespace) -> int:
    items = nd.networking.due(args.date)
    if args.json:
        _print_json([due_json(i) for i in items])
        return EXIT_OK
    if not items:
        print("Nothing due.")
        return EXIT_OK
    first = today_items(items, args.today)
    print(f"Today ({len(first)} of {len(items)})")
    for i in first:
        print(f"  {i.title}\t{i.detail}")
    for section in SECTION_ORDER:
        shown = [i for i in items if i.section is section]
        if shown:
            print(f"\n{section.label} ({len(shown)})")
            for i in shown:
                print(f"  {i.title}\t{i.detail}")
    return EXIT_OK


# --- stats -------------------------------------------------------------------------------------------------


def _configure_stats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--date", type=iso_date, help="the last day of the period (default: today)")
    p.add_argument("--months", type=int, default=12, help="calendar months in the period, this one included")


def _cmd_stats(nd: NetDesk, args: argparse.Namespace) -> int:
    if not 1 <= args.months <= 1200:  # a century: further back than any record
        raise NetDeskError("--months is between 1 and 1200")
    stats = nd.followups.stats(args.date, args.months)
    rate = stats.reply_rate
    if args.json:
        _print_json(
            {
                "start": stats.start.isoformat(),
                "end": stats.end.isoformat(),
                "months": args.months,
                "new_connections": stats.new_connections,
                "notes_sent": stats.notes_sent,
                "replies": stats.replies,
                "reply_rate": None if rate is None else round(rate, 4),
            }
        )
        return EXIT_OK
    print(f"From {stats.start.isoformat()} to {stats.end.isoformat()}:")
    print(f"  new connections  {stats.new_connections}")
    print(f"  notes sent       {stats.notes_sent}")
    print(f"  replies          {stats.replies}")
    print(f"  reply rate       {'–' if rate is None else f'{round(100 * rate)} %'}")
    return EXIT_OK


def _configure_review(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--date", type=iso_date, help="a day of the week to review (default: today)")


def _week_json(w: WeekFigures) -> dict[str, object]:
    share = w.in_person_share
    return {
        "start": w.start.isoformat(),
        "notes_sent": w.notes_sent,
        "replies": w.replies,
        "exchanges": w.exchanges,
        "in_person_share": None if share is None else round(share, 4),
        "favours": w.favours,
    }


def _cmd_review(nd: NetDesk, args: argparse.Namespace) -> int:
    review = nd.followups.weekly_review(args.date)
    stalled = [
        {"contact_id": cid, "contact": name, "note_sent": sent.isoformat()} for cid, name, sent in review.stalled
    ]
    if args.json:
        _print_json(
            {"this_week": _week_json(review.this_week), "last_week": _week_json(review.last_week), "stalled": stalled}
        )
        return EXIT_OK
    this, last = _week_json(review.this_week), _week_json(review.last_week)
    print(f"Week of {this['start']} (last week in brackets)")
    for key in ("notes_sent", "replies", "exchanges", "favours"):
        print(f"  {key.replace('_', ' '):<16} {this[key]} ({last[key]})")
    print(f"  {'in person':<16} {_percent(this['in_person_share'])} ({_percent(last['in_person_share'])})")
    for row in stalled:
        print(f"  stalled: {row['contact']}, note sent {row['note_sent']}, no reply yet")
    return EXIT_OK


def _percent(share: object) -> str:
    return "–" if not isinstance(share, float) else f"{round(100 * share)} %"


# --- log and cadence ---------------------------------------------------------------------------------------


def _configure_log(p: argparse.ArgumentParser) -> None:
    p.add_argument("--with", dest="people", action="append", required=True, metavar="NAME_OR_ID", help="who (repeat)")
    p.add_argument("--kind", required=True, choices=[k.value for k in InteractionKind], help="what happened")
    p.add_argument("--direction", choices=["in", "out"], help="who wrote: in (they did) or out (you did)")
    p.add_argument("--channel", choices=["in_person", "online"], help="in person or online")
    p.add_argument("--date", type=_iso_moment, help="when (YYYY-MM-DD or YYYY-MM-DDTHH:MM; default: now)")
    p.add_argument("--note", default="", help="what was said or done")


def _cmd_log(nd: NetDesk, args: argparse.Namespace) -> int:
    when = args.date or datetime.now().replace(microsecond=0)
    bad = implausible_reason(when, datetime.now())  # interactions are kept in local wall time
    if bad is not None:
        raise NetDeskError(f"cannot log an interaction: {bad}")
    people = [resolve_contact(nd, who) for who in args.people]
    note = args.note.strip()
    logged = nd.timeline.log(
        InteractionDTO(
            occurred_at=when,
            kind=InteractionKind(args.kind),
            direction=Direction(args.direction or ""),
            channel=Channel(args.channel or ""),
            summary=note.splitlines()[0][:80] if note else "",
            notes=note,
            participants=tuple(Participant(cid) for cid, _ in dict.fromkeys(people)),
        )
    )
    names = ", ".join(name for _, name in dict.fromkeys(people))
    kind = InteractionKind(args.kind).label.lower()
    print(f"logged {kind} with {names} on {when:%Y-%m-%d %H:%M} (id {logged.value.id})")
    return EXIT_OK


def _configure_cadence(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact", metavar="NAME_OR_ID", help="the contact")
    p.add_argument("days", type=int, help="keep in touch every DAYS days (0 removes the rhythm)")
    p.add_argument("--date", type=iso_date, help="the day the rhythm starts (default: today)")


def _cmd_cadence(nd: NetDesk, args: argparse.Namespace) -> int:
    cid, name = resolve_contact(nd, args.contact)
    nd.networking.set_contact_cadence(cid, args.days or None, since=args.date)
    print(f"{name}: keep in touch every {args.days} days" if args.days else f"{name}: no rhythm")
    return EXIT_OK


# --- list --json -------------------------------------------------------------------------------------------


def list_facts(nd: NetDesk, today: date | None) -> dict[str, BatchFact]:
    """The networking keys `netdesk list --json` adds to each contact, each computed for a batch of contacts at a
    time by one set-based read (``services.bulk_reads``: the list streams in flat memory)."""
    return {"last_contacted": last_contacted_fact, "strength": nd.networking.strength_fact(today)}


def register(add: Register) -> None:
    add("due", "print what to do: follow-ups, replies owed, rhythms, occasions, favours …", _configure_due, _cmd_due)
    add("stats", "print the reply rate of new connections for a period", _configure_stats, _cmd_stats)
    add(
        "review",
        "print the weekly review: this week against last, and the follow-ups that stalled",
        _configure_review,
        _cmd_review,
    )
    add("log", "log an interaction (meeting, call, message …) with one or more contacts", _configure_log, _cmd_log)
    add("cadence", "set how often to keep in touch with a contact (0 removes it)", _configure_cadence, _cmd_cadence)
