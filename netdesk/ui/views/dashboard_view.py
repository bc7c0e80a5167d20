"""The dashboard: interactions per month as bars (stacked or grouped by kind or channel) and the reply rate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

import pyqtgraph as pg  # the only module that needs pyqtgraph
from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from netdesk.core.errors import NetDeskError
from netdesk.core.model import Channel, InteractionKind
from netdesk.core.words import count_step, month_label, plural
from netdesk.services import NetDesk
from netdesk.services.followups import ReplyStats, WeekFigures, WeeklyReview
from netdesk.services.networking import ReplyRate
from netdesk.ui.theme import secondary_text
from netdesk.ui.widgets.practices_summary import PracticesSummary

MONTHS = 12
EMPTY_LEGEND = "Nothing logged yet: press Ctrl+L to log a call, a meeting, a message or a favour, and it shows here."
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6",
)  # fmt: skip
CHANNEL_NAMES = {Channel.UNSPECIFIED.value: "Unspecified", Channel.IN_PERSON.value: "In person",
                 Channel.ONLINE.value: "Online"}  # fmt: skip


def key_label(by: str, key: str) -> str:
    if by == "kind":
        try:
            return InteractionKind(key).label
        except ValueError:
            return key
    return CHANNEL_NAMES.get(key, key or "Unspecified")


class DashboardView(QWidget):
    # Part of the views' common interface; the dashboard has nothing per contact to open yet.
    contactActivated = Signal(int)

    def __init__(self, nd: NetDesk, parent: QWidget | None = None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._nd = nd
        self._today = today
        self.months: list[str] = []
        self.series: dict[str, list[int]] = {}
        self.bar_items: list[pg.BarGraphItem] = []
        self.reply_rates: list[float | None] = []
        self.stats: ReplyStats | None = None

        self.by_combo = QComboBox()
        self.by_combo.setObjectName("dashboardBy")
        self.by_combo.addItem("By kind", "kind")
        self.by_combo.addItem("By channel", "channel")
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("dashboardLayout")
        self.layout_combo.addItem("Stacked", "stacked")
        self.layout_combo.addItem("Grouped", "grouped")
        self.total_label = QLabel()
        self.total_label.setObjectName("dashboardTotal")
        controls = QHBoxLayout()
        controls.addWidget(self.total_label, 1)
        controls.addWidget(self.by_combo)
        controls.addWidget(self.layout_combo)

        self.plot = pg.PlotWidget()
        self.plot.setObjectName("dashboardPlot")
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=False, y=False)
        self.legend_label = QLabel()
        self.legend_label.setObjectName("dashboardLegend")
        self.legend_label.setWordWrap(True)

        self.reply_plot = pg.PlotWidget()
        self.reply_plot.setObjectName("dashboardReplyPlot")
        self.reply_plot.setYRange(0, 100)
        self.reply_plot.setMouseEnabled(x=False, y=False)
        self.reply_plot.setMaximumHeight(180)
        self.reply_curve = self.reply_plot.plot([], [], pen=pg.mkPen("#4e79a7", width=2), symbol="o", symbolSize=6)
        self.benchmark = benchmark_percent()
        self.benchmark_line = pg.InfiniteLine(
            pos=self.benchmark, angle=0, pen=pg.mkPen("#e15759", width=1, style=Qt.PenStyle.DashLine)
        )
        self.reply_plot.addItem(self.benchmark_line)
        self.reply_label = QLabel()
        self.reply_label.setObjectName("dashboardReply")

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.reply_label)
        self.review_label = QLabel()
        self.review_label.setObjectName("dashboardReview")
        self.review_label.setWordWrap(True)
        layout.addWidget(self.review_label)
        layout.addWidget(self.reply_plot, 1)
        self.practices = PracticesSummary(nd, today)  # contributions per month, goal progress (issue 15)
        layout.addWidget(self.practices)

        self.by_combo.currentIndexChanged.connect(self.refresh)
        self.layout_combo.currentIndexChanged.connect(self._draw_bars)
        self._colour_plots()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_plots()  # the theme changed: the charts follow it
        super().changeEvent(event)

    def _colour_plots(self) -> None:
        """The charts in the theme's colours: its base behind them, axes and their labels in legible text (pyqtgraph's
        own grey axis text was 3:1 on white, and the charts stayed white in the dark theme)."""
        palette = self.palette()
        text = secondary_text(palette)
        for plot, label, units in ((self.plot, "Interactions", None), (self.reply_plot, "Reply rate", "%")):
            plot.setBackground(palette.color(QPalette.ColorRole.Base))
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(text))
                axis.setTextPen(pg.mkPen(text))
            plot.setLabel("left", label, units=units, color=text.name())

    def refresh(self) -> None:
        by = str(self.by_combo.currentData())
        today = self._today()
        try:
            counts = self._nd.networking.interactions_per_month(MONTHS, by, today)
            rates = self._nd.networking.reply_rate_by_month(MONTHS, today)
            self.stats = self._nd.followups.stats(today, MONTHS)
            review = self._nd.followups.weekly_review(today)
        except NetDeskError as exc:
            self.total_label.setText(str(exc))
            return
        self.months = [r.month for r in rates]
        index = {m: n for n, m in enumerate(self.months)}
        series: dict[str, list[int]] = {}
        for row in counts:
            if row.month in index:
                series.setdefault(row.key, [0] * len(self.months))[index[row.month]] = row.count
        # Biggest series at the bottom of the stack and first in the legend.
        self.series = dict(sorted(series.items(), key=lambda kv: (-sum(kv[1]), kv[0])))
        total = sum(sum(v) for v in self.series.values())
        self.total_label.setText(f"{total} interaction{'s' if total != 1 else ''} in the last {MONTHS} months")
        self._draw_bars()
        self._draw_reply_rate(rates)
        self.review_label.setText(review_text(review))
        self.practices.refresh()

    def _draw_bars(self) -> None:
        by = str(self.by_combo.currentData())
        stacked = self.layout_combo.currentData() == "stacked"
        for item in self.bar_items:
            self.plot.removeItem(item)
        self.bar_items = []
        x = list(range(len(self.months)))
        base = [0] * len(self.months)
        n = max(1, len(self.series))
        width = 0.8 if stacked else 0.8 / n
        legend = []
        for k, (key, values) in enumerate(self.series.items()):
            colour = PALETTE[k % len(PALETTE)]
            if stacked:
                bar = pg.BarGraphItem(x=x, height=values, y0=list(base), width=width, brush=colour, name=key)
                base = [b + v for b, v in zip(base, values, strict=True)]
            else:
                offset = -0.4 + width * (k + 0.5)
                bar = pg.BarGraphItem(x=[i + offset for i in x], height=values, width=width, brush=colour, name=key)
            self.plot.addItem(bar)
            self.bar_items.append(bar)
            legend.append(f'<span style="color:{colour}">■</span> {escape(key_label(by, key))} ({sum(values)})')
        self.legend_label.setText("&nbsp;&nbsp; ".join(legend) if legend else EMPTY_LEGEND)
        ticks = [(i, month_label(m)) for i, m in enumerate(self.months)]
        self.plot.getAxis("bottom").setTicks([ticks])
        tallest = max(base) if stacked else max((max(v) for v in self.series.values()), default=0)
        step = count_step(tallest)
        self.plot.getAxis("left").setTickSpacing(step, step)  # counts: whole numbers only
        self.plot.setXRange(-0.6, max(0, len(self.months) - 1) + 0.6, padding=0)

    def _draw_reply_rate(self, rates: list[ReplyRate]) -> None:
        self.benchmark = benchmark_percent()
        self.benchmark_line.setValue(self.benchmark)
        self.reply_rates = [None if r.rate is None else round(100 * r.rate, 1) for r in rates]
        # Months without a note have no rate: left out of the line rather than drawn as 0 %.
        points = [(i, rate) for i, rate in enumerate(self.reply_rates) if rate is not None]
        self.reply_curve.setData([i for i, _ in points], [rate for _, rate in points])
        self.reply_plot.getAxis("bottom").setTicks([[(i, month_label(r.month)) for i, r in enumerate(rates)]])
        stats = self.stats
        benchmark = f"benchmark {self.benchmark} %"
        if stats is None or not stats.new_connections:
            self.reply_label.setText(
                f"No new connections in the last {MONTHS} months ({benchmark}): import your LinkedIn export"
                " (File → Import) to see how many reply to a personal note."
            )
        elif stats.reply_rate is None:
            self.reply_label.setText(
                f"{plural(stats.new_connections, 'new connection')} in {MONTHS} months, no personal note sent yet"
                f" ({benchmark})."
            )
        else:
            self.reply_label.setText(
                f"Reply rate of new connections: {round(100 * stats.reply_rate)} % ({stats.replies} of"
                f" {plural(stats.notes_sent, 'note')}; {plural(stats.new_connections, 'new connection')}"
                f" in {MONTHS} months)"
                f" · {benchmark}"
            )


def review_text(review: WeeklyReview) -> str:
    """The weekly review in one paragraph: this week (last week in brackets), then what stalled."""
    this, last = review.this_week, review.last_week

    def share(w: WeekFigures) -> str:
        return "–" if w.in_person_share is None else f"{round(100 * w.in_person_share)} %"

    text = (
        f"<b>This week</b> (last week): {this.notes_sent} ({last.notes_sent}) notes sent, {this.replies}"
        f" ({last.replies}) replies, {this.exchanges} ({last.exchanges}) exchanges, {share(this)} ({share(last)})"
        f" in person, {this.favours} ({last.favours}) favours."
    )
    if review.stalled:
        names = ", ".join(escape(name) for _, name, _ in review.stalled[:5])
        more = f" and {len(review.stalled) - 5} more" if len(review.stalled) > 5 else ""
        text += f" Stalled (a note and no reply for a week): {names}{more}."
    return text


def benchmark_percent() -> int:
    """The reply-rate benchmark from Preferences (25 % unless changed)."""
    from netdesk.ui.preferences import load_preferences

    return load_preferences(QSettings()).reply_benchmark_percent
