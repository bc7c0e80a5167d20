"""GoalsView: the goal list with add / rename / delete, and the selected goal's people and progress."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from netdesk.services import NetDesk
from netdesk.services.networking import DEFAULT_GOALS
from netdesk.ui.interaction_dialog import ContactPicker
from netdesk.ui.views.goals_view import GoalsView


def goal_names(view: GoalsView) -> list[str]:
    return [view.goal_list.item(i).text() for i in range(view.goal_list.count())]


def texts(widget) -> list[str]:  # type: ignore[no-untyped-def]
    return [widget.item(i).text() for i in range(widget.count())]


def test_no_goal_nobody_created_then_add_rename_delete(qtbot, nd: NetDesk) -> None:  # type: ignore[no-untyped-def]
    empty = GoalsView(nd)
    qtbot.addWidget(empty)
    assert goal_names(empty) == [] and empty.title_label.text().startswith("No goals yet")
    for name in DEFAULT_GOALS:
        nd.networking.create_goal(name)
    view = GoalsView(nd)
    qtbot.addWidget(view)
    assert goal_names(view) == ["Better known", "Better equipped", "Better connected"]
    assert view.title_label.text() == "Better known"
    assert view.stats_label.text() == "0 people · 0 interactions this month · 0 this quarter"

    qtbot.keyClicks(view.name_edit, "Find a co-founder")
    view.add_button.click()
    assert goal_names(view)[-1] == "Find a co-founder"
    assert view.title_label.text() == "Find a co-founder" and view.name_edit.text() == ""

    qtbot.keyClicks(view.name_edit, "Find a CTO")
    view.rename_button.click()
    assert goal_names(view)[-1] == "Find a CTO" and view.title_label.text() == "Find a CTO"
    assert view.name_edit.text() == ""

    view.add_button.click()  # empty name
    assert view.error_label.isVisibleTo(view) and view.error_label.text() == "A goal needs a name."

    view.confirm = lambda text: False
    view.delete_button.click()
    assert len(goal_names(view)) == 4
    view.confirm = lambda text: True
    view.delete_button.click()
    assert goal_names(view) == ["Better known", "Better equipped", "Better connected"]


def test_link_people_and_see_progress(  # type: ignore[no-untyped-def]
    qtbot, nd: NetDesk, make_person: Callable[..., int], make_interaction: Callable[..., int]
) -> None:
    ada = make_person("Ada Lovelace")
    bob = make_person("Bob Byte")
    make_interaction(ada, 0)
    make_interaction(bob, 90)
    for name in DEFAULT_GOALS:
        nd.networking.create_goal(name)
    view = GoalsView(nd)
    qtbot.addWidget(view)
    view.goal_list.setCurrentRow(2)
    assert view.title_label.text() == "Better connected"

    for name in ("Ada", "Bob"):
        view.link_button.click()
        picker = view.active_dialog
        assert isinstance(picker, ContactPicker)
        qtbot.keyClicks(picker.search_edit, name)
        picker.accept()
    assert view.title_label.text() == "Better connected"
    assert texts(view.people_list) == ["Ada Lovelace — contacted today", "Bob Byte — last contact 90 days ago"]
    assert texts(view.stale_list) == ["Bob Byte — last contact 90 days ago"]
    assert view.stats_label.text().startswith("2 people · 1 interaction this month")

    view.people_list.setCurrentRow(1)
    view.unlink_button.click()
    assert texts(view.people_list) == ["Ada Lovelace — contacted today"] and texts(view.stale_list) == []

    view.people_list.setCurrentRow(0)
    with qtbot.waitSignal(view.contactActivated) as signal:
        qtbot.keyClick(view.people_list, Qt.Key.Key_Return)  # Enter, like a double click, shows the person
    assert signal.args == [ada]
