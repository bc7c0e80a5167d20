"""The detail pane's networking section: strength, cadence, favours, follow-up, relationships, goals, job history."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from window_helpers import settle

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk
from netdesk.ui.detail_networking import NetworkingPanel, RelationshipDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.views.due_view import DueView
from netdesk.ui.views.introductions_view import IntroductionsView


def panel(window: MainWindow) -> NetworkingPanel:
    assert window.detail.networking is not None
    return window.detail.networking


def due_kinds(qtbot, window: MainWindow, contact_id: int) -> set[DueKind]:  # type: ignore[no-untyped-def]
    page = window.navigation.views[View.DUE]
    assert isinstance(page, DueView)
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)  # the Due view loads its list in the background
    return {i.kind for i in page.items if i.contact_id == contact_id}


def test_strength_explained_and_cadence_change_updates_due(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    grace = sample["Grace Hopper"]
    db.networking.mark_followup(grace, "dismissed")
    window.navigation.show_view(View.DUE)  # build the Due view, then go back to the list
    assert due_kinds(qtbot, window, grace) == set()
    window.navigation.show_view(View.CONTACTS)
    window.select_contact(grace)
    pane = panel(window)
    assert pane.strength_label.text() == "<b>Relationship strength 0 / 100</b>"
    assert "No rhythm set: +0" in pane.strength_parts_label.text()
    assert pane.cadence_label.text() == "Rhythm: none"

    pane.cadence_button.click()
    dialog = pane.active_dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setIntValue(3)
    dialog.accept()
    settle(qtbot, window)
    assert db.networking.cadence_of(grace) == (3, 3)
    assert panel(window).cadence_label.text() == "Rhythm: every 3 days"
    # No exchange with her yet: the rhythm starts with the first one (never "overdue since she was added").
    assert panel(window).due_label.text() == "Never contacted · the first exchange starts the rhythm"
    window.navigation.show_view(View.DUE)
    assert due_kinds(qtbot, window, grace) == {DueKind.START_RHYTHM}

    window.navigation.show_view(View.CONTACTS)
    panel(window).cadence_button.click()
    dialog = panel(window).active_dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setIntValue(0)  # none of her own
    dialog.accept()
    settle(qtbot, window)
    assert panel(window).cadence_label.text() == "Rhythm: none"
    window.navigation.show_view(View.DUE)
    assert due_kinds(qtbot, window, grace) == set()


def test_cadence_from_tag_is_named(window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:
    db.networking.set_tag_cadence("mentor", 14)
    window.select_contact(sample["Grace Hopper"])
    assert panel(window).cadence_label.text() == "Rhythm: every 14 days (from tag “mentor”)"


def test_open_favour_marked_done(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    favour = InteractionDTO(
        datetime.now() - timedelta(days=3),
        InteractionKind.FAVOUR_GIVEN,
        summary="Introduce her to Babbage",
        participants=(Participant(ada),),
        is_open=True,
    )
    iid = db.timeline.log(favour).value.id
    assert iid is not None
    window.select_contact(ada)
    assert panel(window).favours_label.text() == "Favours: 1 given · 0 received"
    button = panel(window).mark_done_buttons[iid]
    button.click()
    settle(qtbot, window)
    assert db.networking.open_favours(ada) == []
    assert panel(window).mark_done_buttons == {}


def test_followup_buttons_for_a_new_connection(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    alan = sample["Alan Turing"]
    window.select_contact(alan)  # added by hand, not a connection: outside the pipeline until marked
    pane = panel(window)
    assert pane.followup_label.isHidden() and not pane.new_connection_button.isHidden()
    pane.new_connection_button.click()
    settle(qtbot, window)
    today = f"{datetime.now():%d %b %Y}"
    assert panel(window).followup_label.text() == f"New connection since {today}: connected, no personal note yet"
    assert not panel(window).messaged_button.isHidden() and panel(window).new_connection_button.isHidden()
    assert [i.kind for i in db.networking.due() if i.contact_id == alan] == [DueKind.FOLLOWUP]
    panel(window).messaged_button.click()
    settle(qtbot, window)
    assert panel(window).followup_label.text().endswith("personal note sent, waiting for a reply")
    assert panel(window).messaged_button.isHidden()
    panel(window).replied_button.click()
    settle(qtbot, window)
    assert panel(window).followup_label.text().endswith(": they replied")
    assert [i for i in db.networking.due() if i.contact_id == alan and i.kind is DueKind.FOLLOWUP] == []
    # Each override left its trace on the timeline.
    assert [i.summary for i in db.timeline.for_contact(alan)] == [
        "Reply (marked as received)",
        "Personal note (marked as sent)",
        "Marked as a new connection",
    ]


def test_add_relationship_shows_in_introductions_and_remove_it(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    ada, grace = sample["Ada Lovelace"], sample["Grace Hopper"]
    window.select_contact(ada)
    panel(window).add_relationship_button.click()
    dialog = panel(window).active_dialog
    assert isinstance(dialog, RelationshipDialog)
    dialog.type_combo.setCurrentText("colleague")
    qtbot.keyClicks(dialog.search_edit, "hopp")
    assert dialog.list.count() == 1
    dialog.accept()
    settle(qtbot, window)
    pane = panel(window)
    assert [pane.relationships_list.item(i).text() for i in range(pane.relationships_list.count())] == [
        "colleague: Grace Hopper"
    ]

    pane.intro_button.click()
    assert window.navigation.current is View.INTRODUCTIONS
    intro = window.navigation.views[View.INTRODUCTIONS]
    assert isinstance(intro, IntroductionsView)
    assert intro.target_id == ada
    vias = [intro.model.path(r).via_ids[0] for r in range(intro.model.rowCount())]
    assert grace in vias
    reason = intro.model.path(vias.index(grace)).reason
    assert "colleague of Ada Lovelace" in reason

    window.navigation.show_view(View.CONTACTS)
    pane = panel(window)
    pane.relationships_list.setCurrentRow(0)
    pane.remove_relationship_button.click()
    settle(qtbot, window)
    assert db.networking.relationships_of(ada) == []
    assert panel(window).relationships_list.count() == 0


def test_goals_link_unlink_and_job_history(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    db.networking.create_goal("Better known")
    window.select_contact(ada)
    goals = panel(window).goals_list
    item = next(goals.item(i) for i in range(goals.count()) if goals.item(i).text() == "Better known")
    item.setCheckState(Qt.CheckState.Checked)
    settle(qtbot, window)
    linked = {g.name: [p.contact_id for p in g.people] for g in db.networking.goal_overview()}
    assert linked["Better known"] == [ada]
    assert "Goal: Better known" in window.detail.text()
    goals = panel(window).goals_list
    item = next(goals.item(i) for i in range(goals.count()) if goals.item(i).text() == "Better known")
    item.setCheckState(Qt.CheckState.Unchecked)
    settle(qtbot, window)
    assert all(not g.people for g in db.networking.goal_overview())

    # A duplicate with another title merged in: the old title is kept as history.
    twin = db.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", title="Countess")).value.id
    assert twin is not None
    db.contacts.merge(ada, [twin])
    window.contacts_changed([ada, twin])
    settle(qtbot, window)
    history = panel(window).history_list
    lines = [history.item(i).text() for i in range(history.count())]
    assert any("title" in line and "Countess" in line for line in lines), lines
    # The merge kept one title and recorded the other: shown as such, not as a change from one to the other.
    assert [line.split(" · ", 1)[1] for line in lines] == ["title: kept Mathematician, not Countess"]


def test_organisation_gets_who_can_introduce_only(window: MainWindow, sample: dict[str, int]) -> None:
    window.select_contact(sample["Analytical Engines"])
    pane = panel(window)
    assert pane.strength_label.isHidden() and pane.relationships_list.isHidden()
    assert not pane.intro_button.isHidden()
    pane.intro_button.click()
    intro = window.navigation.views[View.INTRODUCTIONS]
    assert isinstance(intro, IntroductionsView)
    vias = {intro.model.path(r).via_ids[0] for r in range(intro.model.rowCount())}
    assert vias == {sample["Ada Lovelace"], sample["Margaret Hamilton"]}  # the people who work there
