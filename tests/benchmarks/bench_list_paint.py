"""How long a repaint of the contact list's rows takes the GUI thread, against Qt painting the same cells by itself.

    python tests/benchmarks/bench_list_paint.py                 # 20,000 contacts, 40 searches
    python tests/benchmarks/bench_list_paint.py --smoke         # tiny run for CI

The window is opened as the app opens it (its theme and style), on its contact list, loaded. Each search shows other
rows; then the list's viewport is repainted twice: once with the cells it keeps forgotten (what the first paint of a
new search's rows costs: every cell built from its row, avatars looked up) and once as painted before (a repaint of
rows already shown: scrolling back, a selection, a refresh). Each repaint after a search is part of the stall that
bench_gui_stall measures.

Anchor, measured in the same run: a bare QTableView of the same size, font, column widths and row colours, over a
QStandardItemModel holding the same cells (text, avatar, italics, alignment), in the platform's style by itself, so
that Qt does all the work in C++; repainted as often. The ratio is what NetDesk adds to Qt's own painting.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_gui_stall import close_window, open_window, wait_until
from common import assert_size, build_contact_db, contact_db_path, describe_size, record

QUERIES = ["ada", "mar", "lovelace", "engines", "berlin", "kim", "zoë", "an", "el", "ri", "to", "sa", "li", "mo"]


def repaint_ms(viewport: object) -> float:
    from PySide6.QtWidgets import QWidget

    assert isinstance(viewport, QWidget)
    start = time.perf_counter()
    viewport.repaint()
    return (time.perf_counter() - start) * 1000


def bare_copy(window: object) -> object:
    """A QTableView like the window's list, over a QStandardItemModel of the cells the list shows now."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from netdesk.ui.main_window import MainWindow
    from netdesk.ui.theme import native_style

    assert isinstance(window, MainWindow)
    table, model = window.table, window.model
    rows = min(model.shown, table.rowAt(table.viewport().height() - 1) + 2 if model.shown else 0)
    cells = QStandardItemModel(rows, model.columnCount())
    roles = (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
    )
    for row in range(rows):
        for column in range(model.columnCount()):
            item = QStandardItem()
            for role in roles:
                value = model.index(row, column).data(role)
                if value is not None:
                    item.setData(value, role)
            cells.setItem(row, column, item)
    bare = QTableView()
    bare.setModel(cells)
    bare.setStyle(native_style())  # the platform's style by itself, as the list's
    bare.setFont(table.font())
    bare.setIconSize(table.iconSize())
    bare.setAlternatingRowColors(True)
    bare.setShowGrid(False)
    bare.setWordWrap(False)
    bare.verticalHeader().hide()
    bare.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    bare.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    for column in range(model.columnCount()):
        bare.setColumnWidth(column, table.columnWidth(column))
        bare.setColumnHidden(column, table.isColumnHidden(column))
    bare.resize(table.size())
    bare.show()
    bare.setProperty("cells", cells)  # kept alive with the view
    return bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--searches", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.contacts, args.searches = 300, 4
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from netdesk.ui.main_window import MainWindow

    base = contact_db_path(args.contacts)
    build_contact_db(base, args.contacts)
    first, again, bare_ms = [], [], []
    painted_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "list.sqlite3"
        shutil.copyfile(base, db)
        app, window = open_window(db)
        assert isinstance(window, MainWindow) and isinstance(app, QApplication)
        assert_size("contacts in the list", window.model.total, args.contacts)
        describe_size(f"{args.contacts:,} contacts, {args.searches} searches")
        for n in range(args.searches):
            window.search_edit.setText(QUERIES[n % len(QUERIES)])
            window.run_search()
            wait_until(app, lambda: window.tasks.pending == 0, 60)
            app.processEvents()
            viewport = window.table.viewport()
            window.model.forget_painted()
            first.append(repaint_ms(viewport))
            again.append(repaint_ms(viewport))
            bare = bare_copy(window)
            app.processEvents()
            bare.viewport().repaint()  # type: ignore[attr-defined]  # its first paint lays it out
            bare_ms.append(repaint_ms(bare.viewport()))  # type: ignore[attr-defined]
            painted_rows.append(bare.model().rowCount())  # type: ignore[attr-defined]
            bare.close()  # type: ignore[attr-defined]
            bare.deleteLater()  # type: ignore[attr-defined]
        close_window(app, window)
    rows = statistics.median(painted_rows)
    print(f"rows on screen: {rows:g} (median of {args.searches} searches)")
    anchor = statistics.median(bare_ms)
    what = "bare QTableView over a QStandardItemModel of the same cells"
    for figure, times in (("list repaint, a new search's rows", first), ("list repaint, rows painted before", again)):
        record(f"{figure} (median)", statistics.median(times), "ms", anchor=what, anchor_value=anchor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
