"""The contact list's model: every ContactRow held once in memory, shown through a list of visible ids.

Searching never re-queries rows: the search service returns ids and the model just shows those (in that
order, or in the user's chosen sort), so 100,000 contacts stay responsive.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QIcon, QStandardItem

from netdesk.core.model import ContactKind, ContactRow
from netdesk.ui.icons import action_icon
from netdesk.ui.painted_cells import PaintedCells
from netdesk.ui.row_steps import MAX_ROW_STEPS, as_numpy, id_array, id_table, run_count, runs_of, visible_steps
from netdesk.ui.safe_text import plain_tooltip

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from netdesk.core.search_index import Mask

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    ORGANIZATION = 1
    TITLE = 2
    TAGS = 3
    LAST_CONTACTED = 4
    STRENGTH = 5


HEADERS = {
    Column.NAME: "Name",
    Column.ORGANIZATION: "Organisation",
    Column.TITLE: "Title",
    Column.TAGS: "Tags",
    Column.LAST_CONTACTED: "Last contacted",
    Column.STRENGTH: "Strength",
}


_COLUMNS = len(Column)
_NAME, _ORGANIZATION, _TITLE, _TAGS, _LAST_CONTACTED, _STRENGTH = (int(c) for c in Column)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)  # the display text, as the QStandardItems that paint the cells answer it
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ANSWERED_ROLES = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _FONT, _DECORATION, int(ID_ROLE), _ALIGNMENT))
_ITEM_ROLES = tuple(_ANSWERED_ROLES - {_EDIT})  # a QStandardItem holds EditRole as DisplayRole


# Past this many rows changed, one repaint of what is visible rather than a search for each row.
BULK_ROWS = 20


def format_last_contacted(when: datetime | None) -> str:
    return when.strftime("%d %b %Y") if when else ""


class ContactTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: dict[int, ContactRow] = {}
        self._order: list[int] = []  # every id in the service's order (by name)
        self._order_array: npt.NDArray[np.int64] | None = None  # _order for numpy, built on the first search
        self._visible: array[int] = array("q")
        self._sort_column: int = -1  # -1: the service's order (by name)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._italic = QFont()
        self._italic.setItalic(True)
        self._org_icon: QIcon | None = None
        self._person_icon: QIcon | None = None
        # Relationship strength per contact id; computed off the GUI thread and set later (None: not yet known).
        self._strengths: Mapping[int, int] | None = None
        # The name column's decoration (an avatar, see widgets/avatar.py); None: an icon for the kind of contact.
        self._decorate: Callable[[ContactRow], QIcon] | None = None
        self._cells = PaintedCells(_COLUMNS, self._cell_item)

    @property
    def decorate(self) -> Callable[[ContactRow], QIcon] | None:
        return self._decorate

    @decorate.setter
    def decorate(self, decorate: Callable[[ContactRow], QIcon] | None) -> None:
        self._decorate = decorate
        self._cells.forget()

    def forget_painted(self, ids: Iterable[int] | None = None) -> bool:
        """What the cells of ``ids`` (all for None) show changed while their rows did not (a photo arrived, the
        screen's pixel ratio changed): their next paint asks again. True when any had been painted: the caller
        repaints then."""
        return self._cells.forget(ids)

    # --- Qt model interface ------------------------------------------------------------------------------

    # Every call from Qt's C++ into this Python model has to take the interpreter lock back from the workers (reading
    # the database, or another process's import): a repaint made ~600 of them, and waited up to the switch interval at
    # each. So the model answers what a painted cell needs in two calls (``index``, ``multiData``): ``flags`` is Qt's
    # own for tables (enabled, selectable), and ``index`` does not go through ``rowCount`` and ``columnCount``.

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if 0 <= row < len(self._visible) and 0 <= column < _COLUMNS and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES:
            return None
        number = index.row()
        if not (0 <= number < len(self._visible)) or not index.isValid():
            return None
        return self._answer(self._rows[self._visible[number]], index.column(), role)

    def multiData(self, index: _Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # What a view's delegate calls to paint a cell: every role it needs (seven) in one call from C++ into Python,
        # answered by the cell's item in C++ (see painted_cells.py).
        span = QModelRoleDataSpan(roleDataSpan) if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        number = index.row()
        if not (0 <= number < len(self._visible)) or not index.isValid():
            for slot in cast(Iterable[QModelRoleData], span):
                slot.clearData()
            return
        contact_id = self._visible[number]
        self._cells.item(self._rows[contact_id], index.column(), self.strength(contact_id)).multiData(span)

    def _answer(self, row: ContactRow, column: int, role: int) -> Any:
        """``data`` for one of _ANSWERED_ROLES of a row shown: plain ints and early exits (a repaint asks ~1,000)."""
        if column == _STRENGTH:
            return self._strength_data(row.id, role)
        if role in (_DISPLAY, _EDIT):
            return self._text(row, column)
        if role == _TOOLTIP:
            return plain_tooltip(self._text(row, column))
        if role == ID_ROLE:
            return row.id
        if role == _FONT and row.kind is ContactKind.ORGANIZATION:
            return self._italic
        if role == _DECORATION and column == _NAME:
            return self._kind_icon(row.kind) if self._decorate is None else self._decorate(row)
        return None

    def _cell_item(self, row: ContactRow, column: int) -> QStandardItem:
        """The item that paints the cell: what ``_answer`` gives for each role it answers."""
        item = QStandardItem()
        for role in _ITEM_ROLES:
            value = self._answer(row, column, role)
            if value is not None:
                item.setData(value, role)
        return item

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self._visible
        self._sort_column, self._sort_order = column, order
        self._visible = id_array(self._sorted(list(self._visible)))
        self._move_persistent_indexes(old)
        self.layoutChanged.emit()

    # --- loading and filtering -----------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[ContactRow], visible_ids: Sequence[int] | None = None) -> None:
        """Replace every row; show ``visible_ids`` (default: all, in the given order)."""
        self.beginResetModel()
        self._cells.forget()
        self._rows = {r.id: r for r in rows}
        self._order = list(self._rows)
        self._order_array = None
        if visible_ids is None and self._sort_column < 0:
            self._visible = id_array(self._order)  # straight from the order: no list of 100,000 ids on the way
        else:
            ids = list(self._order) if visible_ids is None else [i for i in visible_ids if i in self._rows]
            self._visible = id_array(self._sorted(ids))
        self.endResetModel()

    def show_ids(self, ids: Sequence[int], few_changed: bool = True) -> None:
        """Show only ``ids`` (unknown ids are skipped) in their given order unless the user chose a sort.

        ``few_changed=False``: another list altogether (a new search), shown at once with one reset; else rows that
        come or go are inserted or removed where they are (see ``_show``); the same holds for ``show_matching`` and
        ``show_mask``."""
        self._show(id_array(self._sorted([i for i in ids if i in self._rows])), few_changed)

    def show_matching(self, ids: AbstractSet[int] | None, few_changed: bool = True) -> None:
        """Show the rows whose id is in ``ids`` (all rows for None), in the list's name order or the user's sort.

        Filtering the rows already held is what keeps typing in the search box smooth on a large database: the service
        only answers which ids match. One pass in numpy over the list's order, through a table of the ids wanted: a map
        of each id's position (for 20,000 rows and their import, 40,000 ids) took the GUI thread 8 ms to build at the
        first search after every large change (bench_gui_stall), and a pass in Python over every row 2-6 ms.
        """
        if ids is None:
            if self._sort_column < 0:
                self._show(id_array(self._order_array if self._order_array is not None else self._order), few_changed)
                return
            shown: list[int] = list(self._order)
        else:
            import numpy as np

            order = self._numpy_order()
            wanted = np.fromiter(ids, dtype=np.int64, count=len(ids))
            top = int(order.max(initial=0))
            table = None
            if int(order.min(initial=0)) >= 0:
                in_range = wanted[(wanted >= 0) & (wanted <= top)]  # an id past the list's is none of its rows
                table = id_table(in_range, top + 1, len(order))
            # Without a table, the ids are far apart (SQLite picks random row ids once the largest is taken).
            matching = order[table[order]] if table is not None else order[np.isin(order, wanted, kind="sort")]
            if self._sort_column < 0:
                self._show(id_array(matching), few_changed)
                return
            shown = matching.tolist()
        self._show(id_array(self._sorted(shown)), few_changed)

    def _numpy_order(self) -> npt.NDArray[np.int64]:
        """``_order`` as a numpy array, kept until the order changes."""
        if self._order_array is None:
            import numpy as np

            self._order_array = np.fromiter(self._order, dtype=np.int64, count=len(self._order))
        return self._order_array

    def show_mask(self, mask: Mask, few_changed: bool = True) -> None:
        """Show the rows whose id ``mask`` marks (a SearchIndex answer), in the list's order or the user's sort."""
        from netdesk.core.search_index import mask_ids

        shown = mask_ids(mask, self._numpy_order())
        if self._sort_column < 0:
            self._show(id_array(shown), few_changed)
        else:
            self._show(id_array(self._sorted(shown.tolist())), few_changed)

    def _show(self, visible: array[int], few_changed: bool = True) -> None:
        """Show ``visible`` instead of the rows shown now: when only a few rows come or go (a contact created,
        imported or deleted, a search that changes little) as row insertions and removals, which keep the selection
        and cost the view next to nothing; else as one reset (on 100,000 rows a reset and the relayout it starts
        held the GUI thread for 60-100 ms)."""
        old = self._visible
        if visible == old:
            return
        steps = visible_steps(old, visible) if few_changed else None
        if steps is None:
            self.beginResetModel()
            self._visible = visible
            self.endResetModel()
            return
        removed, inserted = steps
        for start, count in reversed(removed):
            self.beginRemoveRows(QModelIndex(), start, start + count - 1)
            del self._visible[start : start + count]
            self.endRemoveRows()
        for start, count in inserted:
            self.beginInsertRows(QModelIndex(), start, start + count - 1)
            self._visible[start:start] = visible[start : start + count]
            self.endInsertRows()

    def update_rows(self, rows: Iterable[ContactRow], order: Sequence[int] | None = None) -> None:
        """Refresh rows after an edit: visible ones get dataChanged. New and renamed ids take their place in the list's
        name order (``order``: every id in that order, read with the rows of a large change), where the next search
        shows them; a renamed row shown in that order moves there at once."""
        last = len(Column) - 1
        rows = list(rows)
        if order is not None:
            # An import or a bulk edit: one pass in C over the rows, one repaint of what is visible.
            known = self._rows
            known.update({r.id: r for r in rows})
            self._order = list(filter(known.__contains__, order))
            self._order_array = None
            if self._visible:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._visible) - 1, last))
            return
        for row in rows:
            before = self._rows.get(row.id)
            self._rows[row.id] = row
            if before is None or before.sort_key != row.sort_key:
                if before is not None:
                    self._order.remove(row.id)
                at = bisect.bisect_left(self._order, self._order_key(row.id), key=self._order_key)
                self._order.insert(at, row.id)
                self._order_array = None
                if before is not None:
                    self._move_visible(row.id)
            if len(rows) <= BULK_ROWS:
                pos = self.row_of(row.id)  # one edit (a log, a rhythm): a C-speed scan of the visible ids
                if pos is not None:
                    self.dataChanged.emit(self.index(pos, 0), self.index(pos, last))
        if len(rows) > BULK_ROWS and self._visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._visible) - 1, last))

    def _order_key(self, contact_id: int) -> tuple[str, int]:
        """The service's order of the list: by sort key, then id."""
        return self._rows[contact_id].sort_key, contact_id

    def _move_visible(self, contact_id: int) -> None:
        """A renamed contact's row moves to its new place when the list shows the name order (no sort chosen)."""
        pos = self.row_of(contact_id)
        if pos is None or self._sort_column >= 0:
            return
        rest = self._visible[:pos] + self._visible[pos + 1 :]
        to = bisect.bisect_left(rest, self._order_key(contact_id), key=self._order_key)
        if to == pos:
            return
        self.beginMoveRows(QModelIndex(), pos, pos, QModelIndex(), to if to < pos else to + 1)
        rest.insert(to, contact_id)
        self._visible = rest
        self.endMoveRows()

    def listed(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` the list shows now."""
        if len(ids) <= 20:
            return {i for i in ids if i in self._rows and self.row_of(i) is not None}
        return set(ids).intersection(self._visible)

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Remove these contacts' rows: in runs of removed rows, or one reset past MAX_ROW_STEPS runs. Vectorised: an
        undone import of 5,000 into 100,000 spent ~40 ms of the GUI thread in Python passes over the lists."""
        import numpy as np

        rows = self._rows
        gone = {i for i in ids if i in rows}  # over the ids, not the rows: set.intersection(dict) walked 100,000
        if not gone:
            return
        leaving = np.fromiter(gone, dtype=np.int64, count=len(gone))
        order = self._order_array
        if order is None:
            order = np.fromiter(self._order, dtype=np.int64, count=len(self._order))
        kept = order[~np.isin(order, leaving)]
        self._order, self._order_array = kept.tolist(), kept
        visible = as_numpy(self._visible)
        removed = np.isin(visible, leaving)
        removed_at = np.flatnonzero(removed)
        if run_count(removed_at) > MAX_ROW_STEPS:
            self.beginResetModel()
            self._visible = id_array(visible[~removed])
            self.endResetModel()
        else:
            for start, count in reversed(runs_of(removed_at)):
                self.beginRemoveRows(QModelIndex(), start, start + count - 1)
                del self._visible[start : start + count]
                self.endRemoveRows()
        for cid in gone:  # after the view let go of their rows
            self._rows.pop(cid, None)
        self._cells.forget(gone)

    def set_strengths(self, scores: Mapping[int, int]) -> None:
        """Show relationship strengths (ids missing from ``scores`` are 0); re-sorts when sorted by strength. The
        model reads ``scores`` as given, not a copy (100,000 of them copied took ~10 ms of the GUI thread)."""
        self._strengths = scores
        if self._sort_column == Column.STRENGTH:
            self.sort(self._sort_column, self._sort_order)
        if self._visible:
            column = int(Column.STRENGTH)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._visible) - 1, column))

    def forget_strengths(self) -> None:
        """Back to "not computed yet" (another database was opened)."""
        self._strengths = None
        if self._visible:
            column = int(Column.STRENGTH)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._visible) - 1, column))

    def strength(self, contact_id: int) -> int | None:
        return None if self._strengths is None else self._strengths.get(contact_id, 0)

    # --- queries for the view ------------------------------------------------------------------------------

    def contact_id(self, row: int) -> int | None:
        return self._visible[row] if 0 <= row < len(self._visible) else None

    def row_of(self, contact_id: int) -> int | None:
        try:
            return self._visible.index(contact_id)
        except ValueError:
            return None

    def contact_row(self, contact_id: int) -> ContactRow | None:
        return self._rows.get(contact_id)

    def all_rows(self) -> list[ContactRow]:
        return list(self._rows.values())

    @property
    def total(self) -> int:
        return len(self._rows)

    @property
    def shown(self) -> int:
        return len(self._visible)

    # --- helpers -------------------------------------------------------------------------------------------

    @staticmethod
    def _text(row: ContactRow, column: int) -> str:
        if column == _NAME:
            return f"★ {row.name}" if row.starred else row.name
        if column == _ORGANIZATION:
            return row.organization if row.kind is ContactKind.PERSON else ""
        if column == _TITLE:
            return row.title
        if column == _TAGS:
            return row.tags
        if column == _LAST_CONTACTED:
            return format_last_contacted(row.last_contacted)
        return ""

    def _strength_data(self, contact_id: int, role: int) -> Any:
        score = self.strength(contact_id)
        if role in (_DISPLAY, _EDIT):
            return "" if score is None else str(score)
        if role == _TOOLTIP:
            return "Computing…" if score is None else f"Relationship strength {score} of 100"
        if role == _ALIGNMENT:
            return _RIGHT_ALIGNED
        if role == ID_ROLE:
            return contact_id
        return None

    def _kind_icon(self, kind: ContactKind) -> QIcon:
        if self._org_icon is None or self._person_icon is None:
            self._org_icon = action_icon("organization")
            self._person_icon = action_icon("person")
        return self._org_icon if kind is ContactKind.ORGANIZATION else self._person_icon

    def _sorted(self, ids: list[int]) -> list[int]:
        if self._sort_column < 0:
            return ids
        rows = self._rows
        reverse = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column == Column.LAST_CONTACTED:
            # Never-contacted contacts go last in either direction.
            never = [i for i in ids if rows[i].last_contacted is None]
            dated = [i for i in ids if rows[i].last_contacted is not None]
            dated.sort(key=lambda i: rows[i].last_contacted or datetime.min, reverse=reverse)
            return dated + sorted(never, key=lambda i: rows[i].sort_key)
        if self._sort_column == Column.STRENGTH:
            scores = self._strengths or {}
            # Numeric; ties (and the many zeros) by name in either direction.
            by_name = sorted(ids, key=lambda i: rows[i].sort_key)
            return sorted(by_name, key=lambda i: scores.get(i, 0), reverse=reverse)
        if self._sort_column == Column.NAME:
            return sorted(ids, key=lambda i: (rows[i].sort_key, i), reverse=reverse)
        column = self._sort_column
        # Empty cells last, ties broken by name.
        filled = [i for i in ids if self._text(rows[i], column)]
        empty = [i for i in ids if not self._text(rows[i], column)]
        filled.sort(key=lambda i: (self._text(rows[i], column).casefold(), rows[i].sort_key), reverse=reverse)
        return filled + sorted(empty, key=lambda i: rows[i].sort_key)

    def _move_persistent_indexes(self, old_visible: Sequence[int]) -> None:
        old_indexes = self.persistentIndexList()
        if not old_indexes:
            return  # nothing selected or held: no map of 100,000 positions to build
        new_positions = {cid: i for i, cid in enumerate(self._visible)}
        new_indexes = []
        for index in old_indexes:
            row = index.row()
            cid = old_visible[row] if index.isValid() and 0 <= row < len(old_visible) else None
            pos = new_positions.get(cid) if cid is not None else None
            new_indexes.append(self.index(pos, index.column()) if pos is not None else QModelIndex())
        self.changePersistentIndexList(old_indexes, new_indexes)
