"""The contact form's field editors: rows of labelled points (email, phone, URL, IM), postal addresses, and a
birthday with or without a year. Each editor returns core values (``ContactPoint``, ``PostalAddress``,
``PartialDate``) and has an ``error`` label the dialog shows a refusal in."""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterator, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.errors import ValidationError
from netdesk.core.model import STANDARD_LABELS, ContactPoint, PartialDate, PostalAddress
from netdesk.ui.widgets.error_label import error_label


def label_combo(current: str) -> QComboBox:
    """Editable combo of the standard labels; anything typed is kept as a custom label."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(STANDARD_LABELS))
    combo.setCurrentText(current or STANDARD_LABELS[0])
    combo.setMinimumContentsLength(8)
    return combo


def combo_label(combo: QComboBox) -> str:
    text = combo.currentText().strip()
    return text.lower() if text.lower() in STANDARD_LABELS else text


class PointRow(QWidget):
    removed = Signal(object)

    def __init__(self, kind: str, point: ContactPoint, placeholder: str) -> None:
        super().__init__()
        self._params = point.params  # the vCard spelling it came with; the writer checks it still fits
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label_combo = label_combo(point.label)
        self.label_combo.setObjectName(f"{kind}Label")
        self.value_edit = QLineEdit(point.value)
        self.value_edit.setObjectName(f"{kind}Value")
        self.value_edit.setPlaceholderText(placeholder)
        self.pref_check = QCheckBox("Preferred")
        self.pref_check.setObjectName(f"{kind}Preferred")
        self.pref_check.setChecked(point.pref)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove")
        remove.setObjectName(f"{kind}Remove")
        remove.clicked.connect(lambda: self.removed.emit(self))
        layout.addWidget(self.label_combo)
        layout.addWidget(self.value_edit, 1)
        layout.addWidget(self.pref_check)
        layout.addWidget(remove)

    def point(self) -> ContactPoint | None:
        value = self.value_edit.text().strip()
        if not value:
            return None
        label, pref = combo_label(self.label_combo), self.pref_check.isChecked()
        return ContactPoint(value=value, label=label, pref=pref, params=self._params)


class AddressRow(QWidget):
    removed = Signal(object)

    def __init__(self, address: PostalAddress) -> None:
        super().__init__()
        self._original = address  # keeps PO box / extended parts the editor does not show
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 6)
        self.label_combo = label_combo(address.label)
        self.pref_check = QCheckBox("Preferred")
        self.pref_check.setChecked(address.pref)
        self.street = QLineEdit(address.street)
        self.street.setPlaceholderText("Street")
        self.postal_code = QLineEdit(address.postal_code)
        self.postal_code.setPlaceholderText("Postal code")
        self.locality = QLineEdit(address.locality)
        self.locality.setPlaceholderText("City")
        self.region = QLineEdit(address.region)
        self.region.setPlaceholderText("Region")
        self.country = QLineEdit(address.country)
        self.country.setPlaceholderText("Country")
        for name, widget in (
            ("Street", self.street),
            ("PostalCode", self.postal_code),
            ("City", self.locality),
            ("Region", self.region),
            ("Country", self.country),
        ):
            widget.setObjectName(f"address{name}")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove address")
        remove.clicked.connect(lambda: self.removed.emit(self))
        grid.addWidget(self.label_combo, 0, 0)
        grid.addWidget(self.street, 0, 1, 1, 3)
        grid.addWidget(self.pref_check, 0, 4)
        grid.addWidget(remove, 0, 5)
        grid.addWidget(self.postal_code, 1, 1)
        grid.addWidget(self.locality, 1, 2)
        grid.addWidget(self.region, 1, 3)
        grid.addWidget(self.country, 2, 1, 1, 3)
        grid.setColumnStretch(2, 1)

    def address(self) -> PostalAddress | None:
        a = PostalAddress(
            label=combo_label(self.label_combo),
            pref=self.pref_check.isChecked(),
            po_box=self._original.po_box,
            extended=self._original.extended,
            street=self.street.text().strip(),
            locality=self.locality.text().strip(),
            region=self.region.text().strip(),
            postal_code=self.postal_code.text().strip(),
            country=self.country.text().strip(),
            params=self._original.params,
        )
        return None if a.is_empty() else a


def _tab_before(widget: QWidget, row: QWidget) -> None:
    """Tab reaches ``row``'s fields just before ``widget`` (the "Add …" button under the rows): a row added to a
    shown form goes to the end of the dialog's focus chain, after Save and Cancel."""
    previous = next((w for w in _chain(widget, backwards=True) if w.focusPolicy() & Qt.FocusPolicy.TabFocus), None)
    if previous is None:
        return
    for stop in [*_tab_stops(row), widget]:
        QWidget.setTabOrder(previous, stop)
        previous = _last_focus_child(stop)  # an editable combo box's line edit goes with it


def _chain(start: QWidget, backwards: bool = False) -> Iterator[QWidget]:
    """The widgets after (or before) ``start`` in its window's focus chain, up to ``start`` again."""
    widget = start.previousInFocusChain() if backwards else start.nextInFocusChain()
    while widget is not None and widget is not start:
        yield widget
        widget = widget.previousInFocusChain() if backwards else widget.nextInFocusChain()


def _tab_stops(row: QWidget) -> list[QWidget]:
    """The fields and buttons of ``row`` that Tab stops at, in the row's own order (not their inner parts)."""
    stops: list[QWidget] = []
    for widget in itertools.takewhile(row.isAncestorOf, _chain(row)):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not any(s.isAncestorOf(widget) for s in stops):
            stops.append(widget)
    return stops


def _last_focus_child(widget: QWidget) -> QWidget:
    inner = list(itertools.takewhile(widget.isAncestorOf, _chain(widget)))
    return inner[-1] if inner else widget


class PointListEditor(QWidget):
    """Any number of emails (or phones, URLs, IM handles) with label and preferred flag."""

    def __init__(self, kind: str, noun: str, placeholder: str, points: Sequence[ContactPoint]) -> None:
        super().__init__()
        self.setObjectName(f"{kind}Editor")
        self._kind = kind
        self._placeholder = placeholder
        self.rows: list[PointRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._rows_layout = QVBoxLayout()
        outer.addLayout(self._rows_layout)
        self._built = False  # rows made here come before the button in the focus chain by themselves
        for p in points:
            self.add_row(p)
        self.add_button = QPushButton(f"Add {noun}")
        self.add_button.setObjectName(f"{kind}AddButton")
        self.add_button.clicked.connect(lambda: self.add_row().value_edit.setFocus())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.error = error_label(f"{kind}Error")
        outer.addWidget(self.error)
        self._built = True

    def add_row(self, point: ContactPoint | None = None) -> PointRow:
        row = PointRow(self._kind, point or ContactPoint(""), self._placeholder)
        row.removed.connect(self._remove)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        if self._built:
            _tab_before(self.add_button, row)
        return row

    def _remove(self, row: PointRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    def points(self) -> tuple[ContactPoint, ...]:
        return tuple(p for p in (r.point() for r in self.rows) if p is not None)


class AddressListEditor(QWidget):
    def __init__(self, addresses: Sequence[PostalAddress]) -> None:
        super().__init__()
        self.setObjectName("addressesEditor")
        self.rows: list[AddressRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._rows_layout = QVBoxLayout()
        outer.addLayout(self._rows_layout)
        self._built = False
        for a in addresses:
            self.add_row(a)
        self.add_button = QPushButton("Add address")
        self.add_button.setObjectName("addressesAddButton")
        self.add_button.clicked.connect(lambda: self.add_row().street.setFocus())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.error = error_label("addressesError")
        outer.addWidget(self.error)
        self._built = True

    def add_row(self, address: PostalAddress | None = None) -> AddressRow:
        row = AddressRow(address or PostalAddress())
        row.removed.connect(self._remove)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        if self._built:
            _tab_before(self.add_button, row)
        return row

    def _remove(self, row: AddressRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    def addresses(self) -> tuple[PostalAddress, ...]:
        return tuple(a for a in (r.address() for r in self.rows) if a is not None)


class BirthdayEditor(QWidget):
    """Day and month, plus an optional year: many address books know birthdays without the year."""

    def __init__(self, birthday: PartialDate | None) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("birthdayMonth")
        self.month_combo.addItem("—", 0)
        for number in range(1, 13):
            self.month_combo.addItem(calendar.month_name[number], number)
        self.day_spin = QSpinBox()
        self.day_spin.setObjectName("birthdayDay")
        self.day_spin.setRange(1, 31)
        self.year_check = QCheckBox("Year known")
        self.year_check.setObjectName("birthdayYearKnown")
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("birthdayYear")
        self.year_spin.setRange(1800, date.today().year)
        self.year_spin.setValue(1990)
        if birthday is not None:
            self.month_combo.setCurrentIndex(birthday.month)
            self.day_spin.setValue(birthday.day)
            if birthday.year is not None:
                self.year_check.setChecked(True)
                self.year_spin.setValue(birthday.year)
        self.month_combo.currentIndexChanged.connect(self._sync)
        self.year_check.toggled.connect(self._sync)
        layout.addWidget(self.day_spin)
        layout.addWidget(self.month_combo)
        layout.addWidget(self.year_check)
        layout.addWidget(self.year_spin)
        layout.addStretch(1)
        self._sync()

    def _sync(self) -> None:
        has_month = self.month_combo.currentIndex() > 0
        self.day_spin.setEnabled(has_month)
        self.year_check.setEnabled(has_month)
        self.year_spin.setEnabled(has_month and self.year_check.isChecked())

    def set_date(self, day: int, month: int, year: int | None) -> None:
        self.month_combo.setCurrentIndex(month)
        self.day_spin.setValue(day)
        self.year_check.setChecked(year is not None)
        if year is not None:
            self.year_spin.setValue(year)

    def value(self) -> PartialDate | None:
        """The birthday, None when no month is chosen; raises ValidationError for e.g. 30 February."""
        month = self.month_combo.currentIndex()
        if month == 0:
            return None
        year = self.year_spin.value() if self.year_check.isChecked() else None
        try:
            return PartialDate(month=month, day=self.day_spin.value(), year=year)
        except ValueError:
            raise ValidationError("birthday", "That day does not exist in that month.") from None
