"""GUI test fixtures: offscreen Qt, throw-away settings, a main window over a temporary database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint
from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Keep every QSettings() a test creates away from the user's real configuration."""
    folder = tmp_path / "settings"
    folder.mkdir()
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    yield folder
    QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "netdesk-test.ini"


@pytest.fixture
def db(tmp_path: Path, new_database: Callable[[Path], NetDesk]) -> Iterator[NetDesk]:
    nd = new_database(tmp_path / "t.sqlite3")
    yield nd
    nd.close()


def person(
    given: str, family: str, org: str = "", title: str = "", tags: tuple[str, ...] = (), email: str = ""
) -> ContactDTO:
    return ContactDTO(
        given_name=given,
        family_name=family,
        organization=org,
        title=title,
        tags=tags,
        emails=(ContactPoint(email, "work", True),) if email else (),
    )


@pytest.fixture
def sample(db: NetDesk) -> dict[str, int]:
    """A small network: five people, one organisation."""
    contacts = [
        person("Ada", "Lovelace", "Analytical Engines", "Mathematician", ("mentor", "alumni"), "ada@example.com"),
        person("Alan", "Turing", "Bletchley Park", "Cryptanalyst", ("alumni",)),
        person("Grace", "Hopper", "US Navy", "Rear Admiral", ("mentor",)),
        person("Linus", "Torvalds", "Linux Foundation", "Fellow", ()),
        person("Margaret", "Hamilton", "Analytical Engines", "Engineer", ("speaker",)),
        ContactDTO(
            kind=ContactKind.ORGANIZATION, organization="Analytical Engines", formatted_name="Analytical Engines"
        ),
    ]
    return {c.name: db.contacts.create(c).value.id or 0 for c in contacts}


@pytest.fixture
def make_window(qtbot, db: NetDesk, settings_path: Path) -> Iterator[Callable[..., MainWindow]]:  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []

    def make(wait: bool = True, view: str | None = "contacts") -> MainWindow:
        settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
        if view is not None:
            # Start on this page; with view=None the window picks its home (Due once there are contacts).
            settings.setValue("navigation/view", view)
        window = MainWindow(db, settings)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        window.activateWindow()  # keyboard shortcuts only reach the active window
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        if wait:
            qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0, timeout=5000)
        return window

    yield make
    for window in windows:
        window.ops.close_writes()
        window.tasks.close()


@pytest.fixture
def window(make_window: Callable[..., MainWindow], sample: dict[str, int]) -> MainWindow:
    return make_window()
