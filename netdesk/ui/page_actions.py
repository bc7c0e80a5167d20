"""What Edit, Delete and Open mean on a page: each page says, the window's actions and context menus follow.

A page implements ``page_actions()`` (the ``ActionPage`` protocol) and returns callables only for what fits its
current selection; a ``None`` disables the window's action, so no click can reach a handler with nothing to act
on. The same ``PageActions`` fill the page's context menus, so the menu and the toolbar never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu, QWidget

Handler = Callable[[], object]  # what a handler returns (a dialog it opened) is ignored


@dataclass(frozen=True)
class PageActions:
    noun: str = ""  # "contact", "interaction", "goal": the actions read "Edit interaction…", "Delete goal"
    open: Handler | None = None
    edit: Handler | None = None
    delete: Handler | None = None
    # More entries for the context menu: (text, handler or None for a disabled entry).
    more: Sequence[tuple[str, Handler | None]] = field(default_factory=tuple)


NOTHING = PageActions()


@runtime_checkable
class ActionPage(Protocol):
    def page_actions(self) -> PageActions: ...


def build_menu(parent: QWidget, actions: PageActions) -> QMenu:
    """The context menu of a page's list: Open, Edit, Delete and the page's own entries, enabled as they fit."""
    menu = QMenu(parent)
    menu.setObjectName("contextMenu")
    noun = f" {actions.noun}" if actions.noun else ""
    entries: list[tuple[str, Handler | None]] = [
        ("Open", actions.open),
        (f"Edit{noun}…", actions.edit),
        (f"Delete{noun}", actions.delete),
    ]
    for text, handler in [*entries, *actions.more]:
        if text == "Open" and handler is None:
            continue
        item = QAction(text, menu)
        item.setEnabled(handler is not None)
        if handler is not None:
            item.triggered.connect(lambda _checked=False, h=handler: h())
        menu.addAction(item)
    return menu


def install_context_menu(view: QAbstractItemView | QWidget, page: ActionPage) -> None:
    """Right-click (or the Menu key) on ``view`` opens the page's menu for what is selected there."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        if isinstance(view, QAbstractItemView):
            index = view.indexAt(pos)
            if index.isValid() and not view.selectionModel().isSelected(index):
                view.setCurrentIndex(index)  # right-click selects what it points at, as everywhere else
        target = view.viewport() if isinstance(view, QAbstractItemView) else view
        menu = build_menu(view, page.page_actions())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(target.mapToGlobal(pos))

    view.customContextMenuRequested.connect(show)


def open_on_activate(view: QAbstractItemView, page: ActionPage) -> None:
    """Enter (or a double click) on ``view`` does what the context menu's Open does, when something fits."""

    def activated() -> None:
        handler = page.page_actions().open
        if handler is not None:
            handler()

    view.activated.connect(lambda _index: activated())
