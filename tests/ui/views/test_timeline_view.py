"""TimelineView: the global timeline table, its filters, full-text search, edit and delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from netdesk.core.model import Channel, InteractionKind
from netdesk.services import NetDesk
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.views.timeline_view import TimelineModel, TimelineView


def column(view: TimelineView, col: int) -> list[str]:
    m = view.table.model()
    return [m.index(r, col).data() for r in range(m.rowCount())]


@pytest.fixture
def timeline(nd: NetDesk, make_person: Callable[..., int], make_interaction: Callable[..., int]) -> dict[str, int]:
    ada = make_person("Ada Lovelace", tags=("mentor",))
    bob = make_person("Bob Byte")
    return {
        "ada": ada,
        "bob": bob,
        "coffee": make_interaction(
            ada,
            1,
            InteractionKind.MEETING,
            channel=Channel.IN_PERSON,
            summary="Coffee",
            notes="Talked about the analytical engine",
        ),
        "call": make_interaction(bob, 5, InteractionKind.CALL, channel=Channel.ONLINE, summary="Intro call"),
        "old": make_interaction([ada, bob], 40, InteractionKind.EMAIL, channel=Channel.ONLINE, summary="Old thread"),
    }


def test_model_passes_qtmodeltester(qtmodeltester, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    model = TimelineModel()
    model.set_rows(nd.timeline.recent())
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.index(0, 4).data() == "Coffee"
    assert (
        model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == "<qt>Talked about the analytical engine</qt>"
    )  # escaped


def test_table_shows_newest_first(qtbot, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(nd)
    qtbot.addWidget(view)
    assert column(view, 4) == ["Coffee", "Intro call", "Old thread"]
    assert column(view, 1) == ["Meeting", "Call", "Email"]
    assert column(view, 2) == ["In person", "Online", "Online"]
    assert column(view, 3) == ["Ada Lovelace", "Bob Byte", "Ada Lovelace, Bob Byte"]
    assert view.count_label.text() == "3 interactions"


def test_filters(qtbot, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(nd)
    qtbot.addWidget(view)
    view.kind_combo.setCurrentIndex(view.kind_combo.findText("Call"))
    assert column(view, 4) == ["Intro call"]
    view.kind_combo.setCurrentIndex(0)
    view.channel_combo.setCurrentIndex(view.channel_combo.findText("Online"))
    assert column(view, 4) == ["Intro call", "Old thread"]
    view.channel_combo.setCurrentIndex(0)
    qtbot.keyClicks(view.person_edit, "ada")
    assert column(view, 4) == ["Coffee", "Old thread"]
    view.person_edit.clear()
    view.tag_combo.setCurrentIndex(view.tag_combo.findText("mentor"))
    assert column(view, 4) == ["Coffee", "Old thread"]
    view.tag_combo.setCurrentIndex(0)
    today = date.today()
    view.from_edit.setDate(QDate(today - timedelta(days=10)))
    assert column(view, 4) == ["Coffee", "Intro call"]
    view.to_edit.setDate(QDate(today - timedelta(days=2)))
    assert column(view, 4) == ["Intro call"]
    assert view.count_label.text() == "1 interaction"


def test_full_text_search_over_notes(qtbot, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(nd)
    qtbot.addWidget(view)
    qtbot.keyClicks(view.search_edit, "analyt")
    assert column(view, 4) == ["Coffee"]
    view.search_edit.clear()
    assert len(column(view, 4)) == 3


def test_delete_selected_after_confirmation(qtbot, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(nd)
    qtbot.addWidget(view)
    assert not view.delete_button.isEnabled()
    asked: list[str] = []
    view.confirm = lambda text: asked.append(text) or False
    view.table.selectRow(1)
    view.delete_button.click()
    assert asked == ["Delete “Intro call” from the timeline?"] and len(column(view, 4)) == 3
    view.confirm = lambda text: True
    view.delete_button.click()
    assert column(view, 4) == ["Coffee", "Old thread"]
    assert [i.summary for i in nd.timeline.for_contact(timeline["bob"])] == ["Old thread"]


def test_edit_selected_and_open_contact(qtbot, nd: NetDesk, timeline: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = TimelineView(nd)
    qtbot.addWidget(view)
    view.table.selectRow(0)
    view.edit_button.click()
    dialog = view.active_dialog
    assert isinstance(dialog, InteractionDialog)
    dialog.summary_edit.clear()
    qtbot.keyClicks(dialog.summary_edit, "Coffee and cake")
    dialog.save_button.click()
    assert column(view, 4)[0] == "Coffee and cake"
    view.show()
    qtbot.waitExposed(view)
    cell = view.table.visualRect(view.model.index(0, 0)).center()
    with qtbot.waitSignal(view.contactActivated) as signal:
        # QTest's double click needs the preceding press/release to count as one on the view.
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert signal.args == [timeline["ada"]]
