"""Start-up fills the frame's list from the file before the services are imported (ui/application.py
``show_rows_early``), and the window built over the opened database goes on with those very rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel, QTableView

from netdesk.db import health
from netdesk.services import NetDesk
from netdesk.ui.application import show_rows_early
from netdesk.ui.main_window import MainWindow

REPO_ROOT = Path(__file__).resolve().parents[2]


def _frame(qtbot, settings_path: Path, view: str | None) -> tuple[MainWindow, QSettings]:  # type: ignore[no-untyped-def]
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    if view is not None:
        settings.setValue("navigation/view", view)
    window = MainWindow(None, settings)
    qtbot.addWidget(window)
    window.show()
    return window, settings


def test_the_frame_shows_the_rows_and_the_window_keeps_them(  # type: ignore[no-untyped-def]
    qtbot, db: NetDesk, sample: dict[str, int], settings_path: Path
) -> None:
    assert db.path is not None
    window, settings = _frame(qtbot, settings_path, "contacts")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    show_rows_early(app, window, db.path, settings)
    early = window.early_model
    assert early is not None and early.total == len(sample)
    table = window.centralWidget()
    assert isinstance(table, QTableView) and table.model() is early
    assert table.model().index(0, 0).data() == "Ada Lovelace"
    health.discard_check(db.path)  # no open follows here: the database is open already

    window.attach(db)
    try:
        qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0, timeout=5000)
        assert window.model is early and window.table.model() is early  # the same rows, not read again
        assert window.count_label.text() == f"{len(sample)} shown / {len(sample)} total"
        window.search_edit.setText("hopper")
        qtbot.waitUntil(lambda: window.model.shown == 1, timeout=5000)
        assert window.model.contact_id(0) == sample["Grace Hopper"]
    finally:
        window.ops.close_writes()
        window.tasks.close()


def test_no_rows_before_the_open_for_a_damaged_file_or_another_home_page(  # type: ignore[no-untyped-def]
    qtbot, db: NetDesk, sample: dict[str, int], settings_path: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    assert db.path is not None
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for path, view in ((damaged, "contacts"), (db.path, None), (db.path, "due")):
        window, settings = _frame(qtbot, tmp_path / f"{view}-{path.name}.ini", view)
        show_rows_early(app, window, path, settings)
        assert window.early_model is None, (path.name, view)
        assert isinstance(window.centralWidget(), QLabel)  # still "Loading contacts…"
        health.discard_check(path)
        window.close()


def test_a_start_on_the_contacts_page_shows_the_list_before_the_window_is_built(
    tmp_path: Path, db: NetDesk, sample: dict[str, int]
) -> None:
    config = tmp_path / "config"
    (config / "NetDesk").mkdir(parents=True)
    (config / "NetDesk" / "NetDesk.conf").write_text("[navigation]\nview=contacts\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), HOME=str(tmp_path))
    env["NETDESK_REPORT_STARTUP"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db.path), "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    marks = [line.partition("=")[0] for line in result.stderr.splitlines() if "-at=" in line]
    # The rows were on screen before the services were imported and the window built over them.
    assert marks == ["window-shown-at", "list-loaded-at", "window-built-at"]
