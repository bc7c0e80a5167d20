"""The contact list is painted by the platform's style itself: the app's style is a Python proxy (LegibleIndicators),
which C++ calls for every primitive drawn, and a repaint of the list was a third slower through it."""

from __future__ import annotations

from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QCheckBox, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

from netdesk.ui.main_window import MainWindow
from netdesk.ui.theme import LegibleIndicators


class CountedIndicators(LegibleIndicators):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.drawn: list[QStyle.PrimitiveElement] = []

    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        self.drawn.append(element)
        super().drawPrimitive(element, option, painter, widget)


def test_the_list_paints_without_the_style_proxy_that_check_boxes_use(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    current = app.style()  # the platform's, or wrapped in LegibleIndicators by an earlier test
    before = (current.baseStyle() if isinstance(current, QProxyStyle) else current).name()
    style = CountedIndicators(before)
    app.setStyle(style)  # the app's style, as ui/theme.py installs it, counting the calls into its Python
    try:
        box = QCheckBox("Remind me")
        qtbot.addWidget(box)
        box.grab()  # painted
        assert QStyle.PrimitiveElement.PE_IndicatorCheckBox in style.drawn  # check boxes get their legible outline
        style.drawn.clear()
        assert window.model.shown > 0
        window.table.viewport().grab()
        assert style.drawn == []
        assert window.table.style().name() == before  # the same platform style, without the proxy
    finally:  # the app's style as it was: QApplication deleted that instance when given another
        app.setStyle(
            LegibleIndicators(before) if isinstance(current, LegibleIndicators) else QStyleFactory.create(before)
        )
