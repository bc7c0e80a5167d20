"""`netdesk account add|list|remove` and `netdesk sync`: CardDAV accounts of a database and their sync.

The password comes from --password-stdin, else $NETDESK_PASSWORD, else the system keyring (where `account add`
stores it when there is one). Without a keyring nothing is stored: pass it again on every run.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC
from pathlib import Path

from netdesk.core.errors import NetDeskError, ValidationError
from netdesk.services import NetDesk
from netdesk.services.sync_types import AccountDTO, SyncCounts, local_time
from netdesk.sync import secrets

EXIT_OK = 0
EXIT_ERROR = 1


def _db_option(p: argparse.ArgumentParser) -> None:
    # Also accepted after the sub-command (`netdesk account add NAME --db PATH`); SUPPRESS keeps an earlier value.
    p.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="database file")


def _password_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password (or app token) from standard input; else ${secrets.PASSWORD_ENV} or the keyring",
    )


def configure_account(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", required=True, metavar="add|list|remove")
    add = actions.add_parser("add", help="add a CardDAV account (its address books are found from the URL)")
    add.add_argument("name", help="a short name for the account")
    add.add_argument("--url", required=True, help="server or address book URL (https://…)")
    add.add_argument("--username", required=True)
    add.add_argument("--certificate", type=Path, help="PEM file of a self-signed server's certificate, to pin it")
    add.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="BOOK=TAG",
        help="sync the address book named BOOK into TAG (default: a tag named after the book)",
    )
    _password_option(add)
    _db_option(add)
    listing = actions.add_parser("list", help="list the accounts and their address books")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    _db_option(listing)
    remove = actions.add_parser("remove", help="forget an account (its contacts stay)")
    remove.add_argument("name")
    _db_option(remove)


def configure_sync(p: argparse.ArgumentParser) -> None:
    p.add_argument("--account", help="only this account (default: every account)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    _password_option(p)


def _read_password(args: argparse.Namespace, url: str, username: str, *, asking: bool = False) -> str:
    if args.password_stdin:
        if not hasattr(args, "_stdin_password"):
            args._stdin_password = sys.stdin.readline().rstrip("\r\n")
        password: str | None = args._stdin_password
    else:
        password = secrets.load_password(url, username)
    if not password and asking and sys.stdin.isatty():
        password = getpass.getpass(f"Password for {username} at {url}: ")
    if not password:
        raise NetDeskError(
            f"no password for {username} at {url}: use --password-stdin or set {secrets.PASSWORD_ENV}"
            + ("" if secrets.keyring_available() else " (no system keyring to keep it in)")
        )
    return password


def account_json(a: AccountDTO) -> dict[str, object]:
    return {
        "name": a.name,
        "url": a.url,
        "username": a.username,
        "certificate_pinned": a.certificate_pinned,
        "interval_minutes": a.interval_minutes,
        "last_sync_at": a.last_sync_at.replace(tzinfo=UTC).isoformat() if a.last_sync_at else None,
        "last_error": a.last_error,
        "books": [
            {"url": b.url, "name": b.display_name, "tag": b.tag, "enabled": b.enabled, "cards": b.cards}
            for b in a.books
        ],
    }


def run_account(nd: NetDesk, args: argparse.Namespace) -> int:
    if args.action == "list":
        accounts = nd.sync.accounts()
        if args.json:
            json.dump([account_json(a) for a in accounts], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        for a in accounts:
            when = f"{local_time(a.last_sync_at):%Y-%m-%d %H:%M}" if a.last_sync_at else "never synced"
            print(f"{a.name}\t{a.username} at {a.url}\t{when}{chr(9) + a.last_error if a.last_error else ''}")
            for b in a.books:
                print(f"  {b.display_name or b.url}\t-> tag {b.tag}\t{b.cards} cards{'' if b.enabled else ' (off)'}")
        return EXIT_OK
    if args.action == "remove":
        account = nd.sync.account(args.name)
        nd.sync.remove_account(args.name)
        if not any(a.url == account.url and a.username == account.username for a in nd.sync.accounts()):
            secrets.forget_password(account.url, account.username)
        print(f"Removed account {args.name}; its contacts stay.")
        return EXIT_OK
    tags: dict[str, str] = {}
    for pair in args.tag:
        book, sep, tag = pair.partition("=")
        if not sep or not tag.strip():
            raise ValidationError("tag", f"--tag wants BOOK=TAG, not {pair!r}")
        tags[book.strip()] = tag.strip()
    pem = ""
    if args.certificate is not None:
        try:
            pem = args.certificate.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise NetDeskError(f"cannot read the certificate {args.certificate}: {exc}") from None
        if "BEGIN CERTIFICATE" not in pem:
            raise NetDeskError(f"{args.certificate} is not a PEM certificate")
    password = _read_password(args, args.url, args.username, asking=True)
    account = nd.sync.add_account(args.name, args.url, args.username, password, certificate_pem=pem, tags=tags).value
    stored = secrets.store_password(args.url, args.username, password)
    print(f"Added account {account.name}: " + ", ".join(f"{b.display_name} -> tag {b.tag}" for b in account.books))
    if not stored:
        print(
            f"netdesk: no system keyring: the password was not stored; give it with {secrets.PASSWORD_ENV} "
            "or --password-stdin on each sync",
            file=sys.stderr,
        )
    return EXIT_OK


def run_sync(nd: NetDesk, args: argparse.Namespace) -> int:
    accounts = [nd.sync.account(args.account)] if args.account else nd.sync.accounts()
    if not accounts:
        raise NetDeskError("no sync account: add one with `netdesk account add NAME --url URL --username USER`")
    total = SyncCounts()
    rows = []
    for account in accounts:
        password = _read_password(args, account.url, account.username)
        counts = nd.sync.sync(account.name, password).value
        total.add(counts)
        rows.append({"account": account.name, **counts.as_json()})
        if not args.json:
            print(f"{account.name}: {counts.summary()}")
            for problem in (*counts.conflict_lines(), *counts.errors):
                print(f"  {problem}")
    if args.json:
        json.dump({**total.as_json(), "accounts": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return EXIT_OK
