"""Switching the main window between Contacts and the networking views, and keeping them current.

The window's contact page (tag side bar, list, detail pane) becomes the first page of a stacked widget; the
Due, Timeline, Goals, Introductions and Dashboard views are created the first time they are shown (the dashboard
pulls in pyqtgraph, which nobody should wait for at start-up). A vertical tool bar on the left, Ctrl+1…Ctrl+9,
Ctrl+0 and the View menu switch pages.

When data changes (the window's ``contacts_loaded`` after a load, a ChangeSet on the window's bus after any write
or undo), the visible view refreshes at once if it shows what changed, the others when they are next shown.
Relationship strengths for the list's Strength column are computed off the GUI thread (seconds on 100,000
contacts), one run at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStackedWidget, QToolBar, QWidget

from netdesk.core.changes import ChangeSet
from netdesk.settings import KEY_HOME_VIEW
from netdesk.ui.icons import action_icon
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.page_actions import NOTHING, ActionPage, PageActions

if TYPE_CHECKING:
    from netdesk.services import NetDesk
    from netdesk.ui.controllers.contact_list import ContactListController
    from netdesk.ui.controllers.database import DatabaseController
    from netdesk.ui.controllers.host import Host

SETTINGS_KEY = KEY_HOME_VIEW
STRENGTH_DELAY_MS = 400  # after a burst of edits, recompute the strengths once
PARTIAL_STRENGTHS = 20_000  # a write about more contacts (a huge import names none) recomputes everyone's


def _shows(view: View, changes: ChangeSet) -> bool:
    """Whether ``view`` shows anything ``changes`` touched (new kinds of record refresh every view)."""
    if changes.records:
        return True
    people = bool(changes.contacts) or changes.many_contacts  # names, trash and merges show on every page
    if view is View.GOALS:
        return people or changes.goals or bool(changes.interactions)
    if view is View.DASHBOARD:
        return people or changes.networking or bool(changes.interactions)
    if view is View.TIMELINE:
        return people or bool(changes.interactions)
    return people or changes.networking or changes.tags or bool(changes.interactions)


class View(StrEnum):
    CONTACTS = "contacts"
    DUE = "due"
    TIMELINE = "timeline"
    GOALS = "goals"
    INTRODUCTIONS = "introductions"
    DASHBOARD = "dashboard"
    # The essays' practices as records (issue 15; pages in netdesk/ui/pages).
    INTRO_STEPS = "intro_steps"
    COMMUNITIES = "communities"
    CONTRIBUTIONS = "contributions"
    OFFERS = "offers"


# (menu text, short tool bar text, icon)
VIEW_INFO = {
    View.CONTACTS: ("&Contacts", "Contacts", "person"),
    View.DUE: ("&Due", "Due", "due"),
    View.TIMELINE: ("&Timeline", "Timeline", "timeline"),
    View.GOALS: ("&Goals", "Goals", "goal"),
    # Two pages about introductions, named apart: finding who could introduce you, and the asks you track.
    View.INTRODUCTIONS: ("&Who can introduce me?", "Find introducer", "introduce"),
    View.DASHBOARD: ("Das&hboard", "Dashboard", "dashboard"),
    View.INTRO_STEPS: ("&Introductions: asks and double opt-in", "Intro tracker", "intro-steps"),
    View.COMMUNITIES: ("C&ommunities and events", "Communities", "organization"),
    View.CONTRIBUTIONS: ("Contri&butions", "Contributions", "star"),
    View.OFFERS: ("O&ffers and needs", "Offers", "favour"),
}


class NetworkingView(Protocol):
    """What every page under netdesk/ui/views offers."""

    contactActivated: SignalInstance

    def refresh(self) -> None: ...


class Navigation(QObject):
    view_changed = Signal(str)
    strengths_loaded = Signal()

    def __init__(
        self,
        window: QMainWindow,
        host: Host,
        contacts: ContactListController,
        database: DatabaseController,
        contact_actions: Callable[[], PageActions],
        view_menu: QMenu | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self.list = contacts
        self._contact_actions = contact_actions
        self.views: dict[View, QWidget] = {}
        self._stale: set[View] = set()
        self._strength_generation = 0
        self._strength_running = False
        self._strength_again = False
        self._strength_timer = QTimer(self)
        self._strength_timer.setSingleShot(True)
        self._strength_timer.setInterval(STRENGTH_DELAY_MS)
        self._strength_timer.timeout.connect(self._strengths_after_changes)
        self._strength_ids: set[int] | None = set()  # whose strengths the next run after a write recomputes
        self._again_ids: set[int] | None = set()  # for the run queued while one is under way (None: everyone)
        self._scores: dict[int, int] | None = None  # the scores shown (None: not computed yet)
        self._first_load_pending = not contacts.loaded

        self.stack = QStackedWidget()
        self.stack.setObjectName("viewStack")
        contacts_page = window.takeCentralWidget()
        assert contacts_page is not None  # the window's splitter (list and detail pane)
        self.stack.addWidget(contacts_page)
        window.setCentralWidget(self.stack)
        self.views[View.CONTACTS] = contacts_page

        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[View, QAction] = {}
        for number, view in enumerate(View, start=1):
            text, short, icon = VIEW_INFO[view]
            action = QAction(action_icon(icon), text, window)
            action.setIconText(short)
            action.setObjectName(f"{view.value}ViewAction")
            action.setCheckable(True)
            key = number % 10  # the tenth page is Ctrl+0
            action.setShortcut(QKeySequence(f"Ctrl+{key}"))
            action.setToolTip(f"{text.replace('&', '')} (Ctrl+{key})")
            action.triggered.connect(lambda _checked=False, v=view: self.show_view(v))
            self.group.addAction(action)
            window.addAction(action)
            self.actions[view] = action

        self.toolbar = QToolBar("Views")
        self.toolbar.setObjectName("viewToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.toolbar.addActions(list(self.actions.values()))
        window.addToolBar(Qt.ToolBarArea.LeftToolBarArea, self.toolbar)
        if view_menu is not None:  # the pages first, above the window's own View entries
            first = view_menu.actions()[0] if view_menu.actions() else view_menu.addSeparator()
            view_menu.insertActions(first, list(self.actions.values()))
            view_menu.insertSeparator(first)

        detail = contacts.detail
        detail.attach(self.nd)
        detail.introductions_requested.connect(self.show_introductions)
        contacts.contacts_loaded.connect(self._everything_changed)
        host.bus.changed.connect(self._changes_published)
        database.database_changed.connect(lambda _path: self._database_switched())
        database.database_closing.connect(self._stop_view_loads)
        # Typing a search only makes sense over the list.
        contacts.search_edit.textEdited.connect(lambda _text: self.show_view(View.CONTACTS))

        self.current = View.CONTACTS
        self.actions[View.CONTACTS].setChecked(True)
        self.show_view(self.home_view(), remember=False)

    @property
    def nd(self) -> NetDesk:
        return self.host.nd  # the window can switch to another database (File → Open database)

    def _stop_view_loads(self) -> None:
        """Views loading in the background (the Due list) finish before the old database is closed."""
        for page in self.views.values():
            stop = getattr(page, "stop_loading", None)
            if stop is not None:
                stop()

    def _database_switched(self) -> None:
        """Views were built over the old database: drop them, and start again on the home view."""
        for view, page in list(self.views.items()):
            if view is not View.CONTACTS:
                self.stack.removeWidget(page)
                page.deleteLater()
                del self.views[view]
        self._stale.clear()
        # The old database's task runner was closed: a strength run under way will never report back.
        self._strength_running = self._strength_again = False
        self._strength_generation += 1
        self._scores = None
        self._strength_ids = self._again_ids = set()
        self.list.model.forget_strengths()
        self.list.detail.attach(self.nd)
        self.show_view(View.DUE if self.nd.contacts.has_contacts() else View.CONTACTS)

    # --- pages -------------------------------------------------------------------------------------------

    def home_view(self) -> View:
        """The view the user left the window on; Due on first start once there are contacts, else Contacts."""
        stored = self.host.settings.value(SETTINGS_KEY)
        if isinstance(stored, str) and stored in View.__members__.values():
            return View(stored)
        return View.DUE if self.nd.contacts.has_contacts() else View.CONTACTS

    def view(self, view: View) -> QWidget:
        """The page for ``view``, created on first use."""
        page = self.views.get(view)
        if page is None:
            page = self._create(view)
            self.views[view] = page
            self.stack.addWidget(page)
        return page

    def _create(self, view: View) -> QWidget:
        from netdesk.ui import pages, views

        # Names, not classes: naming a class imports its module, and the dashboard's pulls in pyqtgraph and numpy
        # (half a second), which only opening the dashboard may cost.
        classes = {
            View.DUE: "DueView",
            View.TIMELINE: "TimelineView",
            View.GOALS: "GoalsView",
            View.INTRODUCTIONS: "IntroductionsView",
            View.DASHBOARD: "DashboardView",
            # The practices' pages (issue 15)
            View.INTRO_STEPS: "IntroductionStepsPage",
            View.COMMUNITIES: "CommunitiesPage",
            View.CONTRIBUTIONS: "ContributionsPage",
            View.OFFERS: "OffersPage",
        }
        module = pages if classes[view] in pages.__all__ else views
        if view is View.DUE and not self.list.loaded:
            # Built while the list's first rows load: the Due list is computed after them. Both hold the interpreter
            # most of the time, so side by side neither is done sooner, and the list came later.
            page: QWidget = views.DueView(self.nd, load_after=self.list.first_rows_settled)
        else:
            page = cast(QWidget, getattr(module, classes[view])(self.nd))
        page.contactActivated.connect(self.open_contact)  # type: ignore[attr-defined]
        ask = getattr(page, "askRequested", None)  # "Who can introduce me?" → an ask
        if ask is not None:
            ask.connect(self.start_ask)
        if isinstance(page, ActionPage):
            page.actions_changed.connect(self.host.sync_actions)  # type: ignore[attr-defined]
        return page

    def start_ask(self, introducer_id: int, introducer_name: str, target_id: int, target: str) -> None:
        """Open the ask for an introduction along a "Who can introduce me?" path (target_id 0: an organisation)."""
        page = self.view(View.INTRO_STEPS)
        self.show_view(View.INTRO_STEPS)
        page.open_ask((introducer_id, introducer_name), (target_id or None, target))  # type: ignore[attr-defined]

    def show_view(self, view: View, remember: bool = True) -> None:
        page = self.view(view)
        if view in self._stale:
            self._stale.discard(view)
            self._refresh(view)
        elif view is View.CONTACTS and self.current is not View.CONTACTS:
            # Goal links or relationships may have changed in a view: show the detail as it is now.
            selected = self.list.selected_id()
            if selected is not None:
                self.list.select_contact(selected)
        self.stack.setCurrentWidget(page)
        self.actions[view].setChecked(True)
        changed = view is not self.current
        self.current = view
        if remember:
            self.host.settings.setValue(SETTINGS_KEY, view.value)
        if changed:
            self.view_changed.emit(view.value)
        self.host.sync_actions()

    def page_actions(self) -> PageActions:
        """What Edit and Delete mean on the page shown now."""
        if self.current is View.CONTACTS:
            return self._contact_actions()
        page = self.views.get(self.current)
        return page.page_actions() if isinstance(page, ActionPage) else NOTHING

    def current_page(self) -> QWidget:
        return self.views[self.current]

    def show_introductions(self, contact_id: int) -> None:
        """ "Who can introduce me?" for a person (or, for an organisation contact, its people)."""
        page = self.view(View.INTRODUCTIONS)
        self._stale.discard(View.INTRODUCTIONS)  # set_target refreshes
        page.set_target(contact_id)  # type: ignore[attr-defined]
        self.show_view(View.INTRODUCTIONS)

    def open_contact(self, contact_id: int) -> None:
        """A view asked for a contact: show the list with that contact selected (clearing filters that hide it)."""
        contacts = self.list
        self.show_view(View.CONTACTS)
        if contacts.select_contact(contact_id):
            contacts.table.setFocus()
            return

        def select_when_shown() -> None:
            contacts.search_finished.disconnect(select_when_shown)
            contacts.select_contact(contact_id)
            contacts.table.setFocus()

        contacts.search_finished.connect(select_when_shown)
        if contacts.loaded:
            contacts.clear_filters()
        # else: the search after the rows load will show it

    # --- the quick log (Ctrl+L) ----------------------------------------------------------------------------

    def selected_contact(self) -> tuple[int, str] | None:
        """The contact the current view has selected (the detail pane's on the Contacts page)."""
        if self.current is View.CONTACTS:
            contact = self.list.detail.contact
            return (contact.id, contact.name) if contact is not None and contact.id is not None else None
        selected = getattr(self.current_page(), "selected_contact", None)
        return selected() if selected is not None else None

    def quick_log(self) -> None:
        """Open the log dialog with the selected contact (if any) and now; the user adds people otherwise."""
        host = self.host
        chosen = self.selected_contact()
        dialog = InteractionDialog(
            self.nd.timeline,
            [chosen] if chosen else [],
            self.list.model.all_rows,
            None,
            self.window,
            networking=self.nd.networking,
            write_later=host.ops.write_later,
        )
        host.open_dialog(dialog, lambda: None)  # the bus refreshes what the log changed

    # --- keeping views current -----------------------------------------------------------------------------

    def _refresh(self, view: View) -> None:
        page = self.views.get(view)
        if page is not None and view is not View.CONTACTS:
            cast(NetworkingView, page).refresh()

    def _mark_stale(self, changes: ChangeSet | None = None) -> None:
        for view in self.views:
            if view is View.CONTACTS or (changes is not None and not _shows(view, changes)):
                continue
            if view is self.current:
                self._refresh(view)
            else:
                self._stale.add(view)

    def _changes_published(self, changes: ChangeSet) -> None:
        """A write or an undo: refresh the views that show what it changed (the hidden ones when next shown)."""
        self._mark_stale(changes)
        if changes.interactions or changes.networking or changes.contacts or changes.many_contacts:
            # A person's strength depends on their own exchanges, favours and rhythm: a write about a few people
            # recomputes theirs only (everyone's, on 100,000 contacts, held the GUI thread's share of the
            # interpreter for a third of a second); a change that names nobody recomputes everyone's.
            if self._strength_ids is not None and changes.contacts and len(changes.contacts) <= PARTIAL_STRENGTHS:
                self._strength_ids |= changes.contacts
            else:
                self._strength_ids = None
            self._strength_timer.start()

    def _everything_changed(self) -> None:
        if self._first_load_pending:
            # The list's first rows: the pages built meanwhile read the same database and are current (refreshing
            # the Due page here computed its whole list a second time, side by side with the search index's build).
            self._first_load_pending = False
        else:
            self._mark_stale()
        self.compute_strengths()

    def _strengths_after_changes(self) -> None:
        ids, self._strength_ids = self._strength_ids, set()
        if ids is None or self._scores is None:
            self.compute_strengths()
        elif ids:
            self.compute_strengths(ids)

    def compute_strengths(self, ids: set[int] | None = None) -> None:
        """Recompute the Strength column (of ``ids``, else of everyone) in the background; a request during a run
        queues one more run."""
        self._strength_timer.stop()
        if self._strength_running:
            if ids is None or self._again_ids is None:
                self._again_ids = None
            else:
                self._again_ids |= ids
            self._strength_again = True
            return
        self._strength_running = True
        self._strength_generation += 1
        generation = self._strength_generation
        networking = self.nd.networking
        if ids is None:
            work: Callable[[], dict[int, int]] = networking.strength_scores
        else:
            chosen = sorted(ids)
            work = lambda: networking.strength_scores_of(chosen)  # noqa: E731
        self.host.tasks.submit(
            work,
            lambda scores: self._strengths_done(generation, scores, ids),
            self._strengths_failed,
        )

    def _strengths_done(self, generation: int, scores: dict[int, int], ids: set[int] | None) -> None:
        self._strength_running = False
        if generation == self._strength_generation:
            if ids is None or self._scores is None:
                self._scores = scores  # the worker's own dict, nobody else's
            else:
                for cid in ids:
                    self._scores.pop(cid, None)
                self._scores.update((cid, score) for cid, score in scores.items() if score > 0)
            self.list.model.set_strengths(self._scores)
            self.strengths_loaded.emit()
        self._run_again()

    def _strengths_failed(self, exc: BaseException) -> None:
        self._strength_running = False
        self.list.report_error(f"Could not compute relationship strengths: {exc}")
        self._run_again()

    def _run_again(self) -> None:
        if self._strength_again:
            self._strength_again = False
            ids, self._again_ids = self._again_ids, set()
            self.compute_strengths(ids)
