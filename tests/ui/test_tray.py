"""The daily notification: what to say (a pure decision), once a day, plus the chores the same timer runs."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import DueItem, DueKind
from netdesk.services import NetDesk
from netdesk.settings import KEY_LAST_NOTIFIED, Preferences
from netdesk.ui.main_window import MainWindow
from netdesk.ui.tray import CHECK_INTERVAL_MS, Notification, TrayController, due_now, notification_for

TODAY = date(2025, 3, 14)


def keep_in_touch(db: NetDesk, contact_id: int, days: int) -> None:
    """A rhythm kept once already (a rhythm never started is not due: it waits in its own list)."""
    call = InteractionDTO(
        datetime.now() - timedelta(days=1), InteractionKind.CALL, participants=(Participant(contact_id),)
    )
    db.timeline.log(call)
    db.networking.set_contact_cadence(contact_id, days)


def item(name: str, due: date | None, kind: DueKind = DueKind.OVERDUE, contact_id: int = 1) -> DueItem:
    return DueItem(kind, contact_id, name, None, due)


def test_notification_names_whoever_is_due_today() -> None:
    items = [
        item("Ada Lovelace", TODAY - timedelta(days=3)),
        item("Alan Turing", TODAY, DueKind.BIRTHDAY, 2),
        item("Grace Hopper", None, DueKind.FAVOUR, 3),  # undated nudges count as now
        item("Linus Torvalds", TODAY + timedelta(days=4), DueKind.DUE_THIS_WEEK, 4),  # not yet
        item("Margaret Hamilton", None, DueKind.START_RHYTHM, 5),  # a rhythm to start is never urgent
    ]
    assert [i.contact_name for i in due_now(items, TODAY)] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    note = notification_for(items, TODAY, last_shown=None)
    assert note == Notification("3 things due today", "Get in touch: Ada Lovelace, Alan Turing, Grace Hopper", 3)


def test_notification_is_shown_once_a_day() -> None:
    items = [item("Ada Lovelace", TODAY)]
    assert notification_for(items, TODAY, last_shown=TODAY) is None
    assert notification_for(items, TODAY, last_shown=TODAY + timedelta(days=1)) is None  # clock went back
    tomorrow = notification_for(items, TODAY + timedelta(days=1), last_shown=TODAY)
    assert tomorrow is not None and tomorrow.title == "1 thing due today"


def test_no_notification_when_nothing_is_due_or_when_turned_off() -> None:
    assert notification_for([], TODAY, None) is None
    assert notification_for([item("Later", TODAY + timedelta(days=2))], TODAY, None) is None
    assert notification_for([item("Ada Lovelace", TODAY)], TODAY, None, enabled=False) is None


def test_long_lists_are_shortened_and_people_named_once() -> None:
    items = [item(f"Person {n}", TODAY, contact_id=n) for n in range(6)] + [item("Person 0", None, DueKind.FAVOUR)]
    note = notification_for(items, TODAY, None)
    assert note is not None
    assert note.count == 7
    assert note.message == "Get in touch: Person 0, Person 1, Person 2 and 3 more"


def test_controller_notifies_once_per_day_and_runs_the_chores(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    assert db.backups is not None and db.path is not None
    ada = next(r.id for r in db.contacts.rows() if r.name == "Ada Lovelace")
    turing = next(r.id for r in db.contacts.rows() if r.name == "Alan Turing")
    keep_in_touch(db, ada, 14)
    # Alan has been in the trash for two months: the chores delete him for good.
    db.contacts.delete([turing])
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE contacts SET deleted_at = '2000-01-01 00:00:00.000000' WHERE id = ?", (turing,))
    conn.close()

    shown: list[Notification] = []
    day = {"today": date.today() + timedelta(days=90)}
    tray = TrayController(window, notifier=lambda n: shown.append(n) or True, today=lambda: day["today"], start=False)
    assert tray.timer.interval() == CHECK_INTERVAL_MS

    with qtbot.waitSignal(tray.checked, timeout=5000):
        tray.check()
    assert [n.message for n in shown] == ["Get in touch: Ada Lovelace"]
    assert window.settings.value(KEY_LAST_NOTIFIED) == day["today"].isoformat()
    assert [b.reason for b in db.backups.list()] == ["daily"]
    assert turing not in {r.id for r in db.contacts.trash()}

    with qtbot.waitSignal(tray.checked, timeout=5000):  # an hour later, same day: nothing new
        tray.check()
    assert len(shown) == 1
    assert len(db.backups.list()) == 1  # the daily backup is daily too

    day["today"] += timedelta(days=1)
    with qtbot.waitSignal(tray.checked, timeout=5000):
        tray.check()
    assert len(shown) == 2


def test_controller_respects_notifications_off(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    keep_in_touch(db, db.contacts.rows()[0].id, 7)
    window.set_preferences(Preferences(notifications=False))
    shown: list[Notification] = []
    tray = TrayController(
        window, notifier=lambda n: shown.append(n) or True, today=lambda: date.today() + timedelta(days=90), start=False
    )
    with qtbot.waitSignal(tray.checked, timeout=5000):
        tray.check()
    assert tray.due_count == 1
    assert shown == [] and window.settings.value(KEY_LAST_NOTIFIED) is None


def test_an_undelivered_notification_is_tried_again(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    # Offscreen there is no system tray: the default notifier reports that nothing was shown.
    keep_in_touch(db, db.contacts.rows()[0].id, 7)
    tray = TrayController(window, today=lambda: date.today() + timedelta(days=90), start=False)
    assert tray.tray is None
    with qtbot.waitSignal(tray.checked, timeout=5000):
        tray.check()
    assert tray.due_count == 1
    assert tray.last_notification is None and window.settings.value(KEY_LAST_NOTIFIED) is None
