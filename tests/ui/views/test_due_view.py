"""DueView: sections and items as the user sees them, and every per-item action."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QInputDialog

from netdesk.core.errors import NetDeskError
from netdesk.core.model import InteractionKind, PartialDate
from netdesk.core.networking import DueItem, DueKind, Section
from netdesk.services import NetDesk
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.views import due_view
from netdesk.ui.views.due_view import DueRow, DueView


def open_view(qtbot, nd: NetDesk, **kwargs: object) -> DueView:  # type: ignore[no-untyped-def]
    """A Due view whose first (background) load has arrived."""
    view = DueView(nd, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    wait_loaded(qtbot, view)
    return view


def block_due(monkeypatch, nd: NetDesk) -> tuple[threading.Event, threading.Event, list[date]]:  # type: ignore[no-untyped-def]
    """Make due() signal that it started, then wait for release and return an empty list; calls are recorded."""
    started, release = threading.Event(), threading.Event()
    calls: list[date] = []

    def slow_due(today: date) -> list[DueItem]:
        calls.append(today)
        started.set()
        assert release.wait(5)
        return []

    monkeypatch.setattr(nd.networking, "due", slow_due)
    return started, release, calls


def wait_loaded(qtbot, view: DueView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)


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
    nd.networking.set_contact_cadence(ids["late"], 30, since=date.today() - timedelta(days=60))
    make_interaction(ids["owed"], 14, InteractionKind.FAVOUR_GIVEN, summary="send the slides", is_open=True)
    return ids


def test_today_first_then_sections_with_counts(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    assert view.summary_label.text() == "4 things to do"
    assert view.today_label.text() == "Today (4)"
    # By the documented priority: the new connection's note, the promise, the slipped rhythm, the birthday to come.
    assert titles(view) == [
        "Send Nico New a personal note",
        "You promised Otto Owed: send the slides",
        "Get in touch with Lara Late · overdue by 20 days",
        "Birthday of Bea Birthday in 3 days",
    ]
    assert [label.text() for label in view.section_labels.values()] == [
        "▸ New connections (1)",
        "▸ Stay in touch (1)",
        "▸ Occasions (1)",
        "▸ Favours and promises (1)",
    ]
    late = row_of(view, "Lara Late")
    assert late.detail_label.text().startswith("Keep in touch every 30 days · last contact")
    assert set(late.buttons) == {"Log…", "Snooze 1 week", "Change rhythm…"}
    assert set(row_of(view, "Nico").buttons) == {
        "Write note…",
        "Log…",
        "Sent personal message",
        "Dismiss",
        "Snooze 1 week",
    }
    assert "Mark done" in row_of(view, "Otto").buttons
    view.section_labels[Section.OCCASIONS].click()  # open one section: its rows follow its header
    assert view.section_labels[Section.OCCASIONS].text() == "▾ Occasions (1)" and len(view.rows) == 5
    view.section_labels[Section.OCCASIONS].click()
    assert len(view.rows) == 4


def test_today_is_capped_and_show_all_opens_every_section(qtbot, nd: NetDesk, make_person) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    for n in range(12):
        make_person(f"Bday {n:02d}", birthday=PartialDate(today.month, today.day))
    for n in range(3):
        cid = make_person(f"Rhythm {n}")
        nd.networking.set_contact_cadence(cid, 30)
    view = open_view(qtbot, nd)
    view.today_limit = 10
    view.show_all_button.setChecked(False)  # rebuild with the cap set here
    assert view.today_label.text() == "Today (10)" and len(view.rows) == 10
    assert view.section_labels[Section.START_RHYTHM].text() == "▸ Start the rhythm (3)"
    assert not any("Rhythm" in t for t in titles(view))  # never "overdue by 1869 days": its own list
    view.show_all_button.setChecked(True)
    assert view.show_all_button.text() == "Show all 15" and len(view.rows) == 10 + 12 + 3
    assert "Start the rhythm with Rhythm 0" in titles(view)


def test_title_click_asks_to_show_the_contact(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    with qtbot.waitSignal(view.contactActivated) as signal:
        row_of(view, "Bea").title_button.click()
    assert signal.args == [network["bday"]]


def test_snooze_hides_the_item(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    with qtbot.waitSignal(view.refreshed):
        row_of(view, "Lara").buttons["Snooze 1 week"].click()
    assert not any("Lara" in t for t in titles(view))
    assert Section.STAY_IN_TOUCH not in view.section_labels
    later = open_view(qtbot, nd, today=lambda: date.today() + timedelta(days=7))
    assert any("Lara" in t for t in titles(later))


def test_follow_up_override_logs_the_note_and_the_item_leaves(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    with qtbot.waitSignal(view.refreshed):
        row_of(view, "Nico").buttons["Sent personal message"].click()
    assert not any("Nico" in t for t in titles(view))
    assert nd.timeline.for_contact(network["new"])[0].summary == "Personal note (marked as sent)"


def test_mark_favour_done(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    with qtbot.waitSignal(view.refreshed):
        row_of(view, "Otto").buttons["Mark done"].click()
    assert Section.FAVOURS not in view.section_labels
    assert nd.networking.open_favours(network["owed"]) == []


def test_change_cadence_dialog(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    row_of(view, "Lara").buttons["Change rhythm…"].click()
    dialog = view.active_dialog
    assert isinstance(dialog, QInputDialog) and dialog.intValue() == 30
    assert dialog.windowTitle() == "Rhythm for Lara Late"  # the product's word, never "cadence"
    assert "rhythm" in dialog.labelText() and "adence" not in dialog.labelText()
    dialog.setIntValue(90)
    with qtbot.waitSignal(view.refreshed):
        dialog.accept()
    assert nd.networking.cadence_of(network["late"]) == (90, 90)
    assert not any("Lara" in t for t in titles(view))


def test_log_dialog_restarts_the_clock(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    row_of(view, "Lara").buttons["Log…"].click()
    dialog = view.active_dialog
    assert isinstance(dialog, InteractionDialog)
    assert dialog.participant_ids() == [network["late"]]
    qtbot.keyClicks(dialog.summary_edit, "Lunch")
    with qtbot.waitSignal(view.refreshed):
        dialog.save_button.click()
    assert view.active_dialog is None
    assert not any("Lara" in t for t in titles(view))
    assert nd.timeline.for_contact(network["late"])[0].summary == "Lunch"


def test_long_sections_are_cut_with_show_all(qtbot, nd: NetDesk, make_person, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(due_view, "SECTION_LIMIT", 2)
    today = date.today()
    for n in range(3):
        make_person(f"Bday {n}", birthday=PartialDate(today.month, today.day))
    view = open_view(qtbot, nd)
    view.today_limit = 1
    view.section_labels[Section.OCCASIONS].click()
    assert len(view.rows) == 1 + 2 and view.section_labels[Section.OCCASIONS].text() == "▾ Occasions (3)"
    view.show_all_buttons[Section.OCCASIONS].click()
    assert len(view.rows) == 1 + 3 and Section.OCCASIONS not in view.show_all_buttons


def test_empty_list_says_what_to_do(qtbot, nd: NetDesk, make_person) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    assert view.summary_label.text().startswith("Nothing due: there is nobody here yet. Import") and view.rows == []
    make_person("Quiet Person")
    view = open_view(qtbot, nd)
    assert view.summary_label.text().startswith("Nothing due — well done. Set a rhythm")


# --- loading off the GUI thread ------------------------------------------------------------------------------


def test_summary_says_loading_until_the_list_arrives(qtbot, nd: NetDesk, network: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    rows_before = list(view.rows)
    with qtbot.waitSignal(view.refreshed):
        view.refresh()
        assert view.loading and view.summary_label.text() == "Loading…"
        assert view.rows == rows_before  # the old rows stay until the new list is in: no empty flash
    assert not view.loading and view.summary_label.text() == "4 things to do"
    assert len(view.rows) == 4


def test_due_runs_off_the_gui_thread(qtbot, nd: NetDesk, network: dict[str, int], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    threads: list[int] = []
    real_due = nd.networking.due

    def recording_due(today: date) -> list[DueItem]:
        threads.append(threading.get_ident())
        return real_due(today)

    monkeypatch.setattr(nd.networking, "due", recording_due)
    view = open_view(qtbot, nd)
    with qtbot.waitSignal(view.refreshed):
        row_of(view, "Lara").buttons["Snooze 1 week"].click()
    assert len(threads) == 2 and threading.get_ident() not in threads


def test_only_the_newest_load_is_shown(qtbot, nd: NetDesk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    old = [DueItem(DueKind.OVERDUE, 1, "Olga Old", days_overdue=5)]
    new = [DueItem(DueKind.BIRTHDAY, 2, "Nina New", days_overdue=-2, due_date=date.today() + timedelta(days=2))]
    release_first = threading.Event()
    calls: list[int] = []

    def due(today: date) -> list[DueItem]:
        calls.append(len(calls))
        if len(calls) == 2:  # the first refresh's load (the view's own first load is call 1)
            assert release_first.wait(5)
            return old
        return new if len(calls) > 2 else []

    monkeypatch.setattr(nd.networking, "due", due)
    view = open_view(qtbot, nd)
    applied: list[list[str]] = []
    view.refreshed.connect(lambda: applied.append([i.contact_name for i in view.items]))
    view.refresh()
    qtbot.waitUntil(lambda: len(calls) == 2)  # the slow load is running
    view.refresh()
    release_first.set()
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)
    assert applied == [["Nina New"]]  # the slow first result arrived first and was dropped
    assert titles(view) == ["Birthday of Nina New in 2 days"]
    assert view.summary_label.text() == "1 thing to do"


def test_a_load_overtaken_while_waiting_skips_its_query(qtbot, nd: NetDesk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    calls: list[date] = []

    def due(today: date) -> list[DueItem]:
        calls.append(today)
        assert release.wait(5)
        return []

    monkeypatch.setattr(nd.networking, "due", due)
    view = DueView(nd)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: len(calls) == 1)
    view.refresh()  # waits behind the running load …
    view.refresh()  # … and is overtaken by this one before it starts
    release.set()
    with qtbot.waitSignal(view.refreshed):
        pass
    qtbot.waitUntil(lambda: not view.loading)
    assert len(calls) == 2


def test_a_failing_load_shows_the_error_and_the_next_one_clears_it(qtbot, nd: NetDesk, network, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    real_due = nd.networking.due
    failures: list[Exception] = [NetDeskError("database is locked"), RuntimeError("disk on fire")]

    def due(today: date) -> list[DueItem]:
        if failures:
            raise failures.pop(0)
        return real_due(today)

    monkeypatch.setattr(nd.networking, "due", due)
    view.refresh()
    wait_loaded(qtbot, view)
    assert not view.error_label.isHidden() and view.error_label.text() == "database is locked"
    assert view.summary_label.text() == "The due list could not be loaded." and view.rows == []
    view.refresh()  # not a NetDeskError: shown all the same
    wait_loaded(qtbot, view)
    assert not view.error_label.isHidden() and "disk on fire" in view.error_label.text()
    with qtbot.waitSignal(view.refreshed):
        view.refresh()
    assert view.error_label.isHidden() and view.summary_label.text() == "4 things to do"


def test_selection_and_show_all_survive_a_refresh(qtbot, nd: NetDesk, make_person, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(due_view, "SECTION_LIMIT", 2)
    today = date.today()
    for n in range(3):
        make_person(f"Bday {n}", birthday=PartialDate(today.month, today.day))
    view = open_view(qtbot, nd)
    view.select_row(view.rows[1])
    picked = view.rows[1].item
    view.refresh()
    view.show_all_button.setChecked(True)  # during the load: rebuilt from the rows already loaded
    view.show_all_buttons[Section.OCCASIONS].click()
    assert len(view.rows) == 3 + 3 and view.summary_label.text() == "Loading…"
    with qtbot.waitSignal(view.refreshed):
        pass
    assert len(view.rows) == 3 + 3 and Section.OCCASIONS not in view.show_all_buttons
    assert view.current_row is not None and view.current_row.item == picked
    assert view.selected_contact() == (picked.contact_id, picked.contact_name)


def test_closing_the_view_during_a_load_drops_the_result(qtbot, nd: NetDesk, network, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    view.show()
    started, release, calls = block_due(monkeypatch, nd)
    view.refresh()
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()
    view.close()  # waits for the running query: the database may be closed right after
    assert not view.loading and view.summary_label.text() == "Loading…"
    qtbot.wait(50)  # let a queued result arrive, if one were still to come
    assert len(view.rows) == 4  # the empty result was dropped
    view.refresh()
    assert not view.loading and len(calls) == 1  # no more queries once the view is closed


def test_view_deleted_during_a_load_does_not_crash(qtbot, nd: NetDesk, network, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, nd)
    started, release, _calls = block_due(monkeypatch, nd)
    view.refresh()
    assert started.wait(5)
    loader = view._loader
    threading.Timer(0.2, release.set).start()
    with qtbot.waitSignal(view.destroyed):
        view.deleteLater()  # as the navigation does with the views of a database it switched away from
    assert loader.closed
    qtbot.waitUntil(lambda: loader.pending == 0)  # the result was delivered to the closed runner and dropped


def test_a_write_about_one_person_rebuilds_only_their_card(  # type: ignore[no-untyped-def]
    qtbot, nd: NetDesk, network: dict[str, int], make_interaction: Callable[..., int]
) -> None:
    view = open_view(qtbot, nd)
    before = {row.item.contact_id: row for row in view.rows}
    lara = before[network["late"]]
    make_interaction(network["late"], 0)  # Lara is contacted today: her overdue item goes
    with qtbot.waitSignal(view.refreshed):
        view.refresh()
    after = {row.item.contact_id: row for row in view.rows}
    assert network["late"] not in after and view.summary_label.text() == "3 things to do"
    for name in ("bday", "new", "owed"):  # the other cards are the same widgets, in their places
        assert after[network[name]] is before[network[name]]
    assert titles(view) == [
        "Send Nico New a personal note",
        "You promised Otto Owed: send the slides",
        *[t for t in titles(view) if "Bea Birthday" in t],
    ]
    qtbot.waitUntil(lambda: not lara.isVisible())  # Lara's card is gone from the page, not only from the list
