"""The contact list's search as the user types: an in-memory index, so a keystroke filters the list at once.

Asking the database on every keystroke cost 5-400 ms at 100,000 contacts, so the list used to wait for a pause in
typing and then query on a worker. This keeps netdesk.core.search_index's copy of the full-text index instead: built
on a worker once the user first goes to the search box (it holds some 30 MB at 100,000 contacts, and numpy: a start
that never searches does not pay for it), brought up to date on a worker after every change, rebuilt after a large one
(an import). While it is being built or updated ``matching`` answers NOT_READY and the window asks the database as
before, so a search never shows an out-of-date answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
        self, contacts: Callable[[], ContactService], tasks: Callable[[], TaskRunner], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._contacts = contacts
        self._tasks = tasks
        self._index: SearchIndex | None = None
        self._generation = 0  # a result computed for an older generation is dropped
        self._busy = False  # a build or an update is under way
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
            self.rebuild()

    def reloaded(self) -> None:
        """The list was reloaded: read the whole index again, once it has been wanted (else it waits for ``want``)."""
        if self._wanted:
            self.rebuild()
        else:
            self.forget()
        self._held = False

    def rebuild(self) -> None:
        """Read the whole index again (the list was reloaded: another database, a restore, a large change)."""
        self._generation += 1
        self._pending.clear()
        self._rebuild_pending = False
        self._busy = True
        generation = self._generation
        self._tasks().submit(self._contacts().search_index, lambda index: self._done(generation, index), self._failed)

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
        if len(ids) > REBUILD_ABOVE:
            if self._busy:
                self._rebuild_pending = True
            else:
                self.rebuild()
            return
        self._pending.update(ids)
        if not self._busy:
            self._apply_pending()

    def _apply_pending(self) -> None:
        if self._rebuild_pending:
            self.rebuild()
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
