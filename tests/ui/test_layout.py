"""Layout at the smallest supported size: the search field stays in reach, even with long undo labels."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from window_helpers import settle

from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1600, 1000)])
def test_search_field_visible_from_1024_wide_with_a_long_undo_label(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, sample: dict[str, int], size: tuple[int, int]
) -> None:
    window = make_window()
    long_name = sample["Margaret Hamilton"]
    window.ops.run(lambda: db.networking.set_contact_cadence(long_name, 21))
    settle(qtbot, window)
    window.ops.undo()  # both Undo and Redo now carry a label with a name
    settle(qtbot, window)
    assert window.redo_action.text() == "&Redo rhythm for Margaret Hamilton"
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    qtbot.wait(50)
    edit = window.search_edit
    assert edit.isVisible() and edit.width() >= 200
    inside = edit.mapTo(window, edit.rect().topRight())
    assert inside.x() <= window.width()  # not pushed out of the toolbar into its "»" overflow
