"""The contact list's search from memory: the list filters within the keystroke and follows every change."""

from __future__ import annotations

from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow
from tests.ui.conftest import person


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def test_typing_filters_the_list_within_the_keystroke(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    qtbot.keyClicks(window.search_edit, "analyt")
    # No pause to wait for and no worker: the list already shows the answer when the key press returns.
    assert sorted(names(window)) == ["Ada Lovelace", "Analytical Engines", "Margaret Hamilton"]
    assert window.count_label.text() == "3 shown / 6 total"
    qtbot.keyClicks(window.search_edit, " marg")
    assert names(window) == ["Margaret Hamilton"]
    window.search_edit.clear()
    assert window.model.shown == 6


def test_search_follows_edits_new_and_deleted_contacts(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int]
) -> None:
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    grace = db.contacts.get(sample["Grace Hopper"])
    window.ops.run(lambda: db.contacts.update(grace.replace(organization="Harvard Computation Lab")))
    window.ops.run(lambda: db.contacts.create(person("Katherine", "Johnson", "NASA Langley", "Mathematician")))
    window.ops.run(lambda: db.contacts.delete([sample["Ada Lovelace"]]))
    qtbot.waitUntil(lambda: window.list_search.is_ready and window.tasks.pending == 0)
    window.search_edit.setText("harvard")
    assert names(window) == ["Grace Hopper"]
    window.search_edit.setText("mathem")
    assert names(window) == ["Katherine Johnson"]  # Ada, also a mathematician, is in the trash
    window.search_edit.setText("us navy")
    assert names(window) == []
    assert "No contacts match" in window.detail.browser.toPlainText()
