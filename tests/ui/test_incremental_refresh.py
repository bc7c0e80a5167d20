"""After a write the contact list changes only what the change-set names: a log updates that person's row in place
(and their timeline), a new contact is inserted where the name order puts it, a deleted one is removed; the list is
never reset for them, and a log reloads neither the tag rail nor the search index."""

from __future__ import annotations

from datetime import datetime

from window_helpers import settle

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.main_window import MainWindow


class ModelSignals:
    """Every reset, insertion, removal and data change the list's model announces from now on."""

    def __init__(self, window: MainWindow) -> None:
        model = window.model
        self.resets = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _p, first, last: self.inserted.append((first, last)))
        model.rowsRemoved.connect(lambda _p, first, last: self.removed.append((first, last)))
        model.dataChanged.connect(lambda top, bottom, _roles=(): self.changed.append((top.row(), bottom.row())))

    def _reset(self) -> None:
        self.resets += 1


def listed_names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def listed_keys(window: MainWindow) -> list[str]:
    """The name-order key of each listed row, top to bottom."""
    model = window.model
    return [row.sort_key for row in (model.contact_row(model.contact_id(r) or 0) for r in range(model.shown)) if row]


def test_a_log_updates_only_that_persons_row_and_timeline(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    grace = sample["Grace Hopper"]
    window.contact_list.select_contact(grace)
    settle(qtbot, window)
    row = window.model.row_of(grace)
    assert row is not None and window.model.index(row, Column.LAST_CONTACTED).data() == ""
    signals = ModelSignals(window)
    tags_reloaded: list[bool] = []
    window.contact_list.tags_loaded.connect(lambda: tags_reloaded.append(True))
    rebuilds: list[bool] = []
    search = window.contact_list.list_search
    original_rebuild, original_changed = search.rebuild, search.changed
    search.rebuild = lambda: (rebuilds.append(True), original_rebuild())  # type: ignore[method-assign]
    search.changed = lambda ids: (rebuilds.append(True), original_changed(ids))  # type: ignore[method-assign]
    logged = InteractionDTO(
        occurred_at=datetime(2025, 3, 4, 10, 0),
        kind=InteractionKind.CALL,
        summary="Talked compilers",
        participants=(Participant(grace),),
    )
    window.ops.run(lambda: db.timeline.log(logged))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.detail.timeline_list.count() == 1, timeout=5000)

    assert window.model.index(row, Column.LAST_CONTACTED).data() == "04 Mar 2025"  # the row, in place
    assert (row, row) in signals.changed
    assert signals.resets == 0 and not signals.inserted and not signals.removed
    assert all(top == bottom == row for top, bottom in signals.changed if (top, bottom) != (0, window.model.shown - 1))
    assert "Talked compilers" in window.detail.timeline_list.item(0).text()
    assert not tags_reloaded and not rebuilds  # names, tags and search words did not change


def test_a_new_contact_is_inserted_in_name_order_and_a_deleted_one_removed(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    before = listed_names(window)
    assert listed_keys(window) == sorted(listed_keys(window))
    window.contact_list.select_contact(sample["Linus Torvalds"])
    signals = ModelSignals(window)

    created: list[int] = []
    liskov = ContactDTO(given_name="Barbara", family_name="Liskov", organization="MIT")
    window.ops.run(lambda: db.contacts.create(liskov), lambda c: created.append(c.id or 0))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.total == len(before) + 1, timeout=5000)
    settle(qtbot, window)
    barbara = created[0]
    at = window.model.row_of(barbara)
    assert at is not None
    assert listed_keys(window) == sorted(listed_keys(window))  # the list's name order: given name first
    assert listed_names(window)[at - 1 : at + 2] == ["Analytical Engines", "Barbara Liskov", "Grace Hopper"]
    assert signals.inserted == [(at, at)] and signals.resets == 0
    assert window.contact_list.selected_id() == sample["Linus Torvalds"]  # the selection stayed on its contact
    assert window.count_label.text() == f"{len(before) + 1} shown / {len(before) + 1} total"

    turing = sample["Alan Turing"]
    gone_at = window.model.row_of(turing)
    window.ops.run(lambda: db.contacts.delete([turing]))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.row_of(turing) is None, timeout=5000)
    assert signals.removed == [(gone_at, gone_at)] and signals.resets == 0
    assert "Alan Turing" not in listed_names(window) and window.model.contact_row(turing) is None
    assert window.contact_list.selected_id() == sample["Linus Torvalds"]


def test_the_modules_the_list_updates_need_are_imported_on_a_worker_once_the_list_shows(  # type: ignore[no-untyped-def]
    make_window, sample: dict[str, int], monkeypatch
) -> None:
    """numpy (row insertions and removals, see visible_steps) imported by the first write's refresh held the GUI
    thread for 100-200 ms: it is imported on a worker once the list's first rows are in."""
    import threading

    from netdesk.ui.controllers import contact_list

    threads: list[threading.Thread] = []
    monkeypatch.setattr(contact_list, "import_list_updates", lambda: threads.append(threading.current_thread()))
    window = make_window()
    assert window.model.total == len(sample)
    assert len(threads) == 1
    assert threads[0] is not threading.main_thread()
