"""The watcher of other programs' writes (services/external_changes.py) over a real database file: a second
``open_netdesk`` on the same file plays the other program (a connection of its own, as another process has)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.db.change_marks import delta_since, read_marks
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.external_changes import ExternalChangeWatcher


@pytest.fixture
def other(nd: NetDesk, db_path: Path) -> Iterator[NetDesk]:
    """Another program with the same database open."""
    service = open_netdesk(db_path)
    yield service
    service.close()


def add(service: NetDesk, given: str, family: str) -> int:
    return service.contacts.create(ContactDTO(given_name=given, family_name=family)).value.id or 0


def test_the_first_look_takes_the_database_as_it_is_and_nothing_new_is_reported(nd: NetDesk) -> None:
    add(nd, "Ada", "Lovelace")
    watcher = nd.external_changes
    assert watcher.external_change_since() is None
    assert watcher.external_change_since() is None


def test_another_programs_new_and_edited_contacts_are_named(nd: NetDesk, other: NetDesk) -> None:
    ada = add(nd, "Ada", "Lovelace")
    watcher = nd.external_changes
    assert watcher.external_change_since() is None

    grace = add(other, "Grace", "Hopper")
    changes = watcher.external_change_since()
    assert changes is not None and changes.contacts == {grace} and not changes.many_contacts
    assert watcher.external_change_since() is None  # reported once

    time.sleep(0.01)  # a later updated_at than the last mark
    other.contacts.update(replace(other.contacts.get(ada), organization="Analytical Engines"))
    changes = watcher.external_change_since()
    assert changes is not None and changes.contacts == {ada}


def test_another_programs_log_names_its_people(nd: NetDesk, other: NetDesk) -> None:
    ada = add(nd, "Ada", "Lovelace")
    watcher = nd.external_changes
    watcher.external_change_since()
    logged = other.timeline.log(
        InteractionDTO(occurred_at=datetime(2025, 3, 4), kind=InteractionKind.CALL, participants=(Participant(ada),))
    ).value
    changes = watcher.external_change_since()
    assert changes is not None and ada in changes.contacts and changes.interactions == {logged.id}
    assert changes.networking and not changes.many_contacts


def test_another_programs_trash_and_restore_name_their_contacts(nd: NetDesk, other: NetDesk) -> None:
    ada = add(nd, "Ada", "Lovelace")
    add(nd, "Alan", "Turing")
    watcher = nd.external_changes
    watcher.external_change_since()
    other.contacts.delete([ada])
    changes = watcher.external_change_since()
    assert changes is not None and changes.contacts == {ada} and not changes.many_contacts
    other.contacts.restore([ada])
    changes = watcher.external_change_since()
    assert changes is not None and changes.contacts == {ada} and not changes.many_contacts


def test_a_contact_deleted_outside_the_trash_means_every_contact_may_have_changed(
    nd: NetDesk, other: NetDesk, db_path: Path
) -> None:
    ada = add(nd, "Ada", "Lovelace")
    add(nd, "Alan", "Turing")
    watcher = nd.external_changes
    watcher.external_change_since()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (ada,))  # what no mark names
    conn.close()
    changes = watcher.external_change_since()
    assert changes is not None and changes.many_contacts


def test_more_new_contacts_than_the_marks_name_mean_every_contact_may_have_changed(
    nd: NetDesk, other: NetDesk, db_path: Path
) -> None:
    add(nd, "Ada", "Lovelace")
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA query_only=ON")
    before = read_marks(conn, 2)
    for given in ("Grace", "Alan", "Barbara"):
        add(other, given, "Someone")
    conn.execute("BEGIN")
    after = read_marks(conn, 2)
    assert delta_since(conn, before, after, 2) is None  # three new: over the limit
    named = delta_since(conn, before, after, 3)
    conn.execute("COMMIT")
    conn.close()
    assert named is not None and len(named.contacts) == 3 and not named.unexplained


def test_an_own_write_is_not_reported_but_an_earlier_external_one_still_is(nd: NetDesk, other: NetDesk) -> None:
    watcher = nd.external_changes
    watcher.external_change_since()
    with watcher.own_write():
        add(nd, "Ada", "Lovelace")
        assert watcher.external_change_since() is None  # paused while it runs
    assert watcher.external_change_since() is None

    grace = add(other, "Grace", "Hopper")  # before the next own write: set aside, not swallowed by it
    with watcher.own_write():
        add(nd, "Alan", "Turing")
    changes = watcher.external_change_since()
    assert changes is not None and changes.contacts == {grace}


def test_another_programs_write_right_after_an_own_write_reloads_everything(nd: NetDesk, other: NetDesk) -> None:
    """After an own write only the version is taken (the marks are read by the next poll, off the write's path):
    what another program wrote before that poll cannot be told from the own write, so every contact is read again."""
    watcher = nd.external_changes
    watcher.external_change_since()
    with watcher.own_write():
        add(nd, "Ada", "Lovelace")
    add(other, "Grace", "Hopper")
    changes = watcher.external_change_since()
    assert changes is not None and changes.many_contacts
    assert watcher.external_change_since() is None


def test_a_database_file_with_an_awkward_name_is_watched_and_a_vanished_one_never_recreated(
    tmp_path: Path, new_database: Callable[[Path], NetDesk]
) -> None:
    path = tmp_path / "my #1 100% contacts.sqlite3"
    nd = new_database(path)
    try:
        watcher = nd.external_changes
        assert watcher.external_change_since() is None
        other = open_netdesk(path)
        grace = add(other, "Grace", "Hopper")
        other.close()
        changes = watcher.external_change_since()
        assert changes is not None and changes.contacts == {grace}
    finally:
        nd.close()
    path.rename(tmp_path / "moved.sqlite3")
    with pytest.raises(sqlite3.Error):  # as when the file went away before the window's first look
        ExternalChangeWatcher(path).external_change_since()
    assert not path.exists()


def test_an_in_memory_database_has_no_other_writers() -> None:
    nd = open_netdesk(":memory:")
    try:
        add(nd, "Ada", "Lovelace")
        assert nd.external_changes.external_change_since() is None
        with nd.external_changes.own_write():
            add(nd, "Alan", "Turing")
        assert nd.external_changes.external_change_since() is None
    finally:
        nd.close()


HOLD_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "UPDATE contacts SET organization = 'Locked', updated_at = datetime('now', '+1 day')"
    " WHERE id = (SELECT min(id) FROM contacts)"
)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the write lock (BEGIN IMMEDIATE, one write not committed yet), once it printed
    "locked"; it commits after ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_another_process_holding_the_write_lock_does_not_hold_up_the_poll(nd: NetDesk, db_path: Path) -> None:
    ada = add(nd, "Ada", "Lovelace")
    watcher = nd.external_changes
    watcher.external_change_since()
    proc = hold_write_lock(db_path, 2.0)
    try:
        assert watcher.external_change_since() is None  # nothing committed yet
        assert proc.poll() is None, "the poll waited until the other process let go of its lock"
    finally:
        proc.wait(timeout=10)
    changes = watcher.external_change_since()  # the next poll sees the commit
    assert changes is not None and ada in changes.contacts
