"""Light and dark: follow the system colour scheme (or a forced choice) and swap action icons live.

Qt 6.5+ reports the system scheme through QStyleHints.colorScheme(); where it says "unknown" the window palette's
lightness decides. A forced light/dark choice is requested from the platform (Qt 6.8+ setColorScheme) and backed by
an explicit palette, because not every platform theme (offscreen, some Linux desktops) honours the request.

Action icons are QIcons made once per (name, variant) by netdesk.ui.icons; swapping variants finds each widget's
icon by its cache key, so no widget has to register for theme changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QListWidget,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from netdesk import resources
from netdesk.settings import ThemeChoice
from netdesk.ui import icons


def is_dark(choice: ThemeChoice, scheme: Qt.ColorScheme, window_lightness: int) -> bool:
    """Whether the dark variant applies: a forced choice wins, then the system scheme, then the palette."""
    if choice is ThemeChoice.DARK:
        return True
    if choice is ThemeChoice.LIGHT:
        return False
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return window_lightness < 128


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, QColor(40, 40, 43)),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.BrightText, QColor(255, 80, 80)),
        (QPalette.ColorRole.Link, QColor(110, 170, 255)),
        (QPalette.ColorRole.LinkVisited, QColor(190, 150, 255)),
        (QPalette.ColorRole.Highlight, QColor(60, 110, 200)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150)),
    ):
        palette.setColor(role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(130, 130, 130))
    return palette


def light_palette() -> QPalette:
    app = QApplication.instance()
    palette = app.style().standardPalette() if isinstance(app, QApplication) else QPalette()
    # The style's selection blue under white text is 3.7:1; a deeper blue reaches WCAG AA (4.5:1).
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight, QColor(38, 110, 170))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(38, 110, 170))
    # Placeholder hints ("Search contacts (Ctrl+F)") are half-transparent black by default: 3.9:1 on white.
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(110, 110, 110))
    palette.setColor(QPalette.ColorRole.LinkVisited, QColor(110, 40, 140))  # the style's is 3.1:1 on white
    return palette


def _variant_map() -> dict[int, tuple[str, bool]]:
    """Cache key of every loaded action icon -> (name, dark)."""
    found: dict[int, tuple[str, bool]] = {}
    for dark in (False, True):
        for name in resources.available_action_icons(dark):
            found[icons._action_icon(name, dark).cacheKey()] = (name, dark)
    return found


def _swapped(icon: QIcon, variants: dict[int, tuple[str, bool]], dark: bool) -> QIcon | None:
    known = variants.get(icon.cacheKey()) if not icon.isNull() else None
    if known is None or known[1] == dark:
        return None
    return icons._action_icon(known[0], dark)


def refresh_action_icons(dark: bool) -> int:
    """Give every top-level widget's actions, buttons and list items the ``dark`` (or light) icon variant.

    Returns how many icons were swapped.
    """
    variants = _variant_map()
    swapped = 0
    for top in QApplication.topLevelWidgets():
        owners: list[QObject] = [top, *top.findChildren(QWidget)]
        for owner in owners:
            if isinstance(owner, QWidget):
                for action in owner.actions():
                    new = _swapped(action.icon(), variants, dark)
                    if new is not None:
                        action.setIcon(new)
                        swapped += 1
            if isinstance(owner, QAbstractButton):
                new = _swapped(owner.icon(), variants, dark)
                if new is not None:
                    owner.setIcon(new)
                    swapped += 1
            if isinstance(owner, QListWidget):
                for row in range(owner.count()):
                    item = owner.item(row)
                    new = _swapped(item.icon(), variants, dark)
                    if new is not None:
                        item.setIcon(new)
                        swapped += 1
    return swapped


INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class LegibleIndicators(QProxyStyle):
    """The platform's style, with check boxes and radio buttons that can be seen on a dark palette.

    Fusion outlines an indicator in the window colour made darker, which on a dark Base is next to invisible (the
    goals check list in the detail pane was a column of black squares) and on a light one is 1.9:1: each indicator
    gets an outline halfway between text and Base, at least 3:1 against either (WCAG's bar for controls).
    """

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in INDICATORS:
            return
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(indicator_outline(option.palette))
        box = option.rect.adjusted(0, 0, -1, -1)
        if element is QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.drawEllipse(box)
        else:
            painter.drawRect(box)  # whole pixels: an anti-aliased 1 px line is two pale ones
        painter.restore()


def indicator_outline(palette: QPalette) -> QColor:
    return _mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.6)


def install_legible_style(app: QApplication) -> None:
    """Wrap the application's style once in LegibleIndicators."""
    if not isinstance(app.style(), LegibleIndicators):
        app.setStyle(LegibleIndicators(app.style().name()))


NATIVE_STYLE = "netdeskNativeStyle"  # its object name among the application's children


def native_style() -> QStyle:
    """The application's style without LegibleIndicators: one instance, owned by the application.

    For widgets that draw no check boxes or radio buttons and paint much, the contact list: the proxy is Python,
    and C++ calls it for every primitive drawn (each cell's panel and focus frame), whatever the primitive. Looked up
    by name rather than kept: PySide drops its wrapper when a widget given it as style is deleted.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    found = app.findChild(QStyle, NATIVE_STYLE, Qt.FindChildOption.FindDirectChildrenOnly)
    if found is not None:
        return found
    current = app.style()
    base = current.baseStyle() if isinstance(current, QProxyStyle) else current
    style = QStyleFactory.create(base.name())
    if style is None:  # a style that the factory does not know by its name: the app's own, proxy and all
        return current
    style.setObjectName(NATIVE_STYLE)
    style.setParent(app)
    return style


class ThemeController(QObject):
    """Applies a ThemeChoice to the application and keeps icons in step with the system scheme."""

    def __init__(self, app: QApplication, choice: ThemeChoice = ThemeChoice.SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self.choice = choice
        self.dark = False
        self._applying = False
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: self._system_changed())
        install_legible_style(app)
        self.apply(choice)

    def apply(self, choice: ThemeChoice) -> None:
        self.choice = choice
        hints = self._app.styleHints()
        self._applying = True
        try:
            if choice is ThemeChoice.SYSTEM:
                hints.unsetColorScheme()
                self._app.setPalette(QPalette())  # an empty palette resolves to the platform's own
            else:
                dark = choice is ThemeChoice.DARK
                hints.setColorScheme(Qt.ColorScheme.Dark if dark else Qt.ColorScheme.Light)
                self._app.setPalette(dark_palette() if dark else light_palette())
        finally:
            self._applying = False
        self._update_icons()

    def _system_changed(self) -> None:
        if self.choice is ThemeChoice.SYSTEM and not self._applying:
            self._update_icons()

    def _update_icons(self) -> None:
        lightness = self._app.palette().color(QPalette.ColorRole.Window).lightness()
        self.dark = is_dark(self.choice, self._app.styleHints().colorScheme(), lightness)
        refresh_action_icons(self.dark)
        _signals.changed.emit()


_controller: ThemeController | None = None


def apply_theme(choice: ThemeChoice) -> ThemeController | None:
    """Apply ``choice`` to the running application (one controller per process); None without a QApplication."""
    global _controller
    app = QGuiApplication.instance()
    if not isinstance(app, QApplication):
        return None
    if _controller is None or _controller.parent() is not app:
        _controller = ThemeController(app, choice)
    else:
        _controller.apply(choice)
    return _controller


# --- legibility (WCAG 2.x contrast, computed from the colours widgets use) --------------------------------------


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    return 0.2126 * _linear(color.red()) + 0.7152 * _linear(color.green()) + 0.0722 * _linear(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of text colour ``a`` on background ``b`` (1 to 21; body text needs 4.5). A translucent
    text colour (Qt's default placeholder is half-transparent text) counts as drawn over the background."""
    if a.alpha() < 255:
        a = _mix(a, b, a.alphaF())
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: QColor, b: QColor, share_of_a: float) -> QColor:
    return QColor(
        round(a.red() * share_of_a + b.red() * (1 - share_of_a)),
        round(a.green() * share_of_a + b.green() * (1 - share_of_a)),
        round(a.blue() * share_of_a + b.blue() * (1 - share_of_a)),
    )


def secondary_text(palette: QPalette | None = None) -> QColor:
    """Quieter than body text but still legible (≥ 4.5:1) on both Base and Window, in either theme."""
    palette = palette or QGuiApplication.palette()
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    window = palette.color(QPalette.ColorRole.Window)
    for share in (0.6, 0.7, 0.8, 0.9, 1.0):
        color = _mix(text, base, share)
        if min(contrast(color, base), contrast(color, window)) >= 4.5:
            return color
    return text


class _ThemeSignals(QObject):
    changed = Signal()  # after the palette of a theme switch (or a system scheme change) is in place


_signals = _ThemeSignals()


class _Restyler(QObject):
    """Builds a widget's style sheet again after each theme switch (see ``themed_style_sheet``). A widget whose
    sheet sets a colour keeps the palette the sheet gave it: no palette-change event reaches it."""

    def __init__(self, widget: QWidget, sheet: Callable[[], str]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._sheet = sheet
        widget.setStyleSheet(sheet())
        _signals.changed.connect(self._restyle)

    def _restyle(self) -> None:
        self._widget.setStyleSheet(self._sheet())  # the same sheet too: palette() in it is resolved when it is set


def themed_style_sheet(widget: QWidget, sheet: Callable[[], str]) -> None:
    """Give ``widget`` the style sheet ``sheet()`` builds, now and after every theme switch. A widget with a style
    sheet keeps the palette it had when the sheet was set (even a sheet with no colour in it, and ``palette(…)`` in it
    is resolved then): without this, black titles and a light red stayed on a dark window."""
    _Restyler(widget, sheet)


def error_text(palette: QPalette | None = None) -> QColor:
    """A red that reads on the window background of the theme in use."""
    palette = palette or QGuiApplication.palette()
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor(255, 130, 130) if dark else QColor(176, 0, 32)


def error_style() -> str:
    """The style sheet of a line that says what went wrong (for ``themed_style_sheet``)."""
    return f"color: {error_text().name()};"


def quiet_style() -> str:
    """The style sheet of secondary text (for ``themed_style_sheet``)."""
    return f"color: {secondary_text().name()};"
