"""The command line without a command word, `netdesk [--db PATH] [--demo] [FILE…]`: it starts the app.

Parsed and run without importing the commands (netdesk/cli.py) and the services behind them, so that the window's
frame shows before they load (netdesk/ui/application.py). Also the one place that turns any failure of a run, the
app's or a command's, into one line on stderr and an exit status.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

from netdesk import __version__
from netdesk.cli_output import UsageError
from netdesk.core.errors import NetDeskError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_TERMINATED = 128 + 15
EXIT_BROKEN_PIPE = 128 + 13  # as a process killed by SIGPIPE, what shells expect of `netdesk list | head`


class Terminated(Exception):
    """SIGTERM arrived: unwinding lets an export remove its temporary file (the target stays as it was)."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors stay one line."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, help="database file (default: $NETDESK_DB or the user data folder)")


def window_parser(commands: Iterable[str] = ()) -> argparse.ArgumentParser:
    """The app's parser; its --help names ``commands`` (netdesk/cli.py passes them: the app's own start does not
    import them, and sends --help there)."""
    names = ", ".join(sorted(commands))
    p = Parser(
        prog="netdesk",
        description="NetDesk, a contact manager for people who network on purpose. Without a command it opens the app"
        + (f"; commands: {names}." if names else "."),
    )
    p.add_argument("--version", action="version", version=f"NetDesk {__version__}")
    add_db(p)
    p.add_argument("--demo", action="store_true", help="open a demo network in a throw-away database")
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("files", nargs="*", type=Path, help="vCard, LinkedIn or CSV files to import on start")
    return p


# The command words of netdesk/cli.py, known here without importing it (a test holds the two equal).
COMMAND_NAMES = frozenset(
    {
        "account", "backup", "cadence", "contribute", "demo", "due", "duplicates", "export", "goals", "help-with",
        "import", "intro", "intros", "list", "log", "met-at", "restore", "review", "stats", "sync",
    }
)  # fmt: skip


def command_first(argv: list[str]) -> list[str]:
    """``argv`` with a command word that follows ``--db PATH`` (or ``--db=PATH``) moved to the front, where the
    commands' parsers expect it: ``netdesk --db work.sqlite3 list`` runs ``list`` on that database, as ``netdesk
    list --db work.sqlite3`` does, rather than opening the app to import a file called "list"."""
    if argv[:1] == ["--db"] and len(argv) > 2 and argv[2] in COMMAND_NAMES:
        return [argv[2], *argv[:2], *argv[3:]]
    if argv[:1] and argv[0].startswith("--db=") and len(argv) > 1 and argv[1] in COMMAND_NAMES:
        return [argv[1], argv[0], *argv[2:]]
    return argv


def names_no_command(argv: list[str]) -> bool:
    """No command word and no request for help: nothing, or an option first (no command begins with "-"); a first
    word that is not a command (a file to import), and --help, which lists the commands, are for netdesk/cli.py."""
    return (not argv or argv[0].startswith("-")) and not {"-h", "--help"} & set(argv)


def run_window(argv: list[str], commands: Iterable[str] = ()) -> int:
    """Parse the app's command line and start it."""
    args = window_parser(commands).parse_args(argv)
    no_display = missing_display()
    if no_display is not None:
        print(f"netdesk: {no_display}", file=sys.stderr)
        return EXIT_ERROR
    try:
        from netdesk.ui.application import start
    except ImportError as exc:  # Qt missing its system libraries
        print(f"netdesk: cannot start the window: {exc}", file=sys.stderr)
        return EXIT_ERROR
    # The GUI picks the database itself: it may be open in a running instance already, or remembered from last time.
    return start(args.db, files=list(args.files), smoke_test=args.smoke_test, demo=args.demo)


def missing_display() -> str | None:
    """Why the window cannot open here, found before Qt aborts the process over it with a page of plugin messages
    (on Linux and the BSDs over SSH or in a console: no X11 or Wayland display to open); None when it may open."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "wayland-0").exists():  # Qt's Wayland plugin finds the default socket by itself
        return None
    return (
        "cannot open the window: no display (DISPLAY and WAYLAND_DISPLAY are unset); "
        "the commands work without one (netdesk --help)"
    )


def guarded(run: Callable[[], int]) -> int:
    """``run()``'s exit status; a failure is one line on stderr (NETDESK_DEBUG=1 shows an unforeseen traceback)."""
    try:
        return run()
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except NetDeskError as exc:
        print(f"netdesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Terminated:
        return EXIT_TERMINATED
    except Exception as exc:  # unforeseen: still one line
        if os.environ.get("NETDESK_DEBUG"):
            raise
        first = (str(exc).splitlines() or [""])[0][:300]
        print(f"netdesk: unexpected error ({type(exc).__name__}): {first}", file=sys.stderr)
        return EXIT_ERROR


def _silence_stdout() -> None:
    """The reader of our output went away (`netdesk list | head`): not an error worth a traceback.

    Python flushes stdout once more at exit, which would fail again; point it at the null device first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured, closed)
        pass
