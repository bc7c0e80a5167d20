"""The window's writes run on its writer thread, in order; the undo entry, the bus and errors stay on the GUI thread,
and Ctrl+Z pressed several times in a row undoes that many steps."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication
from window_helpers import settle

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow


def test_writes_run_off_the_gui_thread_in_order_and_undo_in_a_row(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    ada, grace = sample["Ada Lovelace"], sample["Grace Hopper"]
    writing: list[tuple[str, bool]] = []
    published: list[bool] = []
    window.bus.changed.connect(lambda _c: published.append(threading.current_thread() is threading.main_thread()))

    def rhythm(cid: int, days: int) -> Written[tuple[int, int]]:
        writing.append((f"{cid}:{days}", threading.current_thread() is threading.main_thread()))
        return db.networking.set_contact_cadence(cid, days)

    for days in (7, 14, 30):  # three writes asked for at once run one after the other, in that order
        window.ops.run(lambda d=days: rhythm(ada, d))
    window.ops.run(lambda: rhythm(grace, 90))
    assert window.ops.busy and not window.undo_action.isEnabled()  # undo waits for the writes
    settle(qtbot, window)
    assert writing == [(f"{ada}:7", False), (f"{ada}:14", False), (f"{ada}:30", False), (f"{grace}:90", False)]
    assert published and all(published)
    assert db.networking.cadence_of(ada)[0] == 30 and window.ops.undo_count == 4

    for _ in range(3):  # Ctrl+Z three times, faster than the writer: three undos, newest first
        window.undo_action.trigger()
    settle(qtbot, window)
    assert db.networking.cadence_of(grace)[0] is None
    assert db.networking.cadence_of(ada)[0] == 7
    assert window.redo_action.text() == "&Redo rhythm for Ada Lovelace" and window.ops.undo_count == 1


def test_a_failed_write_is_one_dialog_on_the_gui_thread(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    def refuse() -> Written[None]:
        raise NetDeskError("That contact was deleted meanwhile.")

    window.ops.run(refuse, title="Could not save")
    settle(qtbot, window)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert [b.text() for b in boxes] == ["That contact was deleted meanwhile."]  # type: ignore[attr-defined]
    assert window.ops.undo_count == 0 and not window.ops.busy
    for box in boxes:
        box.close()


def test_a_write_about_one_person_recomputes_their_strength_only(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    from datetime import datetime, timedelta

    from netdesk.core.model import InteractionDTO, InteractionKind, Participant

    ada, grace = sample["Ada Lovelace"], sample["Grace Hopper"]
    navigation = window.navigation
    qtbot.waitUntil(lambda: window.model.strength(ada) is not None, timeout=10_000)
    assert window.model.strength(ada) == 0
    asked: list[list[int]] = []
    partial = db.networking.strength_scores_of
    db.networking.strength_scores_of = lambda ids, today=None: asked.append(list(ids)) or partial(ids, today)  # type: ignore[method-assign]
    when = datetime.now() - timedelta(days=2)
    with qtbot.waitSignal(navigation.strengths_loaded, timeout=10_000):
        window.ops.run(
            lambda: db.timeline.log(InteractionDTO(when, InteractionKind.MEETING, participants=(Participant(ada),)))
        )
    assert asked == [[ada]]
    full = db.networking.strength_scores()
    assert window.model.strength(ada) == full[ada] > 0
    assert window.model.strength(grace) == full.get(grace, 0)
