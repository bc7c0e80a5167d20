"""`netdesk intro`: introductions from the command line, the same workflow as the Intro tracker page.

    netdesk intro ask --via PRIYA (--to GRACE | --target "Globex's CTO") [--why TEXT] [--date D]
    netdesk intro make A B [--why TEXT] [--date D]          # double opt-in: you ask both first
    netdesk intro step ID agreed|opted-in|introduced|declined [--side a|b] [--date D]
    netdesk intro outcome ID met|helped|hired|deal|nothing [--date D]   # prints the thank-you for an ask
    netdesk intro message ID ask|optin|introduction [--side a|b]       # the message, filled, to copy

People are named or given by id (a name that matches several people is an error listing them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netdesk.cli_networking import Register, iso_date, resolve_contact
from netdesk.cli_output import record_id
from netdesk.core.errors import NetDeskError
from netdesk.core.practices import Outcome, TemplateName
from netdesk.services import NetDesk
from netdesk.services.introductions import IntroductionDTO

EXIT_OK = 0


def _db_option(p: argparse.ArgumentParser) -> None:
    # Also accepted after the action (`netdesk intro step 3 agreed --db PATH`); SUPPRESS keeps an earlier value.
    p.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="database file")


def _configure(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", required=True)
    ask = actions.add_parser("ask", help="ask someone to introduce you")
    ask.add_argument("--via", required=True, help="the introducer (name or id)")
    target = ask.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", help="the person you want to meet (name or id)")
    target.add_argument("--target", help='whom you want to meet, described ("Globex\'s CTO")')
    make = actions.add_parser("make", help="introduce two people (double opt-in)")
    make.add_argument("a", help="one person (name or id)")
    make.add_argument("b", help="the other (name or id)")
    for sub in (ask, make):
        sub.add_argument("--why", default="", help="why they should meet")
        sub.add_argument("--date", type=iso_date, help="the day you asked (default: today)")
    step = actions.add_parser("step", help="record the next step")
    step.add_argument("id", type=record_id)
    step.add_argument("step", choices=["agreed", "opted-in", "introduced", "declined"])
    step.add_argument("--side", choices=["a", "b"], default="b", help="who opted in (make: a or b; ask: b)")
    step.add_argument("--date", type=iso_date, help="the day of the step (default: today)")
    outcome = actions.add_parser("outcome", help="note the outcome (records the favour)")
    outcome.add_argument("id", type=record_id)
    outcome.add_argument("outcome", choices=[o.value for o in Outcome])
    outcome.add_argument("--date", type=iso_date, help="the day (default: today)")
    message = actions.add_parser("message", help="print a step's message, filled with both people's context")
    message.add_argument("id", type=record_id)
    message.add_argument("template", choices=[t.value for t in TemplateName])
    message.add_argument("--side", choices=["a", "b"], default="a", help="whom an opt-in is for")
    for sub in (ask, make, step, outcome, message):
        _db_option(sub)


def _report(intro: IntroductionDTO) -> None:
    last, when = intro.steps[-1]
    print(f"{intro.id}\t{intro.title}\t{last} {when.isoformat()}")


def _run(nd: NetDesk, args: argparse.Namespace) -> int:
    intros = nd.introductions
    if args.action == "ask":
        via, _ = resolve_contact(nd, args.via)
        to = resolve_contact(nd, args.to)[0] if args.to else None
        _report(intros.ask(via, to, args.target or "", args.why, args.date).value)
    elif args.action == "make":
        a, b = resolve_contact(nd, args.a)[0], resolve_contact(nd, args.b)[0]
        _report(intros.propose(a, b, args.why, args.date).value)
    elif args.action == "step":
        if args.step == "agreed":
            written = intros.agreed(args.id, args.date)
        elif args.step == "opted-in":
            written = intros.opted_in(args.id, args.side, args.date)
        elif args.step == "introduced":
            written = intros.introduce(args.id, args.date)
        else:
            written = intros.decline(args.id, args.date)
        _report(written.value)
    elif args.action == "outcome":
        closed = intros.close(args.id, args.outcome, args.date).value
        _report(closed.introduction)
        if closed.thank_you:
            print(closed.thank_you)
    elif args.action == "message":
        print(intros.message(args.id, args.template, args.side))
    else:  # argparse allows no other action
        raise NetDeskError(f"unknown action {args.action}")
    sys.stdout.flush()
    return EXIT_OK


def register(add: Register) -> None:
    add("intro", "ask for introductions and make them (double opt-in), step by step", _configure, _run)
