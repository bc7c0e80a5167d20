"""The contact list's search as the user types: an in-memory index, so a keystroke filters the list at once.

Asking the database on every keystroke cost 5-400 ms at 100,000 contacts, so the list used to wait for a pause in
typing and then query on a worker. This keeps netdesk.core.search_index's copy of the full-text index instead: built
once the user first goes to the search box (it holds some 30 MB at 100,000 contacts, and numpy: a start that never
searches does not pay for it), brought up to date on a worker after every change, rebuilt after a large one (an
import). A large list's index is read in a child process, which leaves the window's interpreter lock alone. While it
is being built or updated ``matching`` answers NOT_READY and the window asks the database as before, so a search never
shows an out-of-date answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent

from netdesk.core.model import ContactRow
from netdesk.services.contacts import ContactService
from netdesk.ui.workers import TaskRunner

if TYPE_CHECKING:
    from netdesk.core.search_index import Mask, SearchIndex

NOT_READY: Final = "not ready"
_USER_FOCUS = (
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
# A change to more contacts re-reads the whole index. Below, their documents are indexed on their own: for 5,000 of
# 100,000 contacts 0.3 s of CPU against 2.9 s for the whole index (and contacts deleted cost next to nothing).
REBUILD_ABOVE = 20_000
# A change to more contacts than this re-reads the whole index in a child process (services/write_process.py) when
# the database is a file, as does every read of the whole index for a list of more contacts than this. Indexing
# 20,000 new contacts' words on a worker held the interpreter lock for 1.7 s of CPU, and every repaint of the list
# meanwhile waited for it at each call into the model (bench_gui_stall: another process's import of 20,000 cards).
# The child costs about a second of its own CPU to start, apart from the window.
CHILD_REBUILD_ABOVE = 5_000


class ChangedRows(NamedTuple):
    rows: list[ContactRow]
    order: list[int] | None  # every live id in the list's order, after a change large enough to reorder much


ORDER_ABOVE = 200  # a change to more contacts reads the list's whole order with their rows


def changed_rows(contacts: ContactService, ids: Sequence[int]) -> ChangedRows:
    """On a worker: the rows of a change, and for a large one (an import) the list's new order, so that the GUI
    thread only swaps it in (placing thousands of rows one by one, or sorting 120,000 ids, there stalled it)."""
    rows = contacts.rows(ids)
    return ChangedRows(rows, contacts.search_ids() if len(ids) > ORDER_ABOVE else None)


class ListSearch(QObject):
    """Holds the index for one window; every method runs on the GUI thread."""

    ready = Signal()  # the index is current (built, or a change applied)

    def __init__(
        self,
        contacts: Callable[[], ContactService],
        tasks: Callable[[], TaskRunner],
        parent: QObject | None = None,
        db_path: Callable[[], Path | None] = lambda: None,
        listed: Callable[[], int] = lambda: 0,
    ) -> None:
        """``db_path``: the database file (None: in memory), for rebuilds in a child process; ``listed``: how many
        contacts the list holds (more than CHILD_REBUILD_ABOVE: the whole index is read in a child process too)."""
        super().__init__(parent)
        self._contacts = contacts
        self._tasks = tasks
        self._db_path = db_path
        self._listed = listed
        self._index: SearchIndex | None = None
        self._generation = 0  # a result computed for an older generation is dropped
        self._busy = False  # a build or an update is under way
        self._child_failed = False  # a child process could not read the index: read here from then on
        self._pending: set[int] = set()  # contacts changed while it was
        self._rebuild_pending = False
        self._wanted = False  # the user went to the search box: the index is built, and rebuilt on every reload
        self._held = True  # the list's rows are not in yet: ``want`` only marks it wanted (``reloaded`` builds it)

    @property
    def is_ready(self) -> bool:
        return self._index is not None and not self._busy

    def matching(self, query: str) -> Mask | str | None:
        """A mask over contact ids of the contacts matching ``query`` (None: no words, everyone), or NOT_READY."""
        if self._index is None or self._busy:
            return NOT_READY
        return self._index.matching(query)

    def watch(self, search_box: QObject) -> None:
        """Build the index when the user moves to ``search_box`` (a click, Tab, Ctrl+F); not when the window gives
        it the focus as it opens (the first keystroke there wants it)."""
        search_box.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QFocusEvent) and event.type() == QEvent.Type.FocusIn and event.reason() in _USER_FOCUS:
            self.want()
        return False

    def want(self) -> None:
        """The user is about to search (the search box has the focus, or text): build the index unless it is there."""
        self._wanted = True
        if not self._held and self._index is None and not self._busy:
            self.rebuild(in_child=self._large())

    def reloaded(self) -> None:
        """The list was reloaded: read the whole index again, once it has been wanted (else it waits for ``want``)."""
        if self._wanted:
            self.rebuild(in_child=self._large())
        else:
            self.forget()
        self._held = False

    def rebuild(self, in_child: bool = False) -> None:
        """Read the whole index again (the list was reloaded: another database, a restore, a large change); in a child
        process when ``in_child`` and the database is a file (if that fails, here)."""
        self._generation += 1
        self._pending.clear()
        self._rebuild_pending = False
        self._busy = True
        generation = self._generation
        path = self._db_path() if in_child and not self._child_failed else None
        tasks = self._tasks()
        if path is None:
            read: Callable[[], SearchIndex] = self._contacts().search_index
            failed: Callable[[BaseException], None] = self._failed
        else:
            from netdesk.services.write_process import read_search_index, run_in_process

            def unwanted() -> bool:  # a newer read, another database, or the window closing waits for this one
                return generation != self._generation or tasks.closed

            def read() -> SearchIndex:
                return run_in_process(path, read_search_index, cancel=unwanted, stop_on_cancel=True)

            def failed(_exc: BaseException) -> None:
                if generation == self._generation:
                    self._child_failed = True  # it would fail again: every later read is made here
                    self.rebuild()

        tasks.submit(read, lambda index: self._done(generation, index), failed)

    def _large(self) -> bool:
        """Whether reading the whole index is long enough to belong in a child process (0.8 s of CPU holding the
        interpreter lock at 20,000 contacts, 2.9 s at 100,000)."""
        return self._listed() > CHILD_REBUILD_ABOVE

    def forget(self) -> None:
        """No index until the next rebuild (the window switches databases: its rows load next)."""
        self._held = True
        self._generation += 1
        self._index = None
        self._busy = False
        self._pending.clear()

    def changed(self, ids: Sequence[int]) -> None:
        """Contacts ``ids`` were created, edited, deleted or restored: their words are read again on a worker."""
        if self._index is None and not self._busy:
            return  # nothing built yet; the next rebuild reads everything
        if len(ids) > REBUILD_ABOVE or (len(ids) > CHILD_REBUILD_ABOVE and self._db_path() is not None):
            if self._busy:
                self._rebuild_pending = True
            else:
                self.rebuild(in_child=True)
            return
        self._pending.update(ids)
        if not self._busy:
            self._apply_pending()

    def _apply_pending(self) -> None:
        if self._rebuild_pending:
            self.rebuild(in_child=True)
            return
        if not self._pending or self._index is None:
            return
        ids = sorted(self._pending)
        self._pending.clear()
        self._busy = True
        generation = self._generation
        index = self._index
        contacts = self._contacts()

        def update() -> SearchIndex:
            if index.segments >= _max_segments():
                return contacts.search_index()  # many small edits: one fresh index answers faster
            return index.updated(contacts.search_documents(ids))

        self._tasks().submit(update, lambda new: self._done(generation, new), self._failed)

    def _done(self, generation: int, index: SearchIndex) -> None:
        if generation != self._generation:
            return
        self._index = index
        self._busy = False
        if self._pending or self._rebuild_pending:
            self._apply_pending()
            return
        self.ready.emit()

    def _failed(self, _exc: BaseException) -> None:
        # The database path still answers every search; the next reload tries again.
        self._generation += 1
        self._index = None
        self._busy = False


def _max_segments() -> int:
    from netdesk.core.search_index import MAX_SEGMENTS

    return MAX_SEGMENTS
