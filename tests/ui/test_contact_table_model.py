from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from netdesk.core.model import ContactKind, ContactRow
from netdesk.ui.contact_table_model import ID_ROLE, Column, ContactTableModel


def rows() -> list[ContactRow]:
    return [
        ContactRow(
            1,
            ContactKind.PERSON,
            "Ada Lovelace",
            "Engines",
            "Mathematician",
            "mentor",
            "lovelace ada",
            datetime(2024, 5, 3),
        ),
        ContactRow(2, ContactKind.PERSON, "Alan Turing", "Bletchley", "", "alumni", "turing alan", None),
        ContactRow(3, ContactKind.ORGANIZATION, "Engines", "Engines", "", "", "engines", datetime(2023, 1, 1)),
    ]


def test_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ContactTableModel()
    model.set_rows(rows())
    qtmodeltester.check(model)
    model.show_ids([3, 1])
    qtmodeltester.check(model)
    model.sort(Column.LAST_CONTACTED, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_filter_sort_and_display() -> None:
    model = ContactTableModel()
    model.set_rows(rows())
    assert (model.shown, model.total) == (3, 3)
    model.show_ids([2, 99, 1])  # unknown ids are skipped, order kept
    assert [model.contact_id(r) for r in range(model.rowCount())] == [2, 1]
    assert model.index(1, Column.LAST_CONTACTED).data() == "03 May 2024"
    assert model.index(0, Column.NAME).data(ID_ROLE) == 2
    model.show_ids([1, 2, 3])
    model.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(3)] == ["Alan Turing", "Ada Lovelace", "Engines"]
    model.sort(Column.LAST_CONTACTED, Qt.SortOrder.AscendingOrder)
    assert [model.contact_id(r) for r in range(3)] == [3, 1, 2]  # never contacted last
    # Organisations are italic with no organisation column of their own.
    org_row = model.row_of(3)
    assert org_row is not None
    assert model.index(org_row, Column.NAME).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(org_row, Column.ORGANIZATION).data() == ""
    assert model.headerData(Column.TAGS, Qt.Orientation.Horizontal) == "Tags"


def test_update_and_remove_rows_emit_fine_grained_signals(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ContactTableModel()
    model.set_rows(rows())
    changed = ContactRow(2, ContactKind.PERSON, "Alan M. Turing", "Bletchley", "", "", "turing alan", None)
    with qtbot.waitSignal(model.dataChanged):
        model.update_rows([changed])
    assert model.index(model.row_of(2) or 0, 0).data() == "Alan M. Turing"
    with qtbot.waitSignal(model.rowsRemoved):
        model.remove_ids([1])
    assert model.total == 2 and model.row_of(1) is None


def test_strength_column_fills_in_later_and_sorts_numerically(qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ContactTableModel()
    model.set_rows(rows())
    assert model.headerData(Column.STRENGTH, Qt.Orientation.Horizontal) == "Strength"
    assert model.index(0, Column.STRENGTH).data() == ""  # not computed yet
    assert model.index(0, Column.STRENGTH).data(Qt.ItemDataRole.ToolTipRole) == "Computing…"
    model.sort(Column.STRENGTH, Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(model.dataChanged):
        model.set_strengths({2: 9, 3: 40})  # Ada (1) is missing: 0
    assert [model.contact_id(r) for r in range(3)] == [3, 2, 1]  # re-sorted once the scores arrive
    assert [model.index(r, Column.STRENGTH).data() for r in range(3)] == ["40", "9", "0"]
    model.sort(Column.STRENGTH, Qt.SortOrder.AscendingOrder)
    assert [model.contact_id(r) for r in range(3)] == [1, 2, 3]
    assert model.strength(2) == 9 and model.strength(99) == 0
    qtmodeltester.check(model)


def test_search_filter_keeps_name_order_for_narrow_and_broad_matches_after_edits(qtbot) -> None:  # type: ignore[no-untyped-def]
    people = [
        ContactRow(i, ContactKind.PERSON, f"Person {n:03d}", "", "", "", f"person {n:03d}", None)
        for n, i in enumerate(range(500, 300, -1))  # ids descending, names ascending: list order is not id order
    ]
    model = ContactTableModel()
    model.set_rows(people)
    shown = lambda: [model.contact_id(r) for r in range(model.rowCount())]  # noqa: E731
    model.show_matching(frozenset({310, 450, 499}))  # narrow: by positions
    assert shown() == [499, 450, 310]
    broad = frozenset(range(300, 480))
    model.show_matching(broad)  # broad: by testing every row
    assert shown() == [i for i in range(500, 300, -1) if i in broad]
    model.update_rows([ContactRow(900, ContactKind.PERSON, "Zed New", "", "", "", "zed new", None)])
    model.remove_ids([450])
    model.show_matching(frozenset({900, 450, 499}))
    assert shown() == [499, 900]
    model.show_matching(None)
    assert model.rowCount() == 200  # 200 people, one added, one removed
