"""The due list: "Today" (the few items to do first, by the documented priority), then every section with its count,
collapsed until opened; each item with its one-click actions.

The list is queried off the GUI thread (on a large network the query takes a noticeable fraction of a second):
``refresh()`` starts a load and returns; the rows already shown stay until the new list arrives, and only the
newest load's result is applied. The one-click actions are single-row writes and run directly, then refresh.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.core.networking import SECTION_ORDER, DueItem, DueKind, Section, today_items
from netdesk.services import NetDesk
from netdesk.ui.cadence_dialog import cadence_dialog
from netdesk.ui.ops import ops_for
from netdesk.ui.page_actions import PageActions, build_menu
from netdesk.ui.safe_text import plain_label, plain_tooltip
from netdesk.ui.theme import error_style, themed_style_sheet
from netdesk.ui.widgets.flow_layout import FlowLayout
from netdesk.ui.workers import TaskRunner

log = logging.getLogger(__name__)

SNOOZE_DAYS = 7
SECTION_LIMIT = 50  # items shown per open section before "Show all": a section of thousands helps nobody
DAY_CHECK_MS = 60_000  # how often the view checks whether the day changed (relative dates must stay true)
LOADING_TEXT = "Loading…"


SECTION_STYLE = "text-align: left; font-size: 14px; font-weight: bold; margin-top: 8px; color: palette(window-text);"
TITLE_STYLE = "text-align: left; font-weight: bold; color: palette(window-text);"


def today_limit() -> int:
    """How many items "Today" shows, from Preferences (TODAY_LIMIT unless changed)."""
    from PySide6.QtCore import QSettings

    from netdesk.ui.preferences import load_preferences

    return load_preferences(QSettings()).due_today_limit


class Arranged(NamedTuple):
    """A loaded list as the view shows it: "Today" and the sections."""

    items: list[DueItem]
    limit: int
    first: list[DueItem]
    sections: dict[Section, list[DueItem]]


def arrange(items: list[DueItem], limit: int) -> Arranged:
    sections: dict[Section, list[DueItem]] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return Arranged(items, limit, today_items(items, limit), sections)


class DueRow(QFrame):
    """One due item: its title (click to open the contact), detail line and action buttons.

    Clicking the row (outside its buttons), or moving the keyboard focus into it (Tab), selects it, so that Ctrl+L
    logs an interaction with that person. Enter presses the focused button: on the title, it shows the person.
    """

    clicked = Signal()  # clicked, or the focus moved into the row

    def __init__(self, item: DueItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("dueRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title_button = QPushButton(item.title)
        self.title_button.setObjectName("dueTitle")
        self.title_button.setFlat(True)
        self.title_button.setStyleSheet(TITLE_STYLE)
        self.title_button.setToolTip(plain_tooltip(f"Show {item.contact_name}"))
        self._keyboard_ready(self.title_button)
        self.detail_label = plain_label(item.detail)
        self.detail_label.setObjectName("dueDetail")
        self.detail_label.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        # The actions under the text, wrapping onto a second line when the page is narrow: a row never gets wider
        # than the page (at 1024 px "Snooze 1 week" was cut off behind a horizontal scroll bar).
        self._actions = FlowLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_button)
        layout.addWidget(self.detail_label)
        layout.addLayout(self._actions)

    def changeEvent(self, event: QEvent) -> None:
        # A style sheet resolves palette() once: after a theme switch, resolve it again (dark titles stay legible).
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.title_button.setStyleSheet(TITLE_STYLE)
        super().changeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)

    def _keyboard_ready(self, button: QPushButton) -> None:
        button.setAutoDefault(True)  # Enter presses it (outside a dialog only Space would)
        button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.clicked.emit()
        return super().eventFilter(watched, event)

    def set_selected(self, selected: bool) -> None:
        self.setFrameShape(QFrame.Shape.Box if selected else QFrame.Shape.StyledPanel)
        self.setLineWidth(2 if selected else 1)

    def add_button(self, label: str, on_click: Callable[[], None]) -> QPushButton:
        button = QPushButton(label)
        self._keyboard_ready(button)
        button.clicked.connect(on_click)
        self._actions.addWidget(button)
        self.buttons[label] = button
        return button


class DueView(QWidget):
    contactActivated = Signal(int)
    actions_changed = Signal()  # the selection changed what Edit / Log mean here
    # Emitted once the rows have been rebuilt from a newly loaded list.
    refreshed = Signal()

    def __init__(
        self,
        nd: NetDesk,
        parent: QWidget | None = None,
        today: Callable[[], date] = date.today,
        load_after: SignalInstance | None = None,
    ) -> None:
        """``load_after``: the first load waits for this signal (the contact list's first rows, see Navigation)."""
        super().__init__(parent)
        self.setObjectName("dueView")
        self._nd = nd
        self._today = today
        self.items: list[DueItem] = []
        self.rows: list[DueRow] = []
        self.current_row: DueRow | None = None
        self.today_rows: list[DueRow] = []
        self.today_label = QLabel()
        self.section_labels: dict[Section, QPushButton] = {}  # one header per non-empty section; click: open/close
        self.show_all_buttons: dict[Section, QPushButton] = {}
        self._open_sections: set[Section] = set()
        self._expanded: set[Section] = set()
        self.today_limit: int | None = None  # None: as set in Preferences
        self._loaded_for: date | None = None
        self._built_for: date | None = None  # the day the cards were written for
        self._arranged = arrange([], 0)
        self._reusable: dict[DueItem, list[DueRow]] = {}  # while rebuilding: cards of the last build to place again
        self.active_dialog: QDialog | None = None
        self.loading = False
        self._generation = 0  # bumped by every refresh(); a load whose number is no longer current is dropped
        self._superseded = threading.Event()  # set when a newer refresh makes the waiting load pointless
        self._load_error_shown = False
        # No Qt parent: the runner must outlive the view's C++ object, so that a result queued for delivery
        # after the view is gone reaches a closed runner (and is dropped) rather than a deleted one.
        self._loader = TaskRunner(max_threads=1)
        self.destroyed.connect(self._loader.close)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("dueSummary")
        self.error_label = plain_label()
        self.error_label.setObjectName("dueError")
        themed_style_sheet(self.error_label, error_style)
        self.error_label.hide()
        refresh = QPushButton("Refresh")
        refresh.setObjectName("dueRefresh")
        refresh.clicked.connect(self.refresh)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setObjectName("dueShowAll")
        self.show_all_button.setCheckable(True)
        self.show_all_button.toggled.connect(self._show_all)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.show_all_button)
        top.addWidget(refresh)
        # Dates on the cards are relative ("2 days ago"): when the day changes, the list is computed again.
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._check_day)
        self._day_timer.start()

        self._container = QWidget()
        self._list = QVBoxLayout(self._container)
        self._list.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setObjectName("dueScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows wrap instead
        scroll.setWidget(self._container)
        self.scroll_area = scroll
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(scroll, 1)
        if load_after is None:
            self.refresh()
        else:
            self.loading = True
            self.summary_label.setText(LOADING_TEXT)
            load_after.connect(self._first_load, Qt.ConnectionType.SingleShotConnection)

    def _first_load(self) -> None:
        if self._generation == 0:  # nothing (a Refresh, a write) has loaded the list meanwhile
            self.refresh()

    # --- loading -----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Start loading the due list in the background; the rows shown stay until it arrives."""
        if self._loader.closed:
            return  # the window is closing (or the view is going away): no more queries
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.summary_label.setText(LOADING_TEXT)
        self._superseded.set()
        superseded = self._superseded = threading.Event()
        networking, today = self._nd.networking, self._today()
        self._loaded_for = today
        limit = self._limit()

        def load() -> Arranged | None:
            if superseded.is_set():
                return None  # a newer refresh came while this one waited for the thread: skip the query
            return arrange(networking.due(today), limit)  # ranking thousands of items is no work for the GUI thread

        self._loader.submit(
            load,
            lambda items: self._loaded(generation, items),
            lambda exc: self._load_failed(generation, exc),
        )

    def _loaded(self, generation: int, arranged: Arranged | None) -> None:
        if generation != self._generation or arranged is None:
            return  # an older load: a newer one is on its way
        self.loading = False
        if self._load_error_shown:
            self._load_error_shown = False
            self.error_label.hide()
        unchanged = (
            bool(self.rows)
            and self._built_for == self._loaded_for  # the cards' words are relative to the day ("3 days ago")
            and arranged.limit == self._arranged.limit
            and arranged.items == self.items
        )
        self.items = arranged.items
        self._arranged = arranged
        if unchanged:
            # A write that changed nothing on this list (most writes): its cards stay, rebuilding them held the GUI
            # thread for 50-70 ms on 100,000 contacts.
            n = len(self.items)
            self.summary_label.setText(f"{n} thing{'s' if n != 1 else ''} to do" if n else self._nothing_due())
        else:
            self._rebuild()
        self.refreshed.emit()

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if isinstance(exc, NetDeskError):
            message = str(exc)
        else:
            log.error("loading the due list failed", exc_info=exc)
            message = f"The due list could not be loaded: {exc}"
        self._show_error(message)
        self._load_error_shown = True
        self.items = []
        self._rebuild()
        self.summary_label.setText("The due list could not be loaded.")

    def stop_loading(self) -> None:
        """Wait for a load under way and drop its result; later refreshes do nothing.

        Called before the window closes its database (navigation, on ``database_closing``) and when the view itself
        is closed.
        """
        self._loader.close()
        self.loading = False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_loading()
        super().closeEvent(event)

    def _limit(self) -> int:
        return self.today_limit or today_limit()

    def _check_day(self) -> None:
        if self._loaded_for is not None and self._today() != self._loaded_for and not self.loading:
            self.refresh()

    def _show_all(self, on: bool) -> None:
        self._open_sections = set(SECTION_ORDER) if on else set()
        self._rebuild()

    def toggle_section(self, section: Section) -> None:
        self._open_sections ^= {section}
        self._rebuild()

    def _rebuild(self) -> None:
        # The cards of items still listed are kept and moved into place: after a write about one person only their
        # card is new (building every card again held the GUI thread 50-70 ms on 100,000 contacts). Cards are
        # worded relative to the day: when it changed, every card is new.
        reusable: dict[DueItem, list[DueRow]] = {}
        same_day = self._built_for == self._loaded_for
        self._built_for = self._loaded_for
        while self._list.count():
            child = self._list.takeAt(0)
            widget = child.widget() if child is not None else None
            if isinstance(widget, DueRow) and same_day:
                widget.set_selected(False)
                reusable.setdefault(widget.item, []).append(widget)
            elif widget is not None:
                widget.hide()  # at once: deletion waits for the event loop, and must not leave old rows painted
                widget.deleteLater()
        self._reusable = reusable
        self.rows = []
        self.today_rows = []
        selected = self.current_row.item if self.current_row is not None else None
        self.current_row = None
        self.section_labels = {}
        self.show_all_buttons = {}
        n = len(self.items)
        if not self.loading:  # "Show all" during a load rebuilds the old rows; the summary keeps saying "Loading…"
            self.summary_label.setText(f"{n} thing{'s' if n != 1 else ''} to do" if n else self._nothing_due())
        self.show_all_button.setText(f"Show all {n}" if n else "Show all")
        arranged = self._arranged
        if arranged.items is not self.items or arranged.limit != self._limit():  # set by hand, not loaded
            arranged = self._arranged = arrange(self.items, self._limit())
        first = arranged.first
        self.today_label = QLabel(f"Today ({len(first)})" if first else "Today: nothing pressing")
        self.today_label.setObjectName("dueToday")
        themed_style_sheet(self.today_label, lambda: "font-size: 15px; font-weight: bold;")
        self._list.addWidget(self.today_label)
        for item in first:
            row = self._add_row(item, selected)
            self.today_rows.append(row)
        for section in SECTION_ORDER:
            items = arranged.sections.get(section, [])
            if not items:
                continue
            is_open = section in self._open_sections
            header = QPushButton(f"{'▾' if is_open else '▸'} {section.label} ({len(items)})")
            header.setObjectName(f"section_{section.value}")
            header.setFlat(True)
            themed_style_sheet(header, lambda: SECTION_STYLE)
            header.setToolTip("Show or hide this section")
            header.clicked.connect(lambda _=False, sec=section: self.toggle_section(sec))
            self.section_labels[section] = header
            self._list.addWidget(header)
            if not is_open:
                continue
            shown = items if section in self._expanded else items[:SECTION_LIMIT]
            for item in shown:
                self._add_row(item, selected)
            if len(shown) < len(items):
                more = QPushButton(f"Show all {len(items)}")
                more.clicked.connect(lambda _=False, sec=section: self._expand(sec))
                self.show_all_buttons[section] = more
                self._list.addWidget(more)
        for unused in (row for rows in self._reusable.values() for row in rows):
            unused.hide()
            unused.deleteLater()
        self._reusable = {}

    def _nothing_due(self) -> str:
        """An empty list says why: an empty network needs people; a quiet one is done for today."""
        if not self._nd.contacts.has_contacts():
            return "Nothing due: there is nobody here yet. Import your contacts or add one on the Contacts page."
        return "Nothing due — well done. Set a rhythm for someone (Change… in their details) to be reminded."

    def _add_row(self, item: DueItem, selected: DueItem | None) -> DueRow:
        kept = self._reusable.get(item)
        row = kept.pop() if kept else self._make_row(item)
        self.rows.append(row)
        if selected is not None and item == selected and self.current_row is None:
            self.select_row(row)
        self._list.addWidget(row)
        return row

    def _expand(self, section: Section) -> None:
        self._expanded.add(section)
        self._rebuild()

    def _make_row(self, item: DueItem) -> DueRow:
        row = DueRow(item)
        row.clicked.connect(lambda: self.select_row(row))
        row.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        row.customContextMenuRequested.connect(lambda pos: self._row_menu(row, pos))
        if item.kind is DueKind.INVITATION:
            row.title_button.setToolTip(plain_tooltip(item.detail))
            row.add_button("Accept", lambda: self._invitation(item, accept=True))
            row.add_button("Ignore", lambda: self._invitation(item, accept=False))
            return row
        if not item.contact_id:  # a lapsed rhythm ("No post in 10 days") is about no one
            return row
        row.title_button.clicked.connect(lambda: self.contactActivated.emit(item.contact_id))
        if item.kind in (DueKind.FOLLOWUP, DueKind.REPLY, DueKind.JOB_CHANGE):
            row.add_button("Write note…", lambda: self.write_note(item))
        row.add_button("Log…", lambda: self.log_for(item))
        if item.kind is DueKind.FOLLOWUP:
            row.add_button("Sent personal message", lambda: self._followup(item, "messaged"))
            row.add_button("Dismiss", lambda: self._followup(item, "dismissed"))
        if item.kind is DueKind.FAVOUR and item.interaction_id is not None:
            row.add_button(
                "Mark done",
                lambda: self._run(lambda: self._nd.networking.close_favour(item.interaction_id or 0)),
            )
        row.add_button("Snooze 1 week", lambda: self.snooze(item))
        if item.kind in (DueKind.OVERDUE, DueKind.DUE_THIS_WEEK, DueKind.START_RHYTHM):
            row.add_button("Change rhythm…", lambda: self.change_cadence(item))
        return row

    # --- selection -------------------------------------------------------------------------------------------

    def select_row(self, row: DueRow | None) -> None:
        for other in self.rows:
            other.set_selected(other is row)
        self.current_row = row
        self.actions_changed.emit()

    def _row_menu(self, row: DueRow, pos: QPoint) -> None:
        self.select_row(row)
        menu = build_menu(row, self.page_actions())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(row.mapToGlobal(pos))

    def page_actions(self) -> PageActions:
        """Due items are not deleted; Edit opens the item's person (the contact, not whoever the list shows)."""
        row = self.current_row if self.current_row in self.rows else None
        if row is None:
            return PageActions(noun="contact")
        item = row.item
        return PageActions(
            noun="contact",
            open=lambda: self.contactActivated.emit(item.contact_id),
            edit=lambda: self.contactActivated.emit(item.contact_id),
            more=(("Log…", lambda: self.log_for(item)), ("Snooze 1 week", lambda: self.snooze(item))),
        )

    def selected_contact(self) -> tuple[int, str] | None:
        """The item with keyboard focus (Tab through the buttons), else the one last clicked."""
        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, DueRow):
            widget = widget.parentWidget()
        row = widget if isinstance(widget, DueRow) and widget in self.rows else self.current_row
        if row is None or not row.item.contact_id:  # an invitation from someone who is not a contact yet
            return None
        return (row.item.contact_id, row.item.contact_name)

    # --- actions -----------------------------------------------------------------------------------------

    def _run(self, action: Callable[[], Written[Any]]) -> None:
        """One write path (ui.ops): undoable, errors in a dialog; the window's bus refreshes this page."""
        ops_for(self, self._nd, self.refresh).run(action)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _followup(self, item: DueItem, state: str) -> None:
        self._run(lambda: self._nd.networking.mark_followup(item.contact_id, state))

    def _invitation(self, item: DueItem, accept: bool) -> None:
        invitations, record = self._nd.invitations, item.record_id or 0
        if accept:
            self._run(lambda: invitations.accept(record, self._today()))
        else:
            self._run(lambda: invitations.ignore(record))

    def write_note(self, item: DueItem) -> None:
        """The personal-note composer for this person; "Mark as sent" logs the note and the list refreshes."""
        from PySide6.QtCore import QSettings

        from netdesk.ui.note_composer import NoteComposer

        initial = {DueKind.JOB_CHANGE: "offer", DueKind.REPLY: "specific"}.get(item.kind, "personal")
        try:
            composer = NoteComposer(
                self._nd, item.contact_id, item.contact_name, QSettings(), parent=self, initial=initial
            )
        except NetDeskError as exc:
            self._show_error(str(exc))
            return
        composer.finished.connect(lambda result: self._dialog_done(composer, result))
        self.active_dialog = composer
        composer.open()

    def snooze(self, item: DueItem) -> None:
        until = self._today() + timedelta(days=SNOOZE_DAYS)
        self._run(lambda: self._nd.networking.snooze(item.contact_id, until))

    def log_for(self, item: DueItem) -> None:
        """Open the interaction dialog with the person filled in; the list refreshes once it is saved."""
        from netdesk.ui.interaction_dialog import InteractionDialog

        dialog = InteractionDialog(
            self._nd.timeline,
            [(item.contact_id, item.contact_name)],
            self._nd.contacts.rows,
            parent=self,
            networking=self._nd.networking,
            write_later=ops_for(self, self._nd, self.refresh).write_later,
        )
        dialog.finished.connect(lambda result: self._dialog_done(dialog, result, refresh=False))
        self.active_dialog = dialog
        dialog.open()

    def change_cadence(self, item: DueItem) -> None:
        dialog = cadence_dialog(self, self._nd.networking, item.contact_id, item.contact_name)

        def apply(value: int) -> None:
            self._run(lambda: self._nd.networking.set_contact_cadence(item.contact_id, value or None))

        dialog.intValueSelected.connect(apply)
        dialog.finished.connect(lambda result: self._dialog_done(dialog, result, refresh=False))
        self.active_dialog = dialog
        dialog.open()

    def _dialog_done(self, dialog: QDialog, result: int, refresh: bool = True) -> None:
        if self.active_dialog is dialog:
            self.active_dialog = None
        dialog.deleteLater()
        if refresh and result == QDialog.DialogCode.Accepted:
            self.refresh()
