"""DashboardView: the monthly bar chart by kind or channel, stacked or grouped, and the reply-rate line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from netdesk.core.model import Channel, InteractionKind
from netdesk.services import NetDesk
from netdesk.ui.views.dashboard_view import DashboardView


def test_bars_by_kind_and_channel(  # type: ignore[no-untyped-def]
    qtbot, nd: NetDesk, make_person: Callable[..., int], make_interaction: Callable[..., int]
) -> None:
    ada = make_person("Ada Lovelace")
    make_interaction(ada, 0, InteractionKind.CALL, channel=Channel.ONLINE)
    make_interaction(ada, 0, InteractionKind.CALL, channel=Channel.ONLINE)
    make_interaction(ada, 0, InteractionKind.MEETING, channel=Channel.IN_PERSON)
    make_interaction(ada, 500, InteractionKind.MEETING)  # outside the 12 months
    view = DashboardView(nd)
    qtbot.addWidget(view)
    assert view.total_label.text() == "3 interactions in the last 12 months"
    assert len(view.months) == 12 and view.months[-1] == date.today().strftime("%Y-%m")
    assert view.series == {"call": [0] * 11 + [2], "meeting": [0] * 11 + [1]}
    assert "Call (2)" in view.legend_label.text() and "Meeting (1)" in view.legend_label.text()
    # Stacked: the meeting bar sits on top of the call bar.
    call, meeting = view.bar_items
    assert list(meeting.opts["y0"])[-1] == 2 and list(meeting.opts["height"])[-1] == 1
    # Month names on the axis ("Jan ’26", not "26/01") and whole-number ticks for counts.
    labels = [text for _, text in view.plot.getAxis("bottom")._tickLevels[0]]
    assert labels[-1] == date.today().strftime("%b ’%y") and all("/" not in t for t in labels)
    assert view.plot.getAxis("left")._tickSpacing == [(1, 0), (1, 0)]

    view.layout_combo.setCurrentIndex(view.layout_combo.findText("Grouped"))
    call, meeting = view.bar_items
    assert call.opts["width"] == meeting.opts["width"] == 0.4
    assert list(meeting.opts["x"])[-1] - list(call.opts["x"])[-1] == pytest.approx(0.4)

    view.by_combo.setCurrentIndex(view.by_combo.findText("By channel"))
    assert set(view.series) == {"online", "in_person"}
    assert "Online (2)" in view.legend_label.text() and "In person (1)" in view.legend_label.text()


def test_reply_rate_line(qtbot, nd: NetDesk, make_person: Callable[..., int]) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    a = make_person("New One", connected_on=today)
    b = make_person("New Two", connected_on=today)
    make_person("New Three", connected_on=today)  # no note yet: not in the rate
    for cid in (a, b):
        nd.networking.mark_followup(cid, "messaged")
    nd.networking.mark_followup(a, "replied")
    view = DashboardView(nd)
    qtbot.addWidget(view)
    assert view.reply_rates[-1] == 50.0 and view.reply_rates[0] is None  # no note that month: no rate, not 0 %
    assert view.reply_label.text() == (
        "Reply rate of new connections: 50 % (1 of 2 notes; 3 new connections in 12 months) · benchmark 25 %"
    )
    xs, ys = view.reply_curve.getData()
    assert list(ys) == [50.0] and list(xs) == [11]
    assert view.benchmark_line.value() == 25
    assert view.review_label.text().startswith(
        "<b>This week</b> (last week): 2 (0) notes sent, 1 (0) replies, 3 (0) exchanges"
    )


def test_empty_dashboard(qtbot, nd: NetDesk) -> None:  # type: ignore[no-untyped-def]
    view = DashboardView(nd, today=lambda: date.today() - timedelta(days=3650))
    qtbot.addWidget(view)
    assert view.total_label.text() == "0 interactions in the last 12 months"
    assert view.legend_label.text().startswith("Nothing logged yet: press Ctrl+L") and view.bar_items == []
    assert view.reply_label.text().startswith("No new connections in the last 12 months (benchmark 25 %): import")


def test_reply_rate_line_counts_one_in_the_singular(qtbot, nd: NetDesk, make_person: Callable[..., int]) -> None:  # type: ignore[no-untyped-def]
    one = make_person("New One", connected_on=date.today())
    view = DashboardView(nd)
    qtbot.addWidget(view)
    assert view.reply_label.text() == "1 new connection in 12 months, no personal note sent yet (benchmark 25 %)."
    nd.networking.mark_followup(one, "messaged")
    view.refresh()
    qtbot.waitUntil(lambda: view.reply_label.text().startswith("Reply rate"))
    assert view.reply_label.text() == (
        "Reply rate of new connections: 0 % (0 of 1 note; 1 new connection in 12 months) · benchmark 25 %"
    )
