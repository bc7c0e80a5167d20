"""The messages of a LinkedIn export, read and drafted in a process of their own while the importer reads and matches
the connections: an import of a large export then uses the second core (issue 12).

A message's stored row depends on the export alone for most of it (its time as stored, its external id, whether the
user sent it, who else it went to, its summary) and on the contacts only for who those people are. The first part
is a :class:`MessageDraft`, made here; ``linkedin_plan`` resolves the people of each draft once the contacts are
matched. The drafts need the account owner, whom messages.csv and Invitations.csv show, so the child reads those two
files and sends, in order: the owner, the invitations and its read problems (``MessageSide.read``), then the drafts
in chunks (``MessageSide.drafts``), so that the importer resolves the first ones while the child drafts the rest.

This module imports neither SQLAlchemy nor the database layer: the child starts in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from netdesk.core.errors import NetDeskError
from netdesk.core.exchange import EARLIEST_PLAUSIBLE, FUTURE_SLACK, implausible_reason
from netdesk.core.normalize import fold
from netdesk.core.stored_time import sqlite_datetime
from netdesk.io import linkedin
from netdesk.io.background import yield_to_interactive
from netdesk.io.orphans import exit_with_parent
from netdesk.io.report import ImportProblem

# From this many bytes of input on, the messages are read in a child process: starting one costs about 0.2 s of
# CPU (on the other core), which a small export does not win back.
PROCESS_BYTES = 1024 * 1024
# Drafts per message from the child: each chunk is unpickled in one go by the importer (holding its GIL).
CHUNK = 5000
POLL_S = 0.25  # how often a cancel is looked at while the child has nothing to send yet


class MessageReaderError(NetDeskError):
    """The child reading the messages ended without sending them (killed, or crashed in native code)."""


def digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


class Owner:
    """The account owner of the export (never a contact), recognised by profile URL, else by name."""

    def __init__(self, data: linkedin.LinkedInExport) -> None:
        self.url = linkedin.normalize_profile_url(data.owner_url) if data.owner_url else ""
        self.name = fold(data.owner_name).strip()

    def __call__(self, name: str, url: str) -> bool:
        if url and self.url:
            # Every message names the owner, mostly by the URL as given: equal text needs no normalising.
            return url == self.url or linkedin.normalize_profile_url(url) == self.url
        return bool(name) and fold(name).strip() == self.name


# A message as its interaction row will be stored, but for the contact ids of the people on it. A plain tuple (a
# named tuple unpickles at about four times the cost: 50,000 drafts, 0.19 against 0.05 s in the importer's process),
# read by unpacking, in this order:
#   occurred_at   stored text (UTC)
#   outgoing      the user sent it
#   external_id
#   sender_name, sender_url
#   recipients    (name, URL) of everyone it went to but the user
#   with_one      between the user and one other person: stored by an earlier import only if that person was a contact
#   summary, content
#   file, line
MessageDraft = tuple[str, bool, str, str, str, tuple[tuple[str, str], ...], bool, str, str, str, int]
# Who is on a message as a draft needs it: outgoing, with_one, recipients.
_Who = tuple[bool, bool, tuple[tuple[str, str], ...]]


def draft_messages(
    messages: Iterable[linkedin.LinkedInMessage], is_owner: Owner, now: datetime
) -> Iterator[MessageDraft | ImportProblem]:
    """A draft per message, or the problem that skips it (a date before 1990 or in the future), in order."""
    earliest = sqlite_datetime(EARLIEST_PLAUSIBLE) or ""
    latest = sqlite_datetime(now + FUTURE_SLACK) or ""
    # The same people write to each other over and over: who is on a message is worked out once per distinct
    # (sender, recipients), and its recipients tuple, shared, pickles once per chunk rather than once per message.
    who_of: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], _Who] = {}
    for msg in messages:
        # UTC, as the reader gives it. str() is isoformat with a space, at half its cost for an aware datetime:
        # "2023-05-02 14:03:11+00:00".
        text = str(msg.sent_at)
        if len(text) == 25 and text.endswith("+00:00"):  # whole seconds: the stored text without another conversion
            stored = text[:19] + ".000000"
        else:
            stored = sqlite_datetime(msg.sent_at) or ""
        if not earliest <= stored <= latest:  # stored texts compare as the times they write
            bad_date = implausible_reason(msg.sent_at.replace(tzinfo=None), now)
            yield ImportProblem(msg.file, msg.line, f"message skipped: {bad_date}")
            continue
        key = (msg.sender_name, msg.sender_url, msg.recipient_names, msg.recipient_urls)
        who = who_of.get(key)
        if who is None:
            who = who_of[key] = _who(msg, is_owner)
        outgoing, with_one, recipients = who
        iso = text[:10] + "T" + text[11:]  # the external id's form: "2023-05-02T14:03:11+00:00"
        yield (
            stored,
            outgoing,
            "message:" + digest(msg.conversation_id, iso, msg.sender_url or msg.sender_name, msg.content),
            msg.sender_name,
            msg.sender_url,
            recipients,
            with_one,
            msg.subject or msg.conversation_title or _first_line(msg.content),
            msg.content,
            msg.file,
            msg.line,
        )


def _who(msg: linkedin.LinkedInMessage, is_owner: Owner) -> _Who:
    outgoing = is_owner(msg.sender_name, msg.sender_url)
    names, urls = msg.recipient_names, msg.recipient_urls
    with_one = len(names) == 1 and (outgoing or is_owner(names[0], urls[0] if urls else ""))
    paired = zip(names, urls if len(urls) == len(names) else _pad(msg), strict=True)
    return outgoing, with_one, tuple([(name, url) for name, url in paired if not is_owner(name, url)])


def _pad(msg: linkedin.LinkedInMessage) -> list[str]:
    urls = list(msg.recipient_urls)
    return (urls + [""] * len(msg.recipient_names))[: len(msg.recipient_names)]


def _first_line(text: str) -> str:
    stripped = text.strip()
    # The first line of the text before its first "\n" is the text's first line (the text no longer begins with a
    # line break), without splitting a long message into all its lines.
    line = stripped.split("\n", 1)[0].splitlines()[0] if stripped else ""
    return line[:80] + ("…" if len(line) > 80 else "")


# --- the message half of an import ------------------------------------------------------------------------------------


class MessageSide:
    """The message half of an export (``linkedin.read_message_side``), read here or in a child process.

    ``read()`` gives the export with its owner and invitations (and its messages, when read here) and the problems of
    each table; ``drafts()`` then the message drafts in order. Use it as a context manager: leaving it stops a child
    still at work (an import cancelled or failed).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        now: datetime,
        in_child: bool | None = None,  # read in a child process; by default when the input is large
        cancel: Callable[[], bool] | None = None,
    ) -> None:
        self._paths, self._now, self._cancel = list(paths), now, cancel
        if in_child is None:
            in_child = _input_bytes(self._paths) >= PROCESS_BYTES
        self._conn: Connection | None = None
        self._child: Any = None
        self._export: linkedin.LinkedInExport | None = None
        self.message_count = 0
        if in_child:
            context = get_context("spawn")  # forking a process that runs Qt or SQLAlchemy threads is unsafe
            ours, theirs = context.Pipe(duplex=False)
            self._child = context.Process(
                target=_child_main,
                args=(theirs, self._paths, now, os.getpid(), CHUNK),  # CHUNK as here: a test sets it small
                name="netdesk-linkedin-messages",
            )
            self._child.start()
            theirs.close()
            self._conn = ours

    def __enter__(self) -> MessageSide:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()  # only reads files: nothing to wind down
            self._child.join()
            self._child = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _receive(self, expected: str) -> Any:
        conn = self._conn
        assert conn is not None
        # The child reads all of messages.csv before its first answer: seconds for a large one (for ever for a child
        # that hangs), during which the window's cancel must be seen.
        while self._cancel is not None and not conn.poll(POLL_S):
            if self._cancel():
                from netdesk.services.contact_import import ImportCancelled  # the importer's: loaded already

                raise ImportCancelled()
        try:
            kind, payload = conn.recv()
        except EOFError:
            self._child.join(POLL_S)  # ended: its exit code, in a moment
            raise MessageReaderError(
                f"the LinkedIn message reader ended unexpectedly (exit code {self._child.exitcode}); nothing was saved"
            ) from None
        if kind == "error":
            raise payload
        assert kind == expected, kind
        return payload

    def read(self) -> tuple[linkedin.LinkedInExport, list[list[ImportProblem]]]:
        if self._conn is None:
            export, problems = linkedin.read_message_side(self._paths)
            self.message_count = len(export.messages)
        else:
            owner_name, owner_url, invitations, self.message_count, problems = self._receive("read")
            export = linkedin.LinkedInExport(invitations=invitations, owner_name=owner_name, owner_url=owner_url)
        self._export = export
        return export, problems

    def drafts(self) -> Iterator[MessageDraft | ImportProblem]:
        assert self._export is not None, "read() first"
        if self._conn is None:
            yield from draft_messages(self._export.messages, Owner(self._export), self._now)
            return
        while chunk := self._receive("drafts"):
            yield from chunk


def _input_bytes(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        try:
            if path.is_dir():
                total += sum(p.stat().st_size for p in path.rglob("*.csv") if p.is_file())
            else:
                total += path.stat().st_size
        except OSError:
            continue  # the reader reports it
        if total >= PROCESS_BYTES:
            break
    return total


def _child_main(conn: Connection, paths: list[Path], now: datetime, parent_pid: int, chunk_size: int) -> None:
    exit_with_parent(parent_pid)  # no orphans when the app is killed mid-import
    yield_to_interactive()  # a window's repaint does not wait behind a CLI import's reading
    try:
        export, problems = linkedin.read_message_side(paths)
        conn.send(("read", (export.owner_name, export.owner_url, export.invitations, len(export.messages), problems)))
        chunk: list[MessageDraft | ImportProblem] = []
        for draft in draft_messages(export.messages, Owner(export), now):
            chunk.append(draft)
            if len(chunk) == chunk_size:
                conn.send(("drafts", chunk))
                chunk = []
        if chunk:
            conn.send(("drafts", chunk))
        conn.send(("drafts", []))  # the end
    except Exception as exc:
        try:
            conn.send(("error", exc))
        except Exception:  # the exception itself does not pickle: its text does
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()
