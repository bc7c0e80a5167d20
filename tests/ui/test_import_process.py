"""A large import runs in a child process (services.write_process), and its undo and redo still work from the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netdesk.services import NetDesk, write_process
from netdesk.ui import import_dialog, ops
from netdesk.ui.main_window import MainWindow
from tests.ui.test_import_export import counts, names, wait_report

CARDS = """\
BEGIN:VCARD
VERSION:3.0
FN:Katherine Johnson
N:Johnson;Katherine;;;
EMAIL:kj@nasa.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL:ada@example.com
TEL;TYPE=cell:+44 20 7946 0018
END:VCARD
"""


def spy(monkeypatch: pytest.MonkeyPatch, module: object) -> list[object]:
    """Record each task ``module`` hands to ``run_in_process`` (and still run it there)."""
    tasks: list[object] = []
    real: Callable[..., Any] = write_process.run_in_process

    def recorded(db: Path, task: object, *args: object) -> object:
        tasks.append(task)
        return real(db, task, *args)

    monkeypatch.setattr(module, "run_in_process", recorded)
    return tasks


def ada_phones(db: NetDesk, ada: int) -> list[str]:
    return [p.value for p in db.contacts.get(ada).phones]


def test_an_import_in_a_child_process_is_undone_and_redone(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_dialog, "PROCESS_BYTES", 0)  # this small file goes to a child process too
    monkeypatch.setattr(write_process, "PROCESS_ROWS", 0)  # and so do its undo and redo
    imports, replays = spy(monkeypatch, import_dialog), spy(monkeypatch, ops)
    ada = sample["Ada Lovelace"]
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(CARDS)

    window.import_files([vcf])
    report = wait_report(qtbot, window)
    assert len(imports) == 1
    assert counts(report)["created"] == "1" and counts(report)["merged"] == "1"  # Ada gains a phone
    report.accept()
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window))
    assert ada_phones(db, ada) == ["+44 20 7946 0018"]
    assert window.undo_action.text() == "&Undo import"

    window.undo_action.trigger()  # removes what the import created, restores what it updated
    qtbot.waitUntil(lambda: "Katherine Johnson" not in names(window), timeout=30000)
    assert len(replays) == 1
    assert db.contacts.search("Johnson") == [] and ada_phones(db, ada) == []
    assert window.model.total == 6

    qtbot.waitUntil(lambda: window.redo_action.isEnabled())
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window), timeout=30000)
    assert len(replays) == 2
    assert ada_phones(db, ada) == ["+44 20 7946 0018"]
    assert [c.name for c in db.contacts.search("Johnson")] == ["Katherine Johnson"]
