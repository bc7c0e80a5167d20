"""The command line: `netdesk [--db PATH] [--demo] [FILE…]` starts the app; `netdesk COMMAND …` scripts it.

Commands print results on stdout (JSON only with --json) and one clear line on stderr for a user mistake, with a
non-zero exit status; no traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from netdesk import cli_networking
from netdesk.cli_output import UsageError, write_json_array, write_text
from netdesk.cli_window import (  # noqa: F401  (the exit statuses: the tests and the command modules use them here)
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    Parser,
    Terminated,
    add_db,
    guarded,
    run_window,
)
from netdesk.core.errors import DamagedDatabaseError, NetDeskError
from netdesk.core.normalize import region_from_locale
from netdesk.core.words import plural
from netdesk.io.contact_json import json_objects_text, list_lines_text
from netdesk.paths import default_db_path
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.backup import BackupService
from netdesk.services.bulk_reads import LIST_FACTS
from netdesk.services.collector import paused_collector

# --- commands ----------------------------------------------------------------------------------------------


def _cmd_list(nd: NetDesk, args: argparse.Namespace) -> int:
    # Streamed a batch at a time (cli_output). Photos are not read: LIST_FACTS says which contacts have one, and
    # the networking keys are facts too, computed per batch.
    render, write = (json_objects_text, write_json_array) if args.json else (list_lines_text, write_text)
    facts = {**LIST_FACTS, **cli_networking.list_facts(nd, args.date)} if args.json else None
    query, ids = " ".join(args.query), None
    if args.starred:  # the filter in SQL: only the starred ids are read
        ids = nd.contacts.search_ids(query, args.tag, starred=True)
    with paused_collector():  # as an export does (services/exporting.py): the batches' objects hold no cycles
        write(nd.contacts.render(render, query, args.tag, ids=ids, with_photo=False, facts=facts), sys.stdout)
    return EXIT_OK


def _cmd_import(nd: NetDesk, args: argparse.Namespace) -> int:
    networks, args.paths = cli_practices.split_network_files(args.paths)  # whole-network JSON files (issue 15)
    if networks:
        cli_practices.import_networks(nd, networks)
        if not args.paths:
            return EXIT_OK
    report = nd.imports.import_paths(args.paths).value
    print(report.summary())
    for problem in report.errors:
        print(problem)
    for s in report.suggestions:
        print(f"suggestion: {s}")
    if report.duplicates_found:
        print(f"{plural(report.duplicates_found, 'possible duplicate')} to review: netdesk duplicates")
    return EXIT_ERROR if report.unreadable_files else EXIT_OK


def _cmd_export(nd: NetDesk, args: argparse.Namespace) -> int:
    if args.format == "json":
        return cli_practices.export_network(nd, args)
    query = " ".join(args.query)
    count = nd.exports.export(
        args.format,
        args.output,
        ids=nd.contacts.search_ids(query, args.tag, starred=True) if args.starred else None,
        query=query,
        tag=args.tag,
        version_for_vdir="4.0" if args.vcard_version == "4.0" else "3.0",
    )
    print(f"{count} contacts written to {args.output}", file=sys.stderr)
    return EXIT_OK


def _cmd_backup(nd: NetDesk, args: argparse.Namespace) -> int:
    assert nd.backups is not None
    if args.list:
        backups = nd.backups.list()
        for b in backups:
            count = "?" if b.contact_count is None else str(b.contact_count)
            print(f"{b.path}\t{b.created_at:%Y-%m-%d %H:%M:%S}\t{b.reason}\t{count} contacts")
        if not backups:  # said on stderr: a script reading stdout still gets no lines
            print(f"no backups yet in {nd.backups.folder} (`netdesk backup` makes one)", file=sys.stderr)
        return EXIT_OK
    info = nd.backups.create("manual")
    print(info.path)
    return EXIT_OK


def _cmd_restore(nd: NetDesk, args: argparse.Namespace) -> int:
    assert nd.backups is not None
    if args.latest:
        sound = nd.backups.newest_sound(skip_reasons=("before-restore",))  # a damaged newer one is passed over
        if sound is None:
            raise NetDeskError("there is no backup to restore that passes its integrity check")
        target = sound.path
    elif args.backup is not None:
        target = args.backup if args.backup.parent != Path() else nd.backups.folder / args.backup
    else:
        raise UsageError("netdesk restore: give a backup file or --latest")
    safety = nd.backups.restore(target)
    print(f"restored {target.name}; the previous state is saved as {safety.path}", file=sys.stderr)
    return EXIT_OK


def _restore_over_damaged(args: argparse.Namespace) -> int:
    """`netdesk restore` on a database that fails its check: the damaged file is moved aside, never backed up."""
    path = args.db if args.db is not None else default_db_path()
    backups = BackupService(path)
    if args.latest:
        sound = backups.newest_sound()
        if sound is None:
            raise NetDeskError(f"there is no backup of {path} that passes its integrity check")
        target = sound.path
    elif args.backup is not None:
        target = args.backup if args.backup.parent != Path() else backups.folder / args.backup
    else:
        raise UsageError("netdesk restore: give a backup file or --latest")
    aside = backups.restore_over_damaged(target)
    print(f"restored {target.name}; the damaged database is kept as {aside}", file=sys.stderr)
    return EXIT_OK


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., int]]] = {}


def _register(
    name: str, help_text: str, configure: Callable[[argparse.ArgumentParser], None], handler: Callable[..., int]
) -> None:
    COMMANDS[name] = (help_text, configure, handler)


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--tag", help="only contacts with this tag")
    p.add_argument("--starred", action="store_true", help="only starred contacts (Google's star)")
    p.add_argument("--date", type=cli_networking.iso_date, help="the day strength is computed for (default: today)")
    p.add_argument("query", nargs="*", help="search words (prefix, accent- and case-insensitive)")


def _configure_import(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, help="files or folders (format recognised from content)")


def _configure_export(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        required=True,
        choices=["vcard3", "vcard4", "vdir", "csv", "json"],
        help="output format (json: the whole network, see docs/network-json.md)",
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="file (or folder for vdir) to write")
    p.add_argument("--vcard-version", choices=["3.0", "4.0"], default="3.0", help="vCard version inside a vdir")
    p.add_argument("--tag", help="only contacts with this tag")
    p.add_argument("--starred", action="store_true", help="only starred contacts (Google's star)")
    p.add_argument("query", nargs="*", help="only contacts matching these search words")


def _configure_backup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", action="store_true", help="list the backups instead of making one")


def _configure_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("backup", nargs="?", type=Path, help="backup file (as listed by `netdesk backup --list`)")
    p.add_argument("--latest", action="store_true", help="restore the newest backup")


_register("list", "print matching contacts", _configure_list, _cmd_list)
_register("import", "import vCard/vdir/LinkedIn/CSV files", _configure_import, _cmd_import)
_register("export", "export contacts as vCard 3.0/4.0, a vdir folder or CSV", _configure_export, _cmd_export)
_register("backup", "back up the database (or list backups)", _configure_backup, _cmd_backup)
_register("restore", "restore a backup (the current state is backed up first)", _configure_restore, _cmd_restore)


# --- networking (due, stats, log, cadence): netdesk/cli_networking.py ------------------------------------

cli_networking.register(_register)

# --- CardDAV accounts and sync (netdesk/cli_sync.py) ---------------------------------------------------------
from netdesk import cli_sync  # noqa: E402

_register("account", "add, list or remove CardDAV accounts", cli_sync.configure_account, cli_sync.run_account)
_register("sync", "two-way sync with the CardDAV accounts", cli_sync.configure_sync, cli_sync.run_sync)

from netdesk import cli_duplicates, cli_practices  # noqa: E402

cli_practices.register(_register)
cli_duplicates.register(_register)


def _command_parser(name: str) -> argparse.ArgumentParser:
    help_text, configure, _ = COMMANDS[name]
    p = Parser(prog=f"netdesk {name}", description=help_text)
    add_db(p)
    configure(p)
    return p


def open_database(db: Path | None) -> NetDesk:
    nd = open_netdesk(db if db is not None else default_db_path())
    # The database's phone region; a database without one (never opened in the app) gets LANG's country.
    nd.settings.apply(fallback=region_from_locale(os.environ.get("LC_ALL") or os.environ.get("LANG") or ""))
    return nd


def run(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        return guarded(lambda: run_window(argv, COMMANDS))
    return guarded(lambda: _run_command(argv))


def _run_command(argv: list[str]) -> int:
    args = _command_parser(argv[0]).parse_args(argv[1:])
    try:
        nd = open_database(args.db)
    except DamagedDatabaseError:
        if argv[0] != "restore":
            raise
        return _restore_over_damaged(args)
    # What start-up built lives until exit: out of the collector's reach, a command that makes 100,000
    # contacts' objects is not slowed by full collections walking every imported module again and again.
    gc.freeze()
    try:
        with _terminated_as_exception():
            return COMMANDS[argv[0]][2](nd, args)
    finally:
        nd.close()
        gc.unfreeze()  # back in reach, for a caller that goes on (a test calling run)


@contextmanager
def _terminated_as_exception() -> Iterator[None]:
    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
    except ValueError:  # not the main thread (a test calling run): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
