"""The contact list's table view: rows selected whole, sortable and movable columns that fit the window's width,
and each name with its avatar."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from netdesk.ui.contact_table_model import Column, ContactTableModel
from netdesk.ui.theme import native_style
from netdesk.ui.widgets.avatar import AvatarSource, avatar_size
from netdesk.ui.widgets.fitted_columns import FittedColumns

DEFAULT_COLUMN_WIDTHS = {
    Column.NAME: 180,
    Column.ORGANIZATION: 140,
    Column.TITLE: 120,
    Column.TAGS: 110,
    Column.LAST_CONTACTED: 105,
    Column.STRENGTH: 70,
}
NAME_MIN_WIDTH = 150  # with the others at their widths: every column fits from 1440 px up
COLUMNS_HIDDEN_FIRST = (Column.TITLE, Column.TAGS, Column.STRENGTH, Column.LAST_CONTACTED, Column.ORGANIZATION)


# What the list's cells are painted with: when these look the same in an active and an inactive window, the list
# looks the same either way.
_CELL_ROLES = (
    QPalette.ColorRole.Base,
    QPalette.ColorRole.AlternateBase,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.Highlight,
    QPalette.ColorRole.HighlightedText,
)


class SameWhenInactive(QObject):
    """Keeps the list from repainting when its window becomes active or inactive (a dialog opens or closes over it)
    while its cells would look no different. Qt repaints a widget then unless its whole palette is the same in both
    states, roles a list never paints with included; a repaint of a full list costs the GUI thread ~15 ms, at every
    dialog, and opening an import's progress and report dialogs each cost one (bench_gui_stall: import in the app).
    The table's other parts (header, scroll bars) are told as Qt tells them."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in _ACTIVATION or watched is not self._table:
            return False
        palette = self._table.viewport().palette()
        active, inactive = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
        if any(palette.brush(active, role) != palette.brush(inactive, role) for role in _CELL_ROLES):
            return False
        viewport = self._table.viewport()
        for child in self._table.children():
            if isinstance(child, QWidget) and child is not viewport and child.isVisible() and not child.isWindow():
                QCoreApplication.sendEvent(child, event)
        return True


_ACTIVATION = (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate)


class FollowsScreenAndTheme(QObject):
    """The list's cells and style keep up with the window: its avatars are drawn for the screen's pixel ratio (on
    another screen the painted cells are dropped), and its own style instance (``native_style``) is told of a new
    palette as Qt tells the application's (some platform styles, Windows 11's, pick their colour scheme then)."""

    def __init__(self, table: QTableView, model: ContactTableModel) -> None:
        super().__init__(table)
        self._table = table
        self._model = model

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DevicePixelRatioChange, QEvent.Type.ScreenChangeInternal):
            self._model.forget_painted()
        elif kind == QEvent.Type.PaletteChange and watched is self._table:
            self._table.style().polish(QPalette(self._table.palette()))
        return False


def contact_table(model: ContactTableModel, avatars: AvatarSource) -> tuple[QTableView, FittedColumns]:
    """The view over ``model``, with ``avatars`` as its names' decoration; and what fits its columns to its width."""
    table = QTableView()
    table.setObjectName("contactTable")
    table.setModel(model)
    # A new list (a search, a reload) asks the view to repaint and to lay itself out on the next event-loop pass:
    # the rows were painted, laid out, then painted again (~20 ms a pass on a full window). Laid out at once, they
    # are painted once.
    model.modelReset.connect(table.executeDelayedItemsLayout)
    table.installEventFilter(SameWhenInactive(table))
    table.setSortingEnabled(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    # A search whose rows fit the window hid the scroll bar, the next one showed it again: each time the viewport
    # changed width, the columns were fitted to it again and the rows painted twice. The bar stays.
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in DEFAULT_COLUMN_WIDTHS.items():
        header.resizeSection(column, width)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # The avatar is the name column's decoration, painted by Qt's own delegate from the model's cached icons: a
    # Python delegate cost a call into Python and a new icon for every name painted, at every repaint.
    size = avatar_size(table)
    table.setIconSize(QSize(size, size))
    model.decorate = lambda row: avatars.icon(row.id, row.name, row.kind, size, table.devicePixelRatioF())

    def icons_changed(ids: list[int] | None) -> None:
        if model.forget_painted(ids):  # an import's new contacts were never painted: no repaint for them
            table.viewport().update()

    def photos_loaded(ids: list[int]) -> None:
        # Photos are fetched for rows being painted: when they arrive, those rows are on screen (even if the kept
        # cells were dropped meanwhile, so that forget_painted found none of them).
        model.forget_painted(ids)
        table.viewport().update()

    avatars.icons_changed.connect(icons_changed)
    avatars.photos_loaded.connect(photos_loaded)
    table.installEventFilter(FollowsScreenAndTheme(table, model))
    # The cells are drawn by the platform's style itself, not through the app's Python proxy (theme.py): called
    # from C++ for every primitive drawn, it made a repaint of the list a third slower, and the list draws no check
    # boxes or radio buttons, which are what the proxy changes.
    table.setStyle(native_style())
    # No sideways scrolling (at 1024 px the list is ~440 px wide): the name stretches, the rest hide in turn.
    return table, FittedColumns(table, Column.NAME, NAME_MIN_WIDTH, COLUMNS_HIDDEN_FIRST)
