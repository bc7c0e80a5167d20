"""What the practice pages share, so each page file holds only what is its own.

- ``FormDialog``: a form (label, field rows), an error line and OK/Cancel. OK runs the write ``prepare()`` returns
  through the window's one write path (``Ops.run``: on the writer thread, one undo entry, the bus refreshes every
  page) and closes when it is done; a refusal (``NetDeskError``, or ``FormProblem`` from the form's own checks)
  stays under the form as one plain line.
- ``PracticePage``: the page's writes (the same path, a refusal on the page's error line), dialogs opened one at a
  time (``active_dialog``), and its lists wired to its actions (``watch``): the context menu, Enter opens, and
  the window's F2 (Edit) and Delete act on what ``page_actions()`` says fits the selection, disabled when nothing
  does.
- ``named``, ``combo``, ``spin``, ``hbox``, ``vbox``: a widget with its object name in one expression, and rows and
  columns of widgets, so that a page's layout reads as its shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLayout,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk
from netdesk.ui.ops import failure_text, ops_for
from netdesk.ui.page_actions import NOTHING, PageActions, install_context_menu
from netdesk.ui.widgets.error_label import error_label

T = TypeVar("T")
W = TypeVar("W", bound=QWidget)
# A layout entry: a widget or a layout, with its stretch factor as (item, stretch); None is a stretch.
LayoutItem = QWidget | QLayout | tuple[QWidget | QLayout, int] | None


def named(widget: W, name: str, placeholder: str = "") -> W:
    """``widget`` with its object name (what tests and screenshots find it by) and placeholder text."""
    widget.setObjectName(name)
    if isinstance(widget, QPlainTextEdit):
        widget.setTabChangesFocus(True)  # a form's text box: Tab goes on to the next field, as in a line edit
    if placeholder:
        widget.setPlaceholderText(placeholder)  # type: ignore[attr-defined]
    return widget


def combo(name: str, entries: Iterable[tuple[str, object]], current: object = None) -> QComboBox:
    """A drop-down of (text, data) entries, with the entry whose data is ``current`` chosen."""
    box = named(QComboBox(), name)
    for text, data in entries:
        box.addItem(text, data)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def spin(name: str, low: int, high: int, value: int, *, prefix: str = "", suffix: str = "", none: str = "") -> QSpinBox:
    """A number box from ``low`` to ``high``; ``none`` is what ``low`` reads as ("No rhythm")."""
    box = named(QSpinBox(), name)
    box.setRange(low, high)
    box.setPrefix(prefix)
    box.setSuffix(suffix)
    if none:
        box.setSpecialValueText(none)
    box.setValue(value)
    return box


def _fill(layout: QBoxLayout, items: Sequence[LayoutItem]) -> None:
    for item in items:
        if item is None:
            layout.addStretch(1)
            continue
        target, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(target, QLayout):
            layout.addLayout(target, stretch)
        else:
            layout.addWidget(target, stretch)


def hbox(*items: LayoutItem) -> QHBoxLayout:
    """A row of ``items`` (see ``LayoutItem``)."""
    layout = QHBoxLayout()
    _fill(layout, items)
    return layout


def vbox(*items: LayoutItem, parent: QWidget | None = None) -> QVBoxLayout:
    """A column of ``items``, the layout of ``parent`` when given."""
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    _fill(layout, items)
    return layout


class FormProblem(Exception):
    """A form's own check failed ("Pick the introducer from the suggestions."): shown under the form."""


class FormDialog(QDialog):
    """A practice record's form. Subclasses build their fields, call ``finish`` with the rows, and implement
    ``prepare``: the form's own checks, then the write that saves it (its value is kept in ``saved``)."""

    def __init__(self, nd: NetDesk, parent: QWidget | None, *, name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._nd = nd
        self.saved: Any = None
        self.saving = False
        self.form = QFormLayout()
        self.error_label = error_label(name.removesuffix("Dialog") + "Error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def finish(self, rows: Sequence[tuple[str, QWidget | QLayout]], *below: QWidget) -> None:
        """Lay out the form's ``rows`` (label, field), then ``below`` (hints), the error line and the buttons."""
        for label, field in rows:
            self.form.addRow(label, field)
        vbox(self.form, *below, self.error_label, self.buttons, parent=self)

    def prepare(self) -> Callable[[], Written[Any]]:
        """The write that saves the form (it must read no widget: it runs on the writer thread), or ``FormProblem``."""
        raise NotImplementedError

    def accept(self) -> None:
        if self.saving:
            return
        try:
            write = self.prepare()
        except (FormProblem, NetDeskError) as exc:
            self.fail(str(exc))
            return
        self._set_saving(True)
        ops_for(self, self._nd).run(write, self._saved, on_error=self._refused)

    def reject(self) -> None:
        if not self.saving:  # the write under way closes the dialog when it is done
            super().reject()

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        for button in self.buttons.buttons():
            button.setEnabled(not saving)

    def _saved(self, value: Any) -> None:
        self._set_saving(False)
        self.saved = value
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        self._set_saving(False)
        self.fail(failure_text(exc))

    def fail(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()


class PracticePage(QWidget):
    """A practice page: ``Page(nd)``, ``refresh()`` reloads it, ``contactActivated(int)`` asks the window to show a
    contact, ``actions_changed`` tells the window its Edit and Delete may now mean something else."""

    contactActivated = Signal(int)
    actions_changed = Signal()

    def __init__(self, nd: NetDesk, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._nd = nd
        self.active_dialog: QDialog | None = None
        self.error_label = error_label(name.removesuffix("Page") + "PageError")
        self.watched: list[QAbstractItemView] = []
        self.last_list: QAbstractItemView | None = None  # the list the user last worked in: actions follow it

    def refresh(self) -> None:
        raise NotImplementedError

    def page_actions(self) -> PageActions:
        return NOTHING

    def write(
        self,
        fn: Callable[[], Written[T]],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Through the window's one write path (on its writer thread): an undo entry, and every page refreshed from
        the bus. Then ``on_done`` gets the value and the error line is cleared; a refusal goes to ``on_error``, or
        to the page's error line."""

        def done(value: T) -> None:
            self.error_label.hide()
            if on_done is not None:
                on_done(value)

        refused = on_error or self.fail
        ops_for(self, self._nd, self.refresh).run(fn, done, on_error=lambda exc: refused(failure_text(exc)))

    def fail(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def show_dialog(self, dialog: QDialog, on_saved: Callable[[Any], None] | None = None) -> None:
        """Open ``dialog`` (window-modal, one at a time); once it saved, refresh and hand ``on_saved`` the result."""

        def done(result: int) -> None:
            self.active_dialog = None
            saved = getattr(dialog, "saved", None)
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted and saved is not None:
                self.refresh()
                if on_saved is not None:
                    on_saved(saved)

        dialog.finished.connect(done)
        self.active_dialog = dialog
        dialog.open()

    # --- lists follow the page's actions -------------------------------------------------------------------------

    def watch(self, *views: QAbstractItemView) -> None:
        """Give ``views`` the page's context menu and keys: Enter (or a double click) opens what is selected."""
        for view in views:
            self.watched.append(view)
            install_context_menu(view, self)
            view.activated.connect(lambda _index, v=view: self._activated(v))
            view.installEventFilter(self)
            model = view.selectionModel()
            if model is not None:
                model.currentChanged.connect(lambda *_args, v=view: self._worked_in(v))
                model.selectionChanged.connect(lambda *_args, v=view: self._worked_in(v))

    def _worked_in(self, view: QAbstractItemView) -> None:
        self.last_list = view
        self.actions_changed.emit()

    def _activated(self, view: QAbstractItemView) -> None:
        self.last_list = view
        handler = self.page_actions().open
        if handler is not None:
            handler()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self.watched:
            self._worked_in(watched)
        return super().eventFilter(watched, event)

    def in_list(self, view: QAbstractItemView) -> bool:
        """Whether the page's actions are about ``view`` now (the list last worked in, or the only one)."""
        return self.last_list is view or (self.last_list is None and self.watched[:1] == [view])
