"""Composition root: parse the command line, open the database, then run the GUI or a CLI command."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from netdesk import cli_window

    args = cli_window.command_first(list(sys.argv[1:] if argv is None else argv))
    early = _check_database_early(args)
    try:
        if cli_window.names_no_command(args):
            # The app: its window's frame shows before the commands, the services and SQLAlchemy are imported.
            return cli_window.guarded(lambda: cli_window.run_window(args))
        from netdesk import cli  # the services, SQLAlchemy and the rest: imported while the database is checked

        return cli.run(args)
    finally:
        if early is not None:
            from netdesk.db.health import discard_check

            discard_check(early)


def _check_database_early(args: list[str]) -> Path | None:
    """Begin the open's check of the database (netdesk.db.health.begin_check) before the modules are imported,
    when the command line or $NETDESK_DB names it: the check runs in SQLite on the other core meanwhile."""
    named = os.environ.get("NETDESK_DB") or None
    for number, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--db" and number + 1 < len(args):
            named = args[number + 1]
        elif arg.startswith("--db="):
            named = arg.removeprefix("--db=")
    if named:
        from netdesk.db.health import LOCK_TIMEOUT_S, begin_check

        path = Path(named).expanduser()
        begin_check(path, LOCK_TIMEOUT_S)
        return path
    return None


if __name__ == "__main__":
    sys.exit(main())
