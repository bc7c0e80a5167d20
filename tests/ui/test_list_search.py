"""The contact list's search from memory: the list filters within the keystroke and follows every change."""

from __future__ import annotations

from netdesk.services import NetDesk, open_netdesk
from netdesk.ui.main_window import MainWindow
from tests.ui.conftest import person


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def test_the_index_is_built_when_the_user_goes_to_search_not_at_start(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0)
    assert not window.list_search.is_ready  # a start that never searches does not build it
    window.search_edit.setText("analyt")  # meanwhile the database answers, on a worker
    qtbot.waitUntil(lambda: sorted(names(window)) == ["Ada Lovelace", "Analytical Engines", "Margaret Hamilton"])
    qtbot.waitUntil(lambda: window.list_search.is_ready)  # the first keystroke asked for it
    window.search_edit.setText("analyt marg")
    assert names(window) == ["Margaret Hamilton"]  # from memory, within the keystroke


def test_typing_filters_the_list_within_the_keystroke(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.find_action.trigger()  # Ctrl+F: the user goes to the search box, the index is built
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    qtbot.keyClicks(window.search_edit, "analyt")
    # No pause to wait for and no worker: the list already shows the answer when the key press returns.
    assert sorted(names(window)) == ["Ada Lovelace", "Analytical Engines", "Margaret Hamilton"]
    assert window.count_label.text() == "3 shown / 6 total"
    qtbot.keyClicks(window.search_edit, " marg")
    assert names(window) == ["Margaret Hamilton"]
    window.search_edit.clear()
    assert window.model.shown == 6


def test_search_follows_edits_new_and_deleted_contacts(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int]
) -> None:
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    grace = db.contacts.get(sample["Grace Hopper"])
    window.ops.run(lambda: db.contacts.update(grace.replace(organization="Harvard Computation Lab")))
    window.ops.run(lambda: db.contacts.create(person("Katherine", "Johnson", "NASA Langley", "Mathematician")))
    window.ops.run(lambda: db.contacts.delete([sample["Ada Lovelace"]]))
    # The writes run on the window's writer thread; each one's rows and index update follow on workers.
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0 and window.list_search.is_ready)
    window.search_edit.setText("harvard")
    assert names(window) == ["Grace Hopper"]
    window.search_edit.setText("mathem")
    assert names(window) == ["Katherine Johnson"]  # Ada, also a mathematician, is in the trash
    window.search_edit.setText("us navy")
    assert names(window) == []
    assert "No contacts match" in window.detail.browser.toPlainText()


def test_a_large_import_lands_in_name_order_and_is_searchable(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path, monkeypatch
) -> None:
    # What an import of thousands does (rows, order and index read again on workers), here with five cards.
    import netdesk.ui.list_search as list_search

    monkeypatch.setattr(list_search, "REBUILD_ABOVE", 2)
    window.find_action.trigger()  # searched once: the index is rebuilt after the import
    cards = tmp_path / "phone-book.vcf"
    people = [("Zhang", "Wei"), ("Abara", "Chidi"), ("Meyer", "Lena"), ("Hopkins", "Ada"), ("Torres", "Rosa")]
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\nFN:{given} {family}\r\n"
            f"ORG:Harbour Lights\r\nEND:VCARD\r\n"
            for family, given in people
        ),
        encoding="utf-8",
    )
    window.import_files([cards])
    qtbot.waitUntil(lambda: not window.import_running and window.model.total == 11, timeout=20_000)
    qtbot.waitUntil(lambda: window.list_search.is_ready and window.tasks.pending == 0, timeout=20_000)
    shown = [window.model.contact_row(window.model.contact_id(r) or 0) for r in range(window.model.rowCount())]
    keys = [row.sort_key for row in shown if row is not None]
    assert len(keys) == 11 and keys == sorted(keys)  # the new people among the others, not appended at the end
    window.search_edit.setText("harbour")
    assert sorted(names(window)) == ["Ada Hopkins", "Chidi Abara", "Lena Meyer", "Rosa Torres", "Wei Zhang"]


def test_a_large_list_or_change_reads_the_index_in_a_child_process_or_here_if_that_fails(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, monkeypatch
) -> None:
    import netdesk.services.write_process as write_process
    import netdesk.ui.list_search as list_search

    monkeypatch.setattr(list_search, "CHILD_REBUILD_ABOVE", 2)
    children: list[object] = []
    real = write_process.run_in_process

    def spied(path, task, *args, **kwargs):  # type: ignore[no-untyped-def]
        children.append(task)
        return real(path, task, *args, **kwargs)

    monkeypatch.setattr(write_process, "run_in_process", spied)
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.list_search.is_ready, timeout=20_000)
    assert children == [write_process.read_search_index]  # a list of more contacts than the limit: read there
    for given in ("Dorothy", "Edsger", "Frances"):
        window.ops.run(lambda given=given: db.contacts.create(person(given, "Quarry", "Stone Works")))
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0)
    window.contact_list.contacts_changed(window.contact_list.shown_ids())  # every contact changed: a large change
    qtbot.waitUntil(lambda: window.list_search.is_ready and window.tasks.pending == 0, timeout=20_000)
    assert children == [write_process.read_search_index] * 2
    window.search_edit.setText("stone")
    assert sorted(names(window)) == ["Dorothy Quarry", "Edsger Quarry", "Frances Quarry"]  # from the child's index

    def broken(path, task, *args, **kwargs):  # type: ignore[no-untyped-def]
        children.append(task)
        raise write_process.WriteProcessError("the child could not start")

    monkeypatch.setattr(write_process, "run_in_process", broken)
    window.ops.run(lambda: db.contacts.create(person("Grete", "Quarry", "Stone Works")))
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0)
    window.contact_list.contacts_changed(window.contact_list.shown_ids())
    qtbot.waitUntil(lambda: window.list_search.is_ready and window.tasks.pending == 0, timeout=20_000)
    window.search_edit.setText("stone")
    assert sorted(names(window))[-1] == "Grete Quarry"  # read here instead
    assert len(children) == 3

    # A child that failed once is not tried again: each try would cost a second of CPU to fail the same way.
    window.ops.run(lambda: db.contacts.create(person("Hedy", "Quarry", "Stone Works")))
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0)
    window.contact_list.contacts_changed(window.contact_list.shown_ids())
    qtbot.waitUntil(lambda: window.list_search.is_ready and window.tasks.pending == 0, timeout=20_000)
    window.search_edit.setText("stone")
    assert sorted(names(window))[-2:] == ["Grete Quarry", "Hedy Quarry"] and len(children) == 3


def test_switching_databases_stops_the_childs_read_of_the_old_index(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, tmp_path
) -> None:
    """The switch waits for the old database's background reads: a child reading its index is stopped, not awaited."""
    import netdesk.services.write_process as write_process
    import netdesk.ui.list_search as list_search

    monkeypatch.setattr(list_search, "CHILD_REBUILD_ABOVE", 2)
    monkeypatch.setattr(write_process, "read_search_index", _never_done)
    ended: list[BaseException] = []
    real = write_process.run_in_process

    def spied(path, task, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return real(path, task, *args, **kwargs)
        except BaseException as exc:
            ended.append(exc)
            raise

    monkeypatch.setattr(write_process, "run_in_process", spied)
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.tasks.pending == 1, timeout=5_000)
    other = tmp_path / "other.sqlite3"
    open_netdesk(other).close()
    assert window.open_database(other)
    assert len(ended) == 1 and isinstance(ended[0], write_process.WriteProcessCancelled)
    assert window.model.rowCount() == 0


def test_a_new_search_paints_the_list_once(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """A search that shows another list lays the rows out at once: they are painted once, not painted, laid out and
    painted again."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QPaintEvent

    class FullPaints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if isinstance(event, QPaintEvent) and event.rect() == viewport.rect():
                self.count += 1
            return False

    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    qtbot.wait(50)
    viewport = window.table.viewport()
    paints = FullPaints()
    viewport.installEventFilter(paints)
    window.search_edit.setText("analyt")
    assert sorted(names(window)) == ["Ada Lovelace", "Analytical Engines", "Margaret Hamilton"]
    qtbot.waitUntil(lambda: paints.count >= 1)
    qtbot.wait(100)
    assert paints.count == 1


def test_a_search_whose_rows_fit_keeps_the_scroll_bar_and_paints_the_list_once(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    """A list too long for the view, then one that fits, then the long one again: the viewport keeps its width (the
    columns are not fitted again) and each new list is painted once, not once more after a scroll bar came or went."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QPaintEvent

    class Paints(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.widths: list[int] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if isinstance(event, QPaintEvent) and event.rect().height() == viewport.height():
                self.widths.append(event.rect().width())
            return False

    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.list_search.is_ready)
    viewport = window.table.viewport()
    window.table.verticalHeader().setDefaultSectionSize(viewport.height() // 4)  # 4 of the 6 rows fit
    qtbot.wait(100)
    assert window.model.shown == 6
    paints = Paints()
    viewport.installEventFilter(paints)
    width = viewport.width()
    for text, shown in (("analyt", 3), ("", 6), ("analyt", 3)):
        before = len(paints.widths)
        window.search_edit.setText(text)
        assert window.model.shown == shown
        qtbot.waitUntil(lambda before=before: len(paints.widths) > before)
        qtbot.wait(100)
        assert paints.widths[before:] == [width]
    assert viewport.width() == width


def _never_done(_nd: object, _progress: object, _cancel: object) -> object:
    """A search-index read that never ends by itself (it runs in the child process)."""
    import time

    time.sleep(600)
    return None
