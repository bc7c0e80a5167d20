"""The Dashboard's part for the practices: contributions per month and each goal's progress towards its target."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QVBoxLayout, QWidget

from netdesk.core import networking as rules
from netdesk.services import NetDesk
from netdesk.ui.safe_text import plain_label

MONTHS = 12


class PracticesSummary(QWidget):
    def __init__(self, nd: NetDesk, today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practicesSummary")
        self._nd = nd
        self._today = today
        self.per_month: dict[str, int] = {}
        self.contributions_label = plain_label()
        self.contributions_label.setObjectName("dashboardContributions")
        self.contributions_label.setWordWrap(True)
        self.goals_label = plain_label()  # goal names are typed by the user: never markup
        self.goals_label.setObjectName("dashboardGoals")
        self.goals_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.contributions_label)
        layout.addWidget(self.goals_label)
        self.refresh()

    def refresh(self) -> None:
        today = self._today()
        months = rules.last_months(today, MONTHS)
        counts = dict.fromkeys(months, 0)
        for row in self._nd.contributions.per_month(MONTHS, today):
            counts[row.month] = counts.get(row.month, 0) + row.count
        self.per_month = counts
        total = sum(counts.values())
        # Month names, as on the charts ("Jan ’26: 2"), not "26/01 2".
        shown = " · ".join(f"{calendar.month_abbr[int(m[5:7])]} ’{m[2:4]}: {n}" for m, n in counts.items())
        self.contributions_label.setText(f"Contributions per month ({total} in {MONTHS} months): {shown}")
        goals = [g for g in self._nd.goal_targets.progress(today) if g.target is not None]
        lines = [f"{g.name}: {g.summary}." for g in goals]
        empty = "No goal has a target yet: give one a target (“2 talks by June”) on the Goals page."
        self.goals_label.setText("Goals — " + " ".join(lines) if lines else empty)
