"""Edit → Preferences…: the values round-trip through QSettings and take effect at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import text
from window_helpers import settle

from netdesk.core.model import ContactDTO, ContactPoint, InteractionDTO, InteractionKind, Participant
from netdesk.core.normalize import default_region, region_from_locale
from netdesk.services import NetDesk
from netdesk.settings import (
    KEY_BACKUPS_KEPT,
    KEY_DUE_TODAY_LIMIT,
    KEY_NOTIFICATIONS,
    KEY_REPLY_BENCHMARK,
    KEY_THEME,
    Preferences,
    ThemeChoice,
    preferences_from,
)
from netdesk.ui import icons
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.export_dialog import ExportDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.preferences import PreferencesDialog, apply_preferences, load_preferences
from netdesk.ui.theme import apply_theme, is_dark
from netdesk.ui.tray import TrayController


@pytest.fixture(autouse=True)
def system_theme_afterwards() -> Iterator[None]:
    # The theme is application-wide and the QApplication outlives each test.
    yield
    apply_theme(ThemeChoice.SYSTEM)


def open_preferences(qtbot, window: MainWindow) -> PreferencesDialog:  # type: ignore[no-untyped-def]
    window.activateWindow()  # the shortcut only reaches the active window
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, PreferencesDialog) and window.current_dialog.isVisible())
    dialog = window.current_dialog
    assert isinstance(dialog, PreferencesDialog)
    return dialog


def ok(qtbot, dialog: PreferencesDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_preferences_round_trip_through_the_dialog(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.preferences_action.shortcut() == QKeySequence("Ctrl+,")
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.preferences_action in edit_menu.actions()

    dialog = open_preferences(qtbot, window)
    assert dialog.region_edit.text() == ""  # this database has none yet (the app's start sets one)
    assert dialog.preferences() == Preferences()  # nothing stored yet: the defaults
    dialog.region_edit.setText("gb")
    dialog.cadence_spin.setValue(45)
    dialog.notifications_check.setChecked(False)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    dialog.vcard_combo.setCurrentIndex(dialog.vcard_combo.findData("4.0"))
    dialog.backups_spin.setValue(4)
    dialog.benchmark_spin.setValue(30)
    dialog.today_spin.setValue(7)
    with qtbot.waitSignal(window.preferences_changed):
        ok(qtbot, dialog)

    expected = Preferences(45, False, ThemeChoice.LIGHT, "4.0", 4, reply_benchmark_percent=30, due_today_limit=7)
    assert load_preferences(window.settings) == expected
    assert window.nd.settings.phone_region() == "GB"  # kept in the database, whose numbers it normalises
    again = open_preferences(qtbot, window)
    assert again.preferences() == dataclasses.replace(expected, phone_region="GB")
    assert again.cadence_spin.text() == "45 days"
    again.cadence_spin.setValue(0)
    assert again.cadence_spin.text() == "None"
    ok(qtbot, again)
    assert load_preferences(window.settings).default_cadence_days is None


def test_first_start_sets_the_phone_region_from_the_system_locale(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.nd.settings.phone_region() is None
    apply_preferences(load_preferences(window.settings), window.nd)  # what the app's start does
    expected = region_from_locale(QLocale.system().name()) or "US"
    assert window.nd.settings.phone_region() == expected
    window.nd.settings.set_phone_region("DE")
    apply_preferences(load_preferences(window.settings), window.nd)  # a later start keeps the stored one
    assert window.nd.settings.phone_region() == "DE" and default_region() == "DE"
    window.nd.settings.set_phone_region("US")


def test_cancel_keeps_the_stored_preferences(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_preferences(qtbot, window)
    dialog.backups_spin.setValue(2)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert load_preferences(window.settings).backups_kept == Preferences().backups_kept


def test_theme_choice_swaps_the_action_icon_variants(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    def variant(icon_name: str, dark: bool) -> int:
        return icons._action_icon(icon_name, dark).cacheKey()

    dialog = open_preferences(qtbot, window)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    ok(qtbot, dialog)
    assert window.new_action.icon().cacheKey() == variant("new-contact", True)
    assert window.export_action.icon().cacheKey() == variant("export", True)
    assert window.tag_list.item(0).icon().cacheKey() == variant("person", True)
    # Icons made after the switch (a tag list reload) pick the dark variant by themselves.
    with qtbot.waitSignal(window.tags_loaded):
        window.reload_tags()
    assert window.tag_list.item(1).icon().cacheKey() == variant("star", True)  # the Starred filter
    assert window.tag_list.item(2).icon().cacheKey() == variant("tag", True)

    dialog = open_preferences(qtbot, window)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    ok(qtbot, dialog)
    assert window.new_action.icon().cacheKey() == variant("new-contact", False)
    assert window.tag_list.item(2).icon().cacheKey() == variant("tag", False)


def test_is_dark_prefers_forced_choice_then_scheme_then_palette() -> None:
    assert is_dark(ThemeChoice.DARK, Qt.ColorScheme.Light, 250)
    assert not is_dark(ThemeChoice.LIGHT, Qt.ColorScheme.Dark, 10)
    assert is_dark(ThemeChoice.SYSTEM, Qt.ColorScheme.Dark, 250)
    assert not is_dark(ThemeChoice.SYSTEM, Qt.ColorScheme.Light, 10)
    assert is_dark(ThemeChoice.SYSTEM, Qt.ColorScheme.Unknown, 40)
    assert not is_dark(ThemeChoice.SYSTEM, Qt.ColorScheme.Unknown, 200)


def test_backups_kept_sets_the_service_and_prunes(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    assert db.backups is not None
    dialog = open_preferences(qtbot, window)
    dialog.backups_spin.setValue(2)
    ok(qtbot, dialog)
    assert db.backups.keep == 2
    for _ in range(4):
        db.backups.create("manual")
    assert len(db.backups.list()) == 2


def test_notifications_off_suppresses_the_daily_notification(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    contact_id = db.contacts.rows()[0].id
    call = InteractionDTO(
        datetime.now() - timedelta(days=1), InteractionKind.CALL, participants=(Participant(contact_id),)
    )
    db.timeline.log(call)  # the rhythm has started (one never started is not due today)
    db.networking.set_contact_cadence(contact_id, 7)
    shown: list[object] = []
    day = {"today": date.today() + timedelta(days=60)}  # long past the cadence: overdue
    tray = TrayController(window, notifier=lambda n: shown.append(n) or True, today=lambda: day["today"], start=False)

    dialog = open_preferences(qtbot, window)
    dialog.notifications_check.setChecked(False)
    with qtbot.waitSignal(tray.checked, timeout=5000):  # saving preferences triggers a fresh check
        ok(qtbot, dialog)
    assert tray.due_count >= 1 and shown == []

    dialog = open_preferences(qtbot, window)
    dialog.notifications_check.setChecked(True)
    with qtbot.waitSignal(tray.checked, timeout=5000):
        ok(qtbot, dialog)
    assert len(shown) == 1


def test_export_dialog_preselects_the_preferred_vcard_version(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.export_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ExportDialog))
    assert isinstance(window.current_dialog, ExportDialog)
    assert window.current_dialog.format_combo.currentData() == "vcard3"
    window.current_dialog.reject()
    qtbot.waitUntil(lambda: window.current_dialog is None)

    window.set_preferences(Preferences(export_vcard_version="4.0"))
    window.export_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ExportDialog))
    assert isinstance(window.current_dialog, ExportDialog)
    assert window.current_dialog.format_combo.currentData() == "vcard4"
    window.current_dialog.reject()


def test_default_cadence_is_given_to_new_contacts(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    window.set_preferences(Preferences(default_cadence_days=30))
    window.new_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.keyClicks(dialog.given_edit, "Katherine")
    qtbot.keyClicks(dialog.family_edit, "Johnson")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r.name == "Katherine Johnson" for r in db.contacts.rows()))
    created = next(r for r in db.contacts.rows() if r.name == "Katherine Johnson")
    # The writer thread sets the rhythm in a second transaction, after the contact's: the row can show first.
    qtbot.waitUntil(lambda: db.networking.cadence_of(created.id)[0] == 30)
    assert db.networking.cadence_of(created.id)[0] == 30


def test_stored_values_are_parsed_and_bad_ones_fall_back() -> None:
    # What an INI-backed QSettings hands back: strings.
    assert preferences_from({KEY_NOTIFICATIONS: "false", KEY_BACKUPS_KEPT: "3", KEY_THEME: "dark"}) == Preferences(
        notifications=False, backups_kept=3, theme=ThemeChoice.DARK
    )
    broken = {KEY_NOTIFICATIONS: "maybe", KEY_BACKUPS_KEPT: "-5", KEY_THEME: "purple"}
    assert preferences_from(broken) == Preferences()
    assert preferences_from({KEY_REPLY_BENCHMARK: "0", KEY_DUE_TODAY_LIMIT: "x"}) == Preferences()
    assert preferences_from({KEY_REPLY_BENCHMARK: "40", KEY_DUE_TODAY_LIMIT: "5"}) == Preferences(
        reply_benchmark_percent=40, due_today_limit=5
    )
    assert preferences_from(lambda _key: None) == Preferences()


def stored_number(nd: NetDesk, contact_id: int) -> str:
    """The normalised form the database keeps of the contact's phone number (what matching compares)."""
    with nd.engine.connect() as conn:
        query = text("SELECT normalized FROM contact_points WHERE contact_id = :c AND kind = 'phone'")
        return str(conn.execute(query, {"c": contact_id}).scalar_one())


def test_a_new_phone_region_is_a_write_that_undoes(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.nd.settings.set_phone_region("DE")
    window.nd.settings.apply()
    cid = window.nd.contacts.create(ContactDTO(given_name="Lena", phones=(ContactPoint("030 1234567"),))).value.id or 0
    assert stored_number(window.nd, cid) == "+49301234567"
    dialog = open_preferences(qtbot, window)
    dialog.region_edit.setText("GB")
    ok(qtbot, dialog)
    settle(qtbot, window)  # every stored number renormalised on the writer thread
    assert window.nd.settings.phone_region() == "GB" and default_region() == "GB"
    assert stored_number(window.nd, cid) == "+44301234567"
    assert window.undo_action.text() == "&Undo phone region"
    window.undo_action.trigger()
    settle(qtbot, window)
    assert window.nd.settings.phone_region() == "DE" and default_region() == "DE"
    assert stored_number(window.nd, cid) == "+49301234567"
    window.nd.settings.set_phone_region("US")
    window.nd.settings.apply()
