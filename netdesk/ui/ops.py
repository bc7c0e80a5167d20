"""The one write path of the GUI (Anki's CollectionOp is the model).

``Ops.run`` calls a service write inside the undo journal's recording: in a window on the window's one writer
thread (writes run in the order they were asked for; even a log can take longer than a frame on a large database),
on the GUI thread for an ``Ops`` without a window. Back on the GUI thread it shows a failure one way (a dialog with
one plain sentence, never a traceback, or beside the field of the form that asked), pushes the undo entry and
publishes the write's ``ChangeSet`` on the bus. There is no other way to write from the GUI. Undo and redo replay
the journal's SQL on the writer thread and publish the same change-set, so every view refreshes the same way
whichever way the data changed.

Views find the window's ``Ops`` with ``ops_for(widget)``; a view shown on its own (in a test) gets one without
undo that still publishes nothing and shows errors the same way.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NetDeskError
from netdesk.services.undo import UndoStep
from netdesk.services.write_process import heavy_step, replayed_step, run_in_process
from netdesk.ui.bus import ChangeBus
from netdesk.ui.icons import action_icon
from netdesk.ui.safe_text import plain_tooltip

if TYPE_CHECKING:
    from netdesk.services import NetDesk
    from netdesk.ui.workers import TaskRunner

T = TypeVar("T")
log = logging.getLogger(__name__)


def write_directly(fn: Callable[[], Written[T]]) -> T:
    """For a dialog used without a window (tests): write with no undo entry and no bus."""
    return fn().value


def failure_text(exc: BaseException) -> str:
    """One sentence for the user: our own errors say what went wrong; anything else is named, not dumped."""
    if isinstance(exc, NetDeskError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {exc})."


def show_error(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """The one way a failure reaches the user: a window-modal box of plain text (never rich text). The same failure
    again while its box is open (writes queued behind one that failed on a read-only or locked database) is that box,
    not a pile of copies to click away."""
    if parent is not None:
        for open_box in parent.findChildren(QMessageBox, "errorBox"):
            if open_box.isVisible() and open_box.windowTitle() == title and open_box.text() == message:
                open_box.raise_()
                return open_box
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:] if label else label


@dataclass(frozen=True, slots=True)
class _Outcome:
    value: Any
    step: UndoStep | None


class Ops(QObject):
    """Runs writes for one window and keeps its undo history."""

    message = Signal(str)  # for the status bar: what was done, undone or redone
    replayed = Signal(object)  # the ChangeSet of an undo or redo, after the bus has it (the list selects)
    history_changed = Signal()
    busy_changed = Signal(bool)

    def __init__(
        self,
        parent: QWidget,
        netdesk: Callable[[], NetDesk],
        tasks: Callable[[], TaskRunner] | None,
        bus: ChangeBus,
        undoable: bool = True,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._netdesk = netdesk
        self._tasks = tasks
        self.bus = bus
        self._undoable = undoable
        self._undo: list[UndoStep] = []
        self._redo: list[UndoStep] = []
        # What is queued on the writer and not finished yet, by kind: "write", "Undone", "Redone".
        self._pending: Counter[str] = Counter()
        self._writer: TaskRunner | None = None

    # --- the writer thread ---------------------------------------------------------------------------------

    def _writes(self) -> TaskRunner | None:
        """One thread, so that writes and undos reach the database in the order the user made them (None: write
        on the GUI thread, for an ``Ops`` without a window)."""
        if self._tasks is None:
            return None
        if self._writer is None:
            from netdesk.ui.workers import TaskRunner

            # At the GUI thread's priority: the user waits for a save, and the GUI thread for the GIL it holds.
            self._writer = TaskRunner(self, max_threads=1, nicer_by=0)
        return self._writer

    def close_writes(self) -> None:
        """Wait for every queued write (before the database it writes to is closed or replaced)."""
        if self._writer is not None:
            self._writer.close()  # their results are dropped: the history is cleared, or the window closes
            self._writer = None
        if self._pending.total():
            self._pending.clear()
            self._set_busy()

    @property
    def busy(self) -> bool:
        """A write, an undo or a redo is running or queued (undo and redo wait for it)."""
        return self._pending.total() > 0

    def _own(self, work: Callable[[], T]) -> Callable[[], T]:
        """``work`` marked as this app's own write: the watcher of other programs' writes does not report it (its
        change-set reaches the bus from here)."""
        watcher = self._netdesk().external_changes

        def own_write() -> T:
            with watcher.own_write():
                return work()

        return own_write

    def _submit(
        self,
        writer: TaskRunner,
        kind: str,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self._pending[kind] += 1
        if self._pending.total() == 1:
            self._set_busy()
        else:
            self.history_changed.emit()

        def finished(result: Any) -> None:
            self._end_pending(kind)
            done(result)

        def crashed(exc: BaseException) -> None:
            self._end_pending(kind)
            failed(exc)

        writer.submit(self._own(work), finished, crashed)

    def _end_pending(self, kind: str) -> None:
        self._pending[kind] = max(0, self._pending[kind] - 1)
        self._set_busy()

    # --- writing -------------------------------------------------------------------------------------------

    def _record(self, fn: Callable[[], Written[T]]) -> tuple[Written[T] | None, UndoStep | None, BaseException | None]:
        journal = self._netdesk().undo
        error: BaseException | None = None
        written: Written[T] | None = None
        with journal.recording() as rec:
            try:
                written = fn()
            except Exception as exc:  # shown to the user by the caller, never raised into Qt
                log.debug("write failed:\n%s", traceback.format_exc())
                error = exc
        changes = written.changes if written is not None else ChangeSet(label="unfinished change")
        step = rec.step(changes) if rec.statements else None
        return written, step, error

    def _finish(self, step: UndoStep | None, changes: ChangeSet) -> None:
        if step is not None and self._undoable:
            self._undo.append(step)
            self._redo.clear()
            self.history_changed.emit()
        self.bus.publish(changes if step is None else step.changes)

    def run(
        self,
        fn: Callable[[], Written[T]],
        on_done: Callable[[T], None] | None = None,
        *,
        background: bool | None = None,
        title: str = "Could not save",
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Write on the writer thread (``background=False``: on the GUI thread, for a write known to be tiny); then
        the undo entry and the bus on the GUI thread, and ``on_done``. A failure is shown as a dialog titled
        ``title``, or handed to ``on_error`` (a form that shows it beside the field)."""
        writer = self._writes() if background is not False else None
        self._run_recorded(lambda: self._record(fn), writer, on_done, title, on_error)

    def run_recorded(
        self,
        fn: Callable[[], tuple[Written[T], UndoStep | None]],
        on_done: Callable[[T], None] | None = None,
        *,
        title: str = "Could not save",
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``run`` for a write that records its own undo step (in a child process, see services.write_process):
        ``fn`` returns the write and that step, which goes on the undo stack as any other."""

        def work() -> tuple[Written[T] | None, UndoStep | None, BaseException | None]:
            try:
                written, step = fn()
            except Exception as exc:  # shown to the user like any failed write
                log.debug("write failed:\n%s", traceback.format_exc())
                return None, None, exc
            return written, step, None

        self._run_recorded(work, self._writes(), on_done, title, on_error)

    def _run_recorded(
        self,
        work: Callable[[], tuple[Written[T] | None, UndoStep | None, BaseException | None]],
        writer: TaskRunner | None,
        on_done: Callable[[T], None] | None,
        title: str,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        def failed(exc: BaseException) -> None:
            if on_error is not None:
                on_error(exc)
            else:
                show_error(self._parent, title, failure_text(exc))

        def done(outcome: tuple[Written[T] | None, UndoStep | None, BaseException | None]) -> None:
            written, step, error = outcome
            if step is not None or written is not None:
                self._finish(step, written.changes if written is not None else ChangeSet())
            if error is not None:
                failed(error)
            elif written is not None and on_done is not None:
                on_done(written.value)

        if writer is not None:
            self._submit(writer, "write", work, done, failed)
        else:
            done(self._own(work)())

    def write_later(
        self, fn: Callable[[], Written[T]], on_done: Callable[[T], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """``run`` for a form: its ``on_error`` shows the refusal beside the field (the dialogs' ``write_later``)."""
        self.run(fn, on_done, on_error=on_error)

    # --- undo and redo -------------------------------------------------------------------------------------

    # Undo waits for a write (its step is not on the stack yet) and for a redo, but not for another undo: pressing
    # Ctrl+Z three times queues three undos, newest first, as the stack says.
    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self._pending["write"] and not self._pending["Redone"]

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and not self._pending["write"] and not self._pending["Undone"]

    @property
    def undo_count(self) -> int:
        return len(self._undo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def clear_history(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self.history_changed.emit()

    def undo(self) -> None:
        if self.can_undo:
            self._replay(self._undo, self._redo, "Undone")

    def redo(self) -> None:
        if self.can_redo:
            self._replay(self._redo, self._undo, "Redone")

    def _replay(self, source: list[UndoStep], target: list[UndoStep], verb: str) -> None:
        step = source.pop()
        nd = self._netdesk()
        journal = nd.undo

        def done(reverse: UndoStep) -> None:
            target.append(reverse)
            self.history_changed.emit()
            self.message.emit(f"{verb}: {step.label or 'change'}")
            self.bus.publish(step.changes)
            self.replayed.emit(step.changes)

        def failed(exc: BaseException) -> None:
            # The database moved on in a way the step cannot reverse (e.g. deleted for good since): drop it.
            self.history_changed.emit()
            what = "undo" if verb == "Undone" else "redo"
            show_error(self._parent, f"Could not {what}", f"Could not {what} {step.label}: {failure_text(exc)}")

        writer = self._writes()
        if writer is not None:
            if nd.path is not None and not nd.writes_refused and heavy_step(step):
                # An import's undo rewrites thousands of rows: in a child process, off this one's GIL.
                db = nd.path
                self._submit(writer, verb, lambda: run_in_process(db, partial(replayed_step, step)), done, failed)
            else:
                self._submit(writer, verb, lambda: journal.undo(step), done, failed)
            return
        try:
            reverse = self._own(lambda: journal.undo(step))()
        except Exception as exc:
            log.debug("undo failed:\n%s", traceback.format_exc())
            failed(exc)
        else:
            done(reverse)

    def _set_busy(self) -> None:
        self.busy_changed.emit(self.busy)
        self.history_changed.emit()

    # --- actions ---------------------------------------------------------------------------------------------

    def make_actions(self, parent: QWidget) -> tuple[QAction, QAction]:
        """Edit → Undo/Redo: the full label in the menu and tooltip, a short word on the toolbar button."""
        undo = QAction(action_icon("undo"), "&Undo", parent)
        undo.setObjectName("undoAction")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.triggered.connect(lambda _checked=False: self.undo())
        redo = QAction(action_icon("redo"), "&Redo", parent)
        redo.setObjectName("redoAction")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        redo.triggered.connect(lambda _checked=False: self.redo())

        def sync() -> None:
            for action, word, label, enabled in (
                (undo, "Undo", self.undo_label, self.can_undo),
                (redo, "Redo", self.redo_label, self.can_redo),
            ):
                text = f"{word} {label}" if label else word
                action.setText(f"&{text}")
                action.setIconText(word)  # toolbar buttons stay short: the search field never overflows
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(plain_tooltip(f"{text} ({keys})"))  # labels carry names
                action.setEnabled(enabled)

        self.history_changed.connect(sync)
        sync()
        return undo, redo


def ops_for(widget: QWidget, nd: NetDesk, refresh: Callable[[], None] | None = None) -> Ops:
    """The ``Ops`` of the window ``widget`` is shown in: views reach writes through this, not through the window.

    A view shown on its own (a test, a dialog without a main window) gets its own ``Ops`` over ``nd``, without
    undo, whose bus calls ``refresh``.
    """
    ancestor: QWidget | None = widget
    while ancestor is not None:  # through dialogs too: their window() is the dialog itself
        found = ancestor.findChild(Ops, "windowOps", Qt.FindChildOption.FindDirectChildrenOnly)
        if isinstance(found, Ops):
            return found
        ancestor = ancestor.parentWidget()
    own = widget.findChild(Ops, "standaloneOps", Qt.FindChildOption.FindDirectChildrenOnly)
    if isinstance(own, Ops):
        return own
    ops = Ops(widget, lambda: nd, None, ChangeBus(widget), undoable=False)
    ops.setObjectName("standaloneOps")
    if refresh is not None:
        ops.bus.changed.connect(lambda _changes: refresh())
    return ops
