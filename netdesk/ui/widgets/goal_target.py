"""A goal's target and horizon ("meet 5 people in fintech by 2027-03-31", "2 talks this year"), its progress
computed from the record, and the communities it is linked to: a panel on the Goals page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError
from netdesk.core.practices import GoalMetric
from netdesk.services import NetDesk
from netdesk.ui.ops import failure_text, ops_for
from netdesk.ui.widgets.error_label import error_label


class GoalTargetPanel(QGroupBox):
    changed = Signal()

    def __init__(self, nd: NetDesk, today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__("Target and progress", parent)
        self.setObjectName("goalTargetPanel")
        self._nd = nd
        self._today = today
        self.goal_id: int | None = None
        self.progress_label = QLabel("No target")
        self.progress_label.setObjectName("goalProgress")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("goalProgressBar")
        self.target_spin = QSpinBox()
        self.target_spin.setObjectName("goalTarget")
        self.target_spin.setRange(1, 100_000)
        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("goalMetric")
        for metric in GoalMetric:
            self.metric_combo.addItem(metric.noun, metric.value)
        self.focus_edit = QLineEdit()
        self.focus_edit.setObjectName("goalFocus")
        self.focus_edit.setPlaceholderText("in… (a tag, an organisation, or talk/post…)")
        self.horizon_edit = QDateEdit()
        self.horizon_edit.setObjectName("goalHorizon")
        self.horizon_edit.setDisplayFormat("yyyy-MM-dd")
        self.horizon_edit.setCalendarPopup(True)
        self.set_button = QPushButton("Set target")
        self.set_button.setObjectName("goalSetTarget")
        self.community_combo = QComboBox()
        self.community_combo.setObjectName("goalCommunity")
        self.link_button = QPushButton("Link community")
        self.link_button.setObjectName("goalLinkCommunity")
        self.communities_label = QLabel()
        self.communities_label.setObjectName("goalCommunities")
        self.error_label = error_label("goalTargetError")
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_spin)
        target_row.addWidget(self.metric_combo)
        target_row.addWidget(self.focus_edit, 1)
        target_row.addWidget(QLabel("by"))
        target_row.addWidget(self.horizon_edit)
        target_row.addWidget(self.set_button)
        community_row = QHBoxLayout()
        community_row.addWidget(self.communities_label, 1)
        community_row.addWidget(self.community_combo)
        community_row.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addLayout(target_row)
        layout.addLayout(community_row)
        layout.addWidget(self.error_label)
        self.set_button.clicked.connect(self.set_target)
        self.link_button.clicked.connect(self.link_community)
        self.show_goal(None)

    def show_goal(self, goal_id: int | None) -> None:
        self.goal_id = goal_id
        self.error_label.hide()
        for w in (self.set_button, self.link_button):
            w.setEnabled(goal_id is not None)
        today = self._today()
        end = date(today.year, 12, 31)
        self.horizon_edit.setDate(QDate(end.year, end.month, end.day))
        if goal_id is None:
            self.progress_label.setText("No target")
            self.progress_bar.setValue(0)
            return
        try:
            goal = self._nd.goal_targets.progress_of(goal_id, today)
        except NetDeskError:
            return
        self.progress_label.setText(goal.summary)
        if goal.target is not None and goal.progress is not None:
            self.progress_bar.setRange(0, goal.progress.target)
            self.progress_bar.setValue(min(goal.progress.done, goal.progress.target))
            self.target_spin.setValue(goal.target.target)
            self.metric_combo.setCurrentIndex(self.metric_combo.findData(goal.target.metric.value))
            self.focus_edit.setText(goal.target.focus)
            h = goal.target.horizon
            self.horizon_edit.setDate(QDate(h.year, h.month, h.day))
        else:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
        names = ", ".join(name for _, name in goal.communities)
        self.communities_label.setText(f"Communities: {names}" if names else "No community linked")
        self.community_combo.clear()
        for summary in self._nd.communities.overview(today):
            self.community_combo.addItem(summary.community.name, summary.community.id)

    def set_target(self) -> None:
        if self.goal_id is None:
            return
        d = self.horizon_edit.date()
        goal_id, metric, target = self.goal_id, self.metric_combo.currentData(), self.target_spin.value()
        horizon, focus, today = date(d.year(), d.month(), d.day()), self.focus_edit.text(), self._today()
        targets = self._nd.goal_targets
        self._write(lambda: targets.set_target(goal_id, metric, target, horizon, focus, today=today))

    def link_community(self) -> None:
        community_id = self.community_combo.currentData()
        if self.goal_id is None or community_id is None:
            return
        goal_id, targets = self.goal_id, self._nd.goal_targets
        self._write(lambda: targets.link_community(goal_id, community_id))

    def _write(self, fn: Callable[[], Written[Any]]) -> None:
        """Through the window's one write path (undoable); the panel shows the goal again once it is written, and a
        refusal below the panel."""

        def done(_value: object) -> None:
            self.show_goal(self.goal_id)
            self.changed.emit()

        def refused(exc: BaseException) -> None:
            self.error_label.setText(failure_text(exc))
            self.error_label.show()

        ops_for(self, self._nd, lambda: self.show_goal(self.goal_id)).run(fn, done, on_error=refused)
