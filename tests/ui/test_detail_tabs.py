"""The detail pane at 1024×700: three tabs, each scrolling on its own; the goals and "Who can introduce me?" are
reachable and nothing is wider than the pane."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea, QWidget

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View


def _inside(widget: QWidget, viewport: QWidget) -> bool:
    """Scrolled to: its top is on screen, and its whole width (a tall list may go on below the fold)."""
    rect = QRect(widget.mapTo(viewport, widget.rect().topLeft()), widget.size())
    area = viewport.rect()
    return area.contains(rect.topLeft()) and area.left() <= rect.left() and rect.right() <= area.right()


def test_networking_tab_reaches_goals_and_introductions_at_1024(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, sample: dict[str, int]
) -> None:
    ada = sample["Ada Lovelace"]
    db.networking.create_goal("Meet more founders")
    db.timeline.log(
        InteractionDTO(
            datetime(2025, 5, 1, 9), InteractionKind.MEETING, summary="Coffee", participants=(Participant(ada),)
        )
    )
    window = make_window()
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    window.select_contact(ada)
    detail = window.detail
    assert [detail.tabs.tabText(i) for i in range(detail.tabs.count())] == ["Overview", "Networking", "Timeline (1)"]
    assert "Ada Lovelace" in detail.browser.toPlainText()

    detail.show_tab("Networking")
    panel = detail.networking
    assert panel is not None
    scroll = detail.findChild(QScrollArea, "networkingScroll")
    assert scroll is not None and scroll.isVisible()
    qtbot.wait(50)
    viewport = scroll.viewport()
    assert panel.width() <= viewport.width()  # nothing cut off at the right
    qtbot.waitUntil(lambda: panel.goals_list.width() <= viewport.width(), timeout=3000)  # once laid out
    for target in (panel.goals_list, panel.intro_button):
        scroll.ensureWidgetVisible(target)
        qtbot.wait(20)
        assert target.isVisible() and _inside(target, viewport), target.objectName()
    goals = [panel.goals_list.item(i).text() for i in range(panel.goals_list.count())]
    assert "Meet more founders" in goals
    panel.intro_button.click()
    assert window.navigation.current is View.INTRODUCTIONS

    window.navigation.show_view(View.CONTACTS)
    assert detail.tabs.tabText(detail.tabs.currentIndex()) == "Networking"  # the tab stays as the user left it
    detail.show_tab("Timeline")
    assert detail.timeline_list.count() == 1 and detail.timeline_list.isVisible()
