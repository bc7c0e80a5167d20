"""`netdesk duplicates`: the duplicates review from the command line (issue 13), registered into netdesk.cli.

- ``netdesk duplicates [--json]``: the pairs to review (kept from imports and from ``find``);
- ``netdesk duplicates find``: look for duplicates over the whole database and keep the new pairs;
- ``netdesk duplicates merge ID [--take FIELD=second …]``: merge a pair into its first contact;
- ``netdesk duplicates keep-apart ID``: the two are different people; the pair is never suggested again.
"""

from __future__ import annotations

import argparse
import json
import sys

from netdesk.cli_networking import Register
from netdesk.cli_output import UsageError, record_id
from netdesk.services import NetDesk
from netdesk.services.duplicates import Side

EXIT_OK = 0  # as in cli.py (not imported from it: cli imports this module)


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "action", nargs="?", choices=["list", "find", "merge", "keep-apart"], default="list", help="default: list"
    )
    p.add_argument("id", nargs="?", type=record_id, help="the pair's id (merge, keep-apart)")
    p.add_argument(
        "--take",
        action="append",
        default=[],
        metavar="FIELD=first|second",
        help="merge: whose value a field keeps where the two differ (default: first)",
    )


def _winners(items: list[str]) -> dict[str, Side]:
    winners: dict[str, Side] = {}
    for item in items:
        field, _, side = item.partition("=")
        if side not in ("first", "second"):
            raise UsageError(f"netdesk duplicates: --take {item!r}: write FIELD=first or FIELD=second")
        winners[field.strip()] = "first" if side == "first" else "second"
    return winners


def _run(nd: NetDesk, args: argparse.Namespace) -> int:
    if args.action in ("merge", "keep-apart") and args.id is None:
        raise UsageError(f"netdesk duplicates {args.action}: give the pair's id (see `netdesk duplicates`)")
    if args.action == "find":
        found = nd.duplicates.find().value
        print(f"{found} new possible duplicate{'' if found == 1 else 's'} to review", file=sys.stderr)
        return _list(nd, args.json)
    if args.action == "merge":
        winners = _winners(args.take)
        comparison = nd.duplicates.comparison(args.id)
        kept = nd.duplicates.merge(args.id, winners).value
        pair = comparison.suggestion
        print(f"merged {pair.second_name} into {pair.first_name} (contact {kept})", file=sys.stderr)
        return EXIT_OK
    if args.action == "keep-apart":
        pair = nd.duplicates.comparison(args.id).suggestion
        nd.duplicates.keep_apart(args.id)
        print(f"kept {pair.first_name} and {pair.second_name} apart", file=sys.stderr)
        return EXIT_OK
    return _list(nd, args.json)


def _list(nd: NetDesk, as_json: bool) -> int:
    pairs = nd.duplicates.pending()
    if as_json:
        rows = []
        for p in pairs:
            comparison = nd.duplicates.comparison(p.id)
            rows.append(
                {
                    "id": p.id,
                    "first": {"id": p.first_id, "name": p.first_name},
                    "second": {"id": p.second_id, "name": p.second_name},
                    "reason": p.reason,
                    "found_by": p.found_by,
                    "found_at": p.found_at.isoformat(timespec="seconds"),
                    "differences": [
                        {"field": f.field, "first": f.first, "second": f.second, "choosable": f.choosable}
                        for f in comparison.fields
                        if f.differs
                    ],
                }
            )
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for p in pairs:
        print(f"{p.id}\t{p.first_name}\t{p.second_name}\t{p.reason}")
    return EXIT_OK


def register(add: Register) -> None:
    """The duplicates review's command (``cli.py`` calls this)."""
    add("duplicates", "list possible duplicates, find more, merge a pair or keep it apart", _configure, _run)
