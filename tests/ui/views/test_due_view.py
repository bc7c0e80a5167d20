"""DueView: sections and items as the user sees them, and every per-item action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QInputDialog

from netdesk.core.model import InteractionKind, PartialDate
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.views import due_view
from netdesk.ui.views.due_view import DueRow, DueView


def titles(view: DueView) -> list[str]:
    return [row.title_button.text() for row in view.rows]


def row_of(view: DueView, text: str) -> DueRow:
    [row] = [r for r in view.rows if text in r.title_button.text()]
    return row


@pytest.fixture
def network(nd: NetDesk, make_person: Callable[..., int], make_interaction: Callable[..., int]) -> dict[str, int]:
    soon = date.today() + timedelta(days=3)
    ids = {
        "late": make_person("Lara Late"),
        "bday": make_person("Bea Birthday", birthday=PartialDate(soon.month, soon.day)),
        "new": make_person("Nico New", connected_on=date.today() - timedelta(days=1)),
        "owed": make_person("Otto Owed"),
    }
    make_interaction(ids["late"], 50)
    nd.networking.set_contact_cadence(ids["late"], 30)
    make_interaction(ids["owed"], 14, InteractionKind.FAVOUR_GIVEN, summary="send the slides", is_open=True)
    return ids


def test_sections_and_items_shown(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    assert view.summary_label.text() == "4 things to do"
    assert [label.text() for label in view.section_labels.values()] == [
        "Overdue (1)",
        "Birthdays (1)",
        "New connections to follow up (1)",
        "Favours (1)",
    ]
    assert titles(view) == [
        "Get in touch with Lara Late · overdue by 20 days",
        "Birthday of Bea Birthday in 3 days",
        "Send Nico New a personal note",
        "You promised Otto Owed: send the slides",
    ]
    late = row_of(view, "Lara Late")
    assert late.detail_label.text().startswith("Keep in touch every 30 days · last contact")
    assert set(late.buttons) == {"Log…", "Snooze 1 week", "Change cadence…"}
    assert set(row_of(view, "Nico").buttons) == {"Log…", "Sent personal message", "Dismiss", "Snooze 1 week"}
    assert "Mark done" in row_of(view, "Otto").buttons


def test_title_click_asks_to_show_the_contact(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.contactActivated) as signal:
        row_of(view, "Bea").title_button.click()
    assert signal.args == [network["bday"]]


def test_snooze_hides_the_item(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    row_of(view, "Lara").buttons["Snooze 1 week"].click()
    assert not any("Lara" in t for t in titles(view))
    assert "Overdue" not in [k.label for k in view.section_labels]
    later = DueView(nd, today=lambda: date.today() + timedelta(days=7))
    qtbot.addWidget(later)
    assert any("Lara" in t for t in titles(later))


def test_follow_up_steps_through_the_buttons(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    row_of(view, "Nico").buttons["Sent personal message"].click()
    nico = row_of(view, "Nico")
    assert nico.title_button.text() == "First useful exchange with Nico New"
    assert "Personal note sent" in nico.detail_label.text()
    nico.buttons["They replied"].click()
    assert not any("Nico" in t for t in titles(view))


def test_mark_favour_done(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    row_of(view, "Otto").buttons["Mark done"].click()
    assert DueKind.FAVOUR not in view.section_labels
    assert nd.networking.open_favours(network["owed"]) == []


def test_change_cadence_dialog(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    row_of(view, "Lara").buttons["Change cadence…"].click()
    dialog = view.active_dialog
    assert isinstance(dialog, QInputDialog) and dialog.intValue() == 30
    dialog.setIntValue(90)
    dialog.accept()
    assert nd.networking.cadence_of(network["late"]) == (90, 90)
    assert not any("Lara" in t for t in titles(view))


def test_log_dialog_restarts_the_clock(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    row_of(view, "Lara").buttons["Log…"].click()
    dialog = view.active_dialog
    assert isinstance(dialog, InteractionDialog)
    assert dialog.participant_ids() == [network["late"]]
    qtbot.keyClicks(dialog.summary_edit, "Lunch")
    dialog.save_button.click()
    assert view.active_dialog is None
    assert not any("Lara" in t for t in titles(view))
    assert nd.timeline.for_contact(network["late"])[0].summary == "Lunch"


def test_long_sections_are_cut_with_show_all(qtbot, nd: NetDesk, make_person, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(due_view, "SECTION_LIMIT", 2)
    today = date.today()
    for n in range(3):
        make_person(f"Bday {n}", birthday=PartialDate(today.month, today.day))
    view = DueView(nd)
    qtbot.addWidget(view)
    assert len(view.rows) == 2 and view.section_labels[DueKind.BIRTHDAY].text() == "Birthdays (3)"
    view.show_all_buttons[DueKind.BIRTHDAY].click()
    assert len(view.rows) == 3 and DueKind.BIRTHDAY not in view.show_all_buttons


def test_empty_list(qtbot, nd: NetDesk) -> None:  # type: ignore[no-untyped-def]
    view = DueView(nd)
    qtbot.addWidget(view)
    assert view.summary_label.text() == "Nothing due — well done." and view.rows == []
