"""IntroductionsView: pick a person or type an organisation, read the paths, open an introducer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from netdesk.services import NetDesk
from netdesk.ui.interaction_dialog import ContactPicker
from netdesk.ui.views.introductions_view import IntroductionsView, IntroPathModel


def rows(view: IntroductionsView) -> list[tuple[str, str, str]]:
    m = view.table.model()
    return [tuple(m.index(r, c).data() for c in range(3)) for r in range(m.rowCount())]  # type: ignore[misc]


@pytest.fixture
def network(nd: NetDesk, make_person: Callable[..., int], make_interaction: Callable[..., int]) -> dict[str, int]:
    ids = {
        "tara": make_person("Tara Target", organization="ACME", title="CEO"),
        "cleo": make_person("Cleo Close"),
        "carl": make_person("Carl Colleague", organization="Acme", title="CTO"),
    }
    nd.networking.add_relationship(ids["cleo"], ids["tara"], "friend")
    make_interaction(ids["cleo"], 2)
    make_interaction(ids["carl"], 100)
    return ids


def test_model_passes_qtmodeltester(qtmodeltester, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    model = IntroPathModel()
    model.set_paths(nd.networking.introducers_for(network["tara"]))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_organisation_typed_and_entered(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = IntroductionsView(nd)
    qtbot.addWidget(view)
    assert rows(view) == []
    qtbot.keyClicks(view.org_edit, "acme")
    qtbot.keyClick(view.org_edit, Qt.Key.Key_Return)
    table = rows(view)
    assert [(via, why) for via, why, _ in table] == [
        ("You → Carl Colleague", "works at Acme as CTO"),
        ("You → Tara Target", "works at ACME as CEO (you are not in touch)"),
    ]
    assert int(table[0][2]) > 0 and table[1][2] == "0"
    assert view.status_label.text() == "2 ways to reach acme, best first."

    view.org_edit.clear()
    qtbot.keyClicks(view.org_edit, "Nowhere")
    view.find_button.click()
    assert rows(view) == [] and view.status_label.text() == "Nobody in your network is linked to Nowhere yet."


def test_pick_a_person_then_open_the_introducer(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = IntroductionsView(nd)
    qtbot.addWidget(view)
    view.pick_button.click()
    picker = view.active_dialog
    assert isinstance(picker, ContactPicker)
    qtbot.keyClicks(picker.search_edit, "Tara")
    picker.accept()
    assert view.target_label.text() == "To: Tara Target"
    assert [(via, why) for via, why, _ in rows(view)] == [
        ("You → Cleo Close", "friend of Tara Target"),
        ("You → Carl Colleague", "works at Acme as CTO with Tara Target"),
    ]
    view.show()
    qtbot.waitExposed(view)
    cell = view.table.visualRect(view.model.index(0, 0)).center()
    with qtbot.waitSignal(view.contactActivated) as signal:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert signal.args == [network["cleo"]]
