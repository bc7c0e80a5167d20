"""Kill a writer with SIGKILL at random points: the database must stay whole and lose nothing it had."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.services import open_netdesk

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

IMPORT_CHILD = """
import sys
from netdesk.core.model import ContactDTO, ContactPoint, PostalAddress
from netdesk.services import open_netdesk
from netdesk.io.report import ImportReport
nd = open_netdesk(sys.argv[1])
print("ready", flush=True)
for r in range(1000):
    batch = [
        ContactDTO(uid=f"r{r}-{i}", given_name=f"Batch{r}", family_name=f"Person{i}",
                   emails=(ContactPoint(f"b{r}-{i}@x.org"),), phones=(ContactPoint(f"+1 617 555 {i:04d}"),),
                   addresses=(PostalAddress(locality="Boston"),), tags=(f"batch{r}",))
        for i in range(3000)
    ]
    nd.imports.import_contacts(batch, ImportReport())
"""

EDIT_CHILD = """
import sys
from netdesk.services import open_netdesk
from netdesk.core.model import ContactPoint
nd = open_netdesk(sys.argv[1])
ids = [r.id for r in nd.contacts.rows()]
print("ready", flush=True)
n = 0
while True:
    n += 1
    for cid in ids:
        c = nd.contacts.get(cid)
        nd.contacts.update(c.replace(nickname=f"v{n}", emails=(ContactPoint(f"v{n}@edit.org"),),
                                     tags=(f"t{n}",)))
"""


GUI_EDIT_CHILD = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from netdesk.services import open_netdesk
from netdesk.ui.contact_dialog import ContactDialog
app = QApplication([])
nd = open_netdesk(sys.argv[1])
ids = [r.id for r in nd.contacts.rows()]
print("ready", flush=True)
n = 0
while True:  # what a user does in the edit dialog, as fast as it goes: change fields, press Save
    n += 1
    for cid in ids:
        dialog = ContactDialog(nd.contacts, nd.contacts.get(cid))
        dialog.nickname_edit.setText(f"v{n}")
        dialog.tags_edit.setText(f"t{n}")
        dialog.save_button.click()
        assert dialog.saved is not None, dialog.visible_errors()
        if n == 1 and cid == ids[0]:
            print("saved", flush=True)
        dialog.deleteLater()
        app.processEvents()
"""


def _start(code: str, db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _kill_after(code: str, db: Path, seconds: float, after_line: str = "") -> None:
    """Run ``code`` as a child writer on ``db``, SIGKILL it ``seconds`` after it said ``after_line`` (or "ready"),
    and check the file is whole."""
    proc = _start(code, db)
    if after_line:  # a busy machine may take longer than any fixed delay to get there
        assert proc.stdout is not None and proc.stdout.readline().strip() == after_line
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _check_integrity(db)


def _check_integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def _seed(db: Path, count: int) -> set[str]:
    nd = open_netdesk(db)
    for i in range(count):
        nd.contacts.create(ContactDTO(given_name=f"Seed{i}", emails=(ContactPoint(f"seed{i}@x.org"),)))
    uids = {c.uid for c in nd.contacts.search()}
    nd.close()
    return uids


@pytest.mark.parametrize("run", range(4))
def test_import_killed_at_random_points_leaves_a_whole_database(tmp_path: Path, run: int) -> None:
    db = tmp_path / "crash.sqlite3"
    before = _seed(db, 20)
    _kill_after(IMPORT_CHILD, db, random.Random(run).uniform(0.3, 2.5))
    nd = open_netdesk(db)
    contacts = nd.contacts.search()
    assert before <= {c.uid for c in contacts}  # nothing that was there is lost
    # Each import is one transaction: whole batches of 3000 or nothing.
    assert (len(contacts) - 20) % 3000 == 0
    imported = [c for c in contacts if c.uid.startswith("r")]
    for c in imported:  # no half-written contact: name, email, phone, address, tag and index entry
        assert c.given_name.startswith("Batch") and len(c.emails) == len(c.phones) == len(c.addresses) == 1, c
        assert c.tags == (c.given_name.lower(),)
    batches = {c.given_name for c in imported}
    for name in batches:
        assert len(nd.contacts.match_ids(name) or ()) == 3000
    assert nd.contacts.match_ids("seed0") == {c.id for c in contacts if c.given_name == "Seed0"}
    nd.close()


@pytest.mark.parametrize("run", range(2))
def test_gui_process_killed_mid_save_keeps_each_contact_all_old_or_all_new(tmp_path: Path, run: int) -> None:
    db = tmp_path / "gui.sqlite3"
    before = _seed(db, 30)
    # Killed at a random point after its first save, so that the check below has edits to look at.
    _kill_after(GUI_EDIT_CHILD, db, random.Random(10 + run).uniform(0.0, 1.0), after_line="saved")
    nd = open_netdesk(db)
    contacts = nd.contacts.search()
    assert {c.uid for c in contacts} == before
    edited = [c for c in contacts if c.nickname]
    assert edited, "the GUI process said it saved, yet nothing it saved is in the database"
    for c in contacts:
        assert c.tags == ((f"t{c.nickname[1:]}",) if c.nickname else ())  # nickname and tags saved together
        assert c.emails and c.emails[0].value.startswith("seed")
    nd.close()


@pytest.mark.parametrize("run", range(3))
def test_edit_killed_mid_save_keeps_each_contact_all_old_or_all_new(tmp_path: Path, run: int) -> None:
    db = tmp_path / "edit.sqlite3"
    before = _seed(db, 30)
    _kill_after(EDIT_CHILD, db, random.Random(run).uniform(0.3, 1.5))
    nd = open_netdesk(db)
    contacts = nd.contacts.search()
    assert {c.uid for c in contacts} == before
    for c in contacts:
        if c.nickname:  # edited: nickname, email and tag were written by the same transaction
            version = c.nickname[1:]
            assert [e.value for e in c.emails] == [f"v{version}@edit.org"]
            assert c.tags == (f"t{version}",)
        else:
            assert c.emails[0].value.startswith("seed")
    nd.close()
