"""A large LinkedIn export's messages are read and drafted in a child process (services/linkedin_messages.py): the
import must come out exactly as when everything is read in the importer's process, problems and their order
included, also for the rare exports where the owner is among the connections or ties for the owner."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from netdesk.core.errors import NetDeskError
from netdesk.io.linkedin import insert_problems, read_contact_side, read_linkedin, read_message_side
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk, linkedin_messages

DATA = Path(__file__).resolve().parents[1] / "data" / "linkedin"
OWNER_ROW = "Maren,Olsen,https://www.linkedin.com/in/maren-olsen-8a1b2c,,Self Ltd,Me,1 Feb 2020\n"
MESSAGE_HEAD = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT\n"
)
MAREN = "Maren Olsen,https://www.linkedin.com/in/maren-olsen-8a1b2c"
ADA = "Ada Lindqvist,https://www.linkedin.com/in/ada-lindqvist-4f2e1a"


def _zip(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    target = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(target, "w") as z:
        for member, text in files.items():
            z.writestr(member, text.encode("utf-8"))
    return target


def _data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _as_exported(tmp_path: Path) -> Path:
    return _zip(tmp_path, "export", {n: _data(n) for n in ("Connections.csv", "messages.csv", "Invitations.csv")})


def _owner_among_connections(tmp_path: Path) -> Path:
    """The owner in their own Connections.csv, a message dated 1980, one from a stranger, an unreadable row."""
    messages = _data("messages.csv") + (
        f"c-old,,{ADA},{MAREN},1980-01-01 10:00:00 UTC,,Too old,,INBOX,\n"
        f"c-new,,Nobody Known,https://www.linkedin.com/in/nobody-known,{MAREN},2023-01-01 10:00:00 UTC,,Hi,,INBOX,\n"
    )
    files = {"Connections.csv": _data("Connections.csv") + OWNER_ROW, "messages.csv": messages}
    files["Invitations.csv"] = _data("Invitations.csv")
    return _zip(tmp_path, "owner-connected", files)


def _tie_for_owner(tmp_path: Path) -> Path:
    """One two-person conversation: the owner is the one of the two who is not a connection (Maren, not Ada)."""
    messages = MESSAGE_HEAD + f"c1,,{ADA},{MAREN},2023-05-02 14:03:11 UTC,,Hello\n"
    return _zip(tmp_path, "tie", {"Connections.csv": _data("Connections.csv"), "messages.csv": messages})


def _dump(nd: NetDesk) -> dict[str, list[tuple[object, ...]]]:
    """What the import stored, without the values that differ from run to run (uids, creation times)."""
    assert nd.path is not None
    with sqlite3.connect(nd.path) as db:
        return {
            "contacts": db.execute(
                "SELECT id, display_name, organization, title, connected_on, last_contacted, last_in_at, last_out_at,"
                " followup_state FROM contacts ORDER BY id"
            ).fetchall(),
            "points": db.execute("SELECT contact_id, kind, value FROM contact_points ORDER BY id").fetchall(),
            "interactions": db.execute(
                "SELECT id, occurred_at, kind, direction, summary, notes, external_id FROM interactions ORDER BY id"
            ).fetchall(),
            "participants": db.execute(
                "SELECT interaction_id, contact_id, role FROM interaction_participants ORDER BY 1, 2"
            ).fetchall(),
            "search": db.execute("SELECT rowid, body FROM interactions_fts ORDER BY rowid").fetchall(),
            "owner": [row[:-1] for row in db.execute("SELECT * FROM owner_profile")],  # not when it was updated
        }


def _outcome(report: ImportReport) -> tuple[object, ...]:
    return (
        report.summary(),
        [str(e) for e in report.errors],
        list(report.skipped),
        list(report.suggestions),
        list(report.created),
        list(report.merged),
    )


@pytest.mark.parametrize("export", [_as_exported, _owner_among_connections, _tie_for_owner])
def test_messages_read_in_a_child_process_import_the_same(
    export: Callable[[Path], Path],
    tmp_path: Path,
    new_database: Callable[[Path], NetDesk],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = export(tmp_path)
    monkeypatch.setattr(linkedin_messages, "CHUNK", 2)  # the drafts come in several chunks, one of them short
    results = []
    for name, threshold in (("here", 1 << 40), ("child", 0)):
        monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", threshold)
        nd = new_database(tmp_path / f"{name}.sqlite3")
        try:
            report = nd.imports.import_paths([path]).value
            again = nd.imports.import_paths([path]).value  # a re-import adds nothing, either way
            assert not again.created and not again.interactions_added
            results.append((_outcome(report), _dump(nd)))
        finally:
            nd.close()
    (here_report, here_rows), (child_report, child_rows) = results
    assert child_report == here_report
    assert child_rows == here_rows
    assert here_rows["interactions"]  # the comparison compares something


def test_the_owner_among_the_connections_is_not_a_contact_and_their_row_reports_nothing(
    tmp_path: Path, nd: NetDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", 0)
    report = nd.imports.import_paths([_owner_among_connections(tmp_path)]).value
    assert "Maren Olsen" not in {c.name for c in nd.contacts.search()}
    reasons = [str(e) for e in report.errors]
    assert any("message skipped: date 1980-01-01 is before 1990" in r for r in reasons)
    assert any("Nobody Known: the sender matches nobody" in r for r in reasons)
    # Read problems first (as read_linkedin gives them, file by file), then those of planning.
    read = [i for i, r in enumerate(reasons) if "cannot read date 'not a date'" in r or "row has no name" in r]
    planned = [i for i, r in enumerate(reasons) if "before 1990" in r or "matches nobody" in r]
    assert read and planned and max(read) < min(planned)


def test_a_large_export_starts_a_child_and_leaving_stops_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", 0)
    side = linkedin_messages.MessageSide([_as_exported(tmp_path)], linkedin_messages.datetime(2026, 1, 1))
    child = side._child
    assert child is not None and child.is_alive()
    with side:
        export, _problems = side.read()
        assert export.owner_url == "https://www.linkedin.com/in/maren-olsen-8a1b2c"
    assert not child.is_alive()  # left before its drafts were taken: stopped, not left running


def test_a_cancel_while_the_child_drafts_rolls_back_and_stops_it(
    tmp_path: Path, nd: NetDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", 0)
    children: list[linkedin_messages.MessageSide] = []
    real_read = linkedin_messages.MessageSide.read

    def read(side: linkedin_messages.MessageSide) -> object:
        children.append(side)
        return real_read(side)

    monkeypatch.setattr(linkedin_messages.MessageSide, "read", read)

    def cancel() -> bool:  # once the owner is known: while the messages are planned, the child drafting them
        return bool(children)

    report = nd.imports.import_paths([_as_exported(tmp_path)], cancel=cancel).value
    assert report.cancelled
    assert nd.contacts.count() == 0  # nothing of it stayed
    assert children and children[0]._child is None  # the child was stopped and reaped


def _import_in_thread(nd: NetDesk, path: Path, cancel: Callable[[], bool]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(nd.imports.import_paths([path], cancel=cancel).value)
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_cancel_while_the_child_still_reads_does_not_wait_for_it(
    tmp_path: Path, nd: NetDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer waits for the child's first answer (it reads all of messages.csv first: seconds for a large one,
    for ever for a child that hangs); a cancel from the window is seen meanwhile."""
    monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", 0)
    sides: list[linkedin_messages.MessageSide] = []
    real_read = linkedin_messages.MessageSide.read

    def read(side: linkedin_messages.MessageSide) -> object:
        os.kill(side._child.pid, signal.SIGSTOP)  # a child that does not answer (a hung read, a huge file)
        sides.append(side)
        return real_read(side)

    monkeypatch.setattr(linkedin_messages.MessageSide, "read", read)
    thread, outcome = _import_in_thread(nd, _as_exported(tmp_path), cancel=lambda: bool(sides))
    thread.join(10)
    stuck = thread.is_alive()
    if stuck:  # unblock the importer before failing
        os.kill(sides[0]._child.pid, signal.SIGKILL)
        thread.join(10)
    assert not stuck, "the import waited for the child despite the cancel"
    report = outcome[0]
    assert isinstance(report, ImportReport) and report.cancelled
    assert nd.contacts.count() == 0
    assert sides[0]._child is None  # killed and reaped


def test_a_child_killed_mid_import_fails_the_import_with_one_clear_message(
    tmp_path: Path, nd: NetDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_messages, "PROCESS_BYTES", 0)
    pids: list[int] = []
    real_read = linkedin_messages.MessageSide.read

    def read(side: linkedin_messages.MessageSide) -> object:
        pids.append(side._child.pid)
        os.kill(side._child.pid, signal.SIGKILL)  # the OOM killer, or a user's kill
        return real_read(side)

    monkeypatch.setattr(linkedin_messages.MessageSide, "read", read)
    with pytest.raises(NetDeskError, match=r"LinkedIn message reader ended unexpectedly \(exit code -9\)"):
        nd.imports.import_paths([_as_exported(tmp_path)])
    assert nd.contacts.count() == 0  # rolled back
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # reaped, not a zombie


def _messages_first(tmp_path: Path) -> Path:
    """Members in another order than LinkedIn's: the message side's problems come before the connections' ones."""
    names = ("messages.csv", "Invitations.csv", "Connections.csv")
    return _zip(tmp_path, "messages-first", {n: _data(n) for n in names})


@pytest.mark.parametrize("order", ["as exported", "messages first", "two exports"])
def test_the_two_halves_report_the_read_problems_where_read_linkedin_does(order: str, tmp_path: Path) -> None:
    """Both import paths put the message side's problems in place with insert_problems: compared here with the one
    reader that reads everything in order (read_linkedin), not with each other."""
    paths = {
        "as exported": [_as_exported(tmp_path)],
        "messages first": [_messages_first(tmp_path)],
        "two exports": [_messages_first(tmp_path), _owner_among_connections(tmp_path)],
    }[order]
    whole = ImportReport()
    read_linkedin(paths, whole)
    halves = ImportReport()
    _export, slots = read_contact_side(paths, halves)
    _side, problems = read_message_side(paths)
    insert_problems(halves, slots, problems)
    assert [str(e) for e in halves.errors] == [str(e) for e in whole.errors]
    assert any("messages.csv" in str(e) for e in whole.errors)  # the comparison compares something
