"""Command-line commands for the essays' practices (issue 15), registered into netdesk.cli:

- ``netdesk demo --db PATH``: the demo network written into a database;
- ``netdesk intros``, ``netdesk goals``, ``netdesk help-with TERM``, ``netdesk met-at NAME``: read the records;
- the whole network as JSON: ``netdesk export --format json -o PATH`` and ``netdesk import FILE.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from netdesk import cli_introductions
from netdesk.cli_networking import Register, iso_date
from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk
from netdesk.services.network_json import is_network_file

EXIT_OK = 0  # as in cli.py (not imported from it: cli imports this module)
EXIT_ERROR = 1


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# --- the whole network as JSON (hooked into `export` and `import`) -----------------------------------------------


def export_network(nd: NetDesk, args: argparse.Namespace) -> int:
    if args.tag or args.query:
        raise NetDeskError("the json export is the whole network: --tag and search words do not apply to it")
    counts = nd.network.export(args.output)
    print(f"network written to {args.output}: {counts.summary()}", file=sys.stderr)
    return EXIT_OK


def split_network_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(network JSON files, everything else) among the paths given to `netdesk import`."""
    network = [p for p in paths if p.is_file() and is_network_file(p)]
    return network, [p for p in paths if p not in network]


def import_networks(nd: NetDesk, files: list[Path]) -> int:
    for file in files:
        written = nd.network.import_file(file)
        print(f"{file}: imported {written.value.summary()}")
    return EXIT_OK


# --- demo ----------------------------------------------------------------------------------------------------------


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--people", type=int, default=300, help="how many invented people (default 300)")
    p.add_argument("--seed", type=int, default=7, help="random seed (the same seed gives the same people)")


def _cmd_demo(nd: NetDesk, args: argparse.Namespace) -> int:
    from netdesk.services.demo import populate_demo

    if nd.contacts.count() > 0:
        raise NetDeskError("the demo network is written into an empty database; this one holds contacts")
    if not 12 <= args.people <= 100_000:
        raise NetDeskError("--people is between 12 and 100000")
    populate_demo(nd, args.people, args.seed)
    print(f"demo network written: {nd.contacts.count()} contacts", file=sys.stderr)
    return EXIT_OK


# --- reading the records -------------------------------------------------------------------------------------------


def _configure_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def _cmd_intros(nd: NetDesk, args: argparse.Namespace) -> int:
    intros = nd.introductions.list_all()
    if args.json:
        _print_json(
            [
                {
                    "id": i.id,
                    "kind": i.kind.value,
                    "state": i.state.value,
                    "title": i.title,
                    "outcome": i.outcome.value if i.outcome else None,
                    "steps": [{"step": label, "date": when.isoformat()} for label, when in i.steps],
                }
                for i in intros
            ]
        )
        return EXIT_OK
    for i in intros:
        last, when = i.steps[-1]
        print(f"{i.id}\t{i.title}\t{last} {when.isoformat()}")
    return EXIT_OK


def _cmd_goals(nd: NetDesk, args: argparse.Namespace) -> int:
    goals = nd.goal_targets.progress()
    if args.json:
        _print_json(
            [
                {
                    "id": g.goal_id,
                    "name": g.name,
                    "target": g.target.phrase if g.target else None,
                    "done": g.progress.done if g.progress else None,
                    "of": g.progress.target if g.progress else None,
                    "progress": g.summary,
                }
                for g in goals
            ]
        )
        return EXIT_OK
    for g in goals:
        print(f"{g.name}\t{g.summary}")
    return EXIT_OK


def _configure_help_with(p: argparse.ArgumentParser) -> None:
    _configure_json(p)
    p.add_argument("term", nargs="+", help="what you need help with")


def _cmd_help_with(nd: NetDesk, args: argparse.Namespace) -> int:
    matches = nd.offers.who_could_help(" ".join(args.term))
    if args.json:
        _print_json(
            [{"contact_id": m.contact_id, "name": m.name, "offer": m.offer, "matched": m.matched} for m in matches]
        )
        return EXIT_OK
    if not matches:
        print("Nobody's offers match.", file=sys.stderr)
        return EXIT_ERROR
    for m in matches:
        print(f"{m.name}\t{m.offer}\tmatched: {', '.join(m.matched)}")
    return EXIT_OK


def _configure_met_at(p: argparse.ArgumentParser) -> None:
    _configure_json(p)
    p.add_argument("name", nargs="+", help="the community or event (the start of each word is enough)")


def _cmd_met_at(nd: NetDesk, args: argparse.Namespace) -> int:
    community, people = nd.communities.met_at(" ".join(args.name))
    if args.json:
        _print_json({"community": community.name, "people": [{"id": p.contact_id, "name": p.name} for p in people]})
        return EXIT_OK
    print(f"Met at {community.name}: {len(people)}", file=sys.stderr)
    for p in people:
        print(p.name)
    return EXIT_OK


def _configure_contribute(p: argparse.ArgumentParser) -> None:
    from netdesk.core.practices import ContributionKind

    p.add_argument("kind", choices=[k.value for k in ContributionKind], help="what you put out")
    p.add_argument("title", nargs="+", help="its title")
    p.add_argument("--date", type=iso_date, help="when (default: today)")
    p.add_argument("--link", default="", help="where it is (http(s) URL)")
    p.add_argument("--community", help="the community or event it belongs to (the start of each word is enough)")
    p.add_argument("--goal", help="the goal it counts towards (its name, or its id from `netdesk goals --json`)")


def _cmd_contribute(nd: NetDesk, args: argparse.Namespace) -> int:
    from netdesk.core.normalize import fold
    from netdesk.core.practices import ContributionKind
    from netdesk.services.contributions import ContributionDTO

    community_id = None
    if args.community:
        found = nd.communities.find(args.community)
        if not found:
            raise NetDeskError(f"no community or event matches “{args.community}”")
        exact = [c for c in found if fold(c.name) == fold(" ".join(args.community.split()))]
        if len(exact or found) > 1:  # a contribution filed under the first by name would be in the wrong place
            listed = "; ".join(c.name for c in found)
            raise NetDeskError(f"“{args.community}” matches {len(found)} communities or events: {listed}; name one")
        community_id = (exact or found)[0].id
    goal_id = None
    if args.goal:
        every = nd.networking.goals()
        goals = [g for g in every if fold(g.name) == fold(" ".join(args.goal.split()))]
        if not goals and args.goal.strip().isdigit():
            goals = [g for g in every if g.id == int(args.goal)]
        if not goals:
            raise NetDeskError(f"no goal called “{args.goal}”")
        if len(goals) > 1:  # two goals of one name: the first would be a guess
            listed = "; ".join(f"{g.name} (id {g.id})" for g in goals)
            raise NetDeskError(f"“{args.goal}” names {len(goals)} goals: {listed}; give the id instead")
        goal_id = goals[0].id
    written = nd.contributions.save(
        ContributionDTO(
            ContributionKind(args.kind),
            " ".join(args.title),
            args.date or date.today(),
            args.link,
            community_id=community_id,
            goal_id=goal_id,
        )
    )
    c = written.value
    where = "".join(f" · {x}" for x in (c.community_name, c.goal_name) if x)
    print(f"logged {c.kind.noun} “{c.title}” on {c.occurred_on.isoformat()}{where}", file=sys.stderr)
    return EXIT_OK


def register(add: Register) -> None:
    """The commands for the practices (``cli.py`` calls this, as it does ``cli_networking.register``)."""
    add("demo", "write the demo network into a database (--db PATH)", _configure_demo, _cmd_demo)
    add("intros", "print the introductions you asked for and made, with their steps", _configure_json, _cmd_intros)
    add("goals", "print your goals with their progress", _configure_json, _cmd_goals)
    add("help-with", "print who could help with something, from people's offers", _configure_help_with, _cmd_help_with)
    add(
        "contribute",
        "log a post, article, talk, answer, newsletter or open-source work",
        _configure_contribute,
        _cmd_contribute,
    )
    add("met-at", "print who you met at a community or event", _configure_met_at, _cmd_met_at)
    cli_introductions.register(add)
