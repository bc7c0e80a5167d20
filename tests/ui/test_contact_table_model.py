from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelRoleData, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

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
    model.show_matching(frozenset({310, 450, 499, 10**9}))  # narrow; an id the list does not hold, past every id
    assert shown() == [499, 450, 310]
    broad = frozenset(range(300, 480))
    model.show_matching(broad)
    assert shown() == [i for i in range(500, 300, -1) if i in broad]
    model.show_matching(frozenset())
    assert shown() == []
    model.sort(Column.NAME, Qt.SortOrder.DescendingOrder)  # the user's sort, not the list's order
    model.show_matching(frozenset({310, 450, 499}))
    assert shown() == [310, 450, 499]
    model.sort(-1)
    model.update_rows([ContactRow(900, ContactKind.PERSON, "Zed New", "", "", "", "zed new", None)])
    model.remove_ids([450])
    model.show_matching(frozenset({900, 450, 499}))
    assert shown() == [499, 900]
    model.show_matching(None)
    assert model.rowCount() == 200  # 200 people, one added, one removed


def test_a_search_filter_copes_with_ids_far_apart(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    """SQLite row ids go up to 2**63 - 1 (it picks random ones once the largest is taken): the filter does not size
    anything by the largest id, in the list or in the answer."""
    huge = 2**63 - 1
    model = ContactTableModel()
    model.set_rows([ContactRow(i, ContactKind.PERSON, f"P{i}", "", "", "", f"p{i}", None) for i in (1, 2**40, huge)])
    shown = lambda: [model.contact_id(r) for r in range(model.rowCount())]  # noqa: E731
    model.show_matching(frozenset({huge, 2, 1, -1}))
    assert shown() == [1, huge]
    model.show_matching([2**40, 2**40, 7])  # type: ignore[arg-type]  # a list with a repeat: shown once
    assert shown() == [2**40]
    model.show_matching(None)
    seen = _signals(model)
    model.show_matching(frozenset({1, huge}))  # one row leaves: removed in place, as with ids close together
    assert seen == [("removed", 1, 1)] and shown() == [1, huge]
    qtmodeltester.check(model)


def _signals(model: ContactTableModel) -> list[tuple[str, int, int]]:
    """What the model tells its views from now on: resets, and insertions and removals with their rows."""
    seen: list[tuple[str, int, int]] = []
    model.modelReset.connect(lambda: seen.append(("reset", -1, -1)))
    model.rowsInserted.connect(lambda _p, first, last: seen.append(("inserted", first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: seen.append(("removed", first, last)))
    return seen


def test_a_search_that_adds_or_drops_a_few_rows_inserts_and_removes_them_in_place(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    people = [ContactRow(i, ContactKind.PERSON, f"P{i}", "", "", "", f"p{i:03d}", None) for i in range(1, 101)]
    model = ContactTableModel()
    model.set_rows(people)
    model.show_ids([i for i in range(1, 101) if i not in (10, 11, 50)])
    selected = model.index(model.row_of(60) or 0, 0)
    from PySide6.QtCore import QPersistentModelIndex

    kept = QPersistentModelIndex(selected)  # as a view's selection holds it
    seen = _signals(model)
    model.show_ids(list(range(1, 101)))  # 10, 11 and 50 come back: two runs of rows inserted where they belong
    assert seen == [("inserted", 9, 10), ("inserted", 49, 49)]
    assert [model.contact_id(r) for r in range(model.rowCount())] == list(range(1, 101))
    assert model.contact_id(kept.row()) == 60  # the selected contact is still the one selected
    seen.clear()
    model.show_ids([i for i in range(1, 101) if i not in (3, 99)])
    assert seen == [("removed", 98, 98), ("removed", 2, 2)]  # bottom first: earlier positions stay true
    assert model.row_of(3) is None and model.row_of(99) is None and model.contact_id(kept.row()) == 60
    seen.clear()
    model.show_ids([5, 1])  # another list altogether: one reset
    assert seen == [("reset", -1, -1)] and [model.contact_id(r) for r in range(model.rowCount())] == [5, 1]
    seen.clear()
    model.show_ids([5, 1, 2], few_changed=False)  # a new search: shown at once, however little differs
    assert seen == [("reset", -1, -1)] and model.shown == 3
    qtmodeltester.check(model)


def test_visible_steps_only_for_rows_coming_and_going_in_the_same_order() -> None:
    from netdesk.ui.row_steps import MAX_ROW_STEPS, visible_steps

    assert visible_steps([1, 2, 3, 4], [1, 9, 2, 4, 8]) == ([(2, 1)], [(1, 1), (4, 1)])
    assert visible_steps([1, 2, 3], [2, 1, 3]) is None  # reordered: not insertions and removals
    assert visible_steps([1, 2, 3], [1, 2, 2, 3]) is None  # a row twice
    scattered = list(range(0, 4 * MAX_ROW_STEPS, 2))
    assert visible_steps(scattered, sorted(scattered + [n + 1 for n in scattered])) is None  # too many runs: reset


def test_removing_a_few_contacts_removes_their_rows_and_many_resets_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    people = [ContactRow(i, ContactKind.PERSON, f"P{i}", "", "", "", f"p{i:04d}", None) for i in range(1, 1001)]
    model = ContactTableModel()
    model.set_rows(people)
    seen = _signals(model)
    model.remove_ids([500, 501, 7])
    assert seen == [("removed", 499, 500), ("removed", 6, 6)]
    assert model.total == 997 and model.contact_row(500) is None
    seen.clear()
    model.remove_ids(range(2, 1000, 3))  # an undone import: rows gone all over the list
    assert seen == [("reset", -1, -1)] and model.shown == model.total == 997 - len(set(range(2, 1000, 3)) - {500})
    left = [i for i in range(1, 1001) if i not in {500, 501, 7} and i not in range(2, 1000, 3)]
    assert [model.contact_id(r) for r in range(model.rowCount())] == left  # in name order still
    model.show_matching(frozenset({1, 3, 7, 998, 1000}))  # 7 and 998 are gone
    assert [model.contact_id(r) for r in range(model.rowCount())] == [1, 3, 1000]


def test_a_new_contact_joins_the_name_order_and_a_renamed_one_moves_to_its_place(qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ContactTableModel()
    model.set_rows(sorted(rows(), key=lambda r: r.sort_key))  # engines, lovelace ada, turing alan
    model.update_rows([ContactRow(7, ContactKind.PERSON, "Grace Hopper", "", "", "", "hopper grace", None)])
    model.show_matching(None)
    assert [model.contact_id(r) for r in range(model.rowCount())] == [3, 7, 1, 2]
    with qtbot.waitSignal(model.rowsMoved):
        model.update_rows([ContactRow(7, ContactKind.PERSON, "Zelda Hopper", "", "", "", "zelda hopper", None)])
    assert [model.contact_id(r) for r in range(model.rowCount())] == [3, 1, 2, 7]
    assert model.index(3, Column.NAME).data() == "Zelda Hopper"
    qtmodeltester.check(model)


def test_a_painted_cell_shows_what_data_answers(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A view paints from ``multiData`` (every role of a cell at once): it must agree with ``data`` role by role."""
    model = ContactTableModel()
    model.set_rows(rows())
    model.set_strengths({1: 42})
    delegate = QStyledItemDelegate()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)  # what a view's paint asks for, through multiData
            assert option.text == (index.data() or "")
            font = index.data(Qt.ItemDataRole.FontRole)
            assert option.font.italic() == (font is not None and font.italic())
            if column == Column.NAME:
                assert option.font.italic() == (model.contact_id(row) == 3)  # the organisation
            assert bool(option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration) == (column == Column.NAME)
            right = bool(option.displayAlignment & Qt.AlignmentFlag.AlignRight)
            assert right == (column == Column.STRENGTH)
    assert model.index(model.row_of(1) or 0, Column.STRENGTH).data() == "42"
    assert not model.index(model.rowCount(), 0).isValid()
    assert not model.index(0, model.columnCount()).isValid()


def _painted(model: ContactTableModel, row: int, column: int) -> QStyleOptionViewItem:
    """What a view's delegate reads to paint the cell (through ``multiData``)."""
    option = QStyleOptionViewItem()
    QStyledItemDelegate().initStyleOption(option, model.index(row, column))
    return option


def _icon_key(model: ContactTableModel, row: int) -> int:
    option = _painted(model, row, Column.NAME)  # the option owns the icon it holds
    return option.icon.cacheKey()


def _same(a: object, b: object) -> bool:
    if isinstance(a, QIcon) and isinstance(b, QIcon):
        return a.cacheKey() == b.cacheKey()
    return a == b


def test_multidata_answers_every_role_as_data_does_painted_before_or_not(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = ContactTableModel()
    model.set_rows(rows())
    model.set_strengths({1: 42})
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,  # a QStandardItem answers it as the display text
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ID_ROLE,
        Qt.ItemDataRole.BackgroundRole,  # asked by the delegate, answered by neither
        Qt.ItemDataRole.CheckStateRole,
    ]
    for _pass in ("first paint", "painted before"):
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                for role in roles:
                    slot = QModelRoleData(role)
                    index.multiData(slot)
                    assert _same(slot.data(), index.data(role)), (row, column, role)


def test_a_painted_cell_shows_the_row_as_it_is_now(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Cells are kept between paints (painted_cells.py): an edit, a new strength, a new avatar must still show."""
    model = ContactTableModel()
    icons = {1: QIcon(), 2: QIcon()}
    model.decorate = lambda row: icons.get(row.id, QIcon())
    model.set_rows(rows())
    ada = model.row_of(1) or 0
    assert _painted(model, ada, Column.NAME).text == "Ada Lovelace"
    assert _painted(model, ada, Column.STRENGTH).text == ""  # not computed yet

    model.update_rows([rows()[0]._replace(name="Ada King", starred=True)])
    ada = model.row_of(1) or 0
    assert _painted(model, ada, Column.NAME).text == "★ Ada King"
    model.set_strengths({1: 42})
    assert _painted(model, ada, Column.STRENGTH).text == "42"
    model.set_strengths({1: 57})
    assert _painted(model, ada, Column.STRENGTH).text == "57"
    model.forget_strengths()
    assert _painted(model, ada, Column.STRENGTH).text == ""

    painted_icon = _icon_key(model, ada)
    photo = QPixmap(8, 8)
    photo.fill(QColor(200, 20, 20))
    icons[1] = QIcon(photo)  # the photo arrived: the avatar source says so
    assert _icon_key(model, ada) == painted_icon  # kept until told
    model.forget_painted([1])
    assert _icon_key(model, ada) == icons[1].cacheKey()

    model.decorate = None  # back to the kind's icon
    assert _icon_key(model, ada) != icons[1].cacheKey()

    model.set_rows([r._replace(title="Countess") if r.id == 1 else r for r in rows()])
    assert _painted(model, model.row_of(1) or 0, Column.TITLE).text == "Countess"
    model.remove_ids([1])
    assert model.row_of(1) is None
    model.update_rows([rows()[0]])
    model.show_matching(None)
    assert _painted(model, model.row_of(1) or 0, Column.TITLE).text == "Mathematician"
