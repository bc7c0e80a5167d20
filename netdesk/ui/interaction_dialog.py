"""Log (or edit) an interaction: when, what kind, through which channel, with whom.

With the networking service it also records what networking needs: whether a favour is still open (promised, not yet
delivered), which goals the interaction serves, and for an introduction who introduced whom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NetDeskError, ValidationError
from netdesk.core.exchange import implausible_reason
from netdesk.core.model import (
    Channel,
    ContactRow,
    Direction,
    InteractionDTO,
    InteractionKind,
    Participant,
    ParticipantRole,
)
from netdesk.services.networking import NetworkingService
from netdesk.services.timeline import TimelineService
from netdesk.ui.edit_conflict_dialog import resolve_or_refuse, save_merging
from netdesk.ui.ops import failure_text, write_directly
from netdesk.ui.widgets.error_label import error_label

# The kinds a person logs by hand; "connected" and "connection request" come from LinkedIn imports.
LOGGABLE_KINDS = (
    InteractionKind.MEETING,
    InteractionKind.CALL,
    InteractionKind.MESSAGE,
    InteractionKind.EMAIL,
    InteractionKind.EVENT,
    InteractionKind.INTRODUCTION,
    InteractionKind.FAVOUR_GIVEN,
    InteractionKind.FAVOUR_RECEIVED,
    InteractionKind.NOTE,
)
CHANNEL_LABELS = {Channel.UNSPECIFIED: "—", Channel.IN_PERSON: "In person", Channel.ONLINE: "Online"}
DIRECTION_LABELS = {Direction.NONE: "Both / neither", Direction.OUT: "I reached out", Direction.IN: "They reached out"}
PICKER_LIMIT = 200
FAVOUR_KINDS = (InteractionKind.FAVOUR_GIVEN, InteractionKind.FAVOUR_RECEIVED)
GOAL_ROLE = Qt.ItemDataRole.UserRole


class ContactPicker(QDialog):
    """Choose one contact by typing part of a name; filters the rows already in memory."""

    def __init__(self, rows: Sequence[ContactRow], exclude: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactPicker")
        self.setWindowTitle("Add participant")
        self.resize(380, 420)
        self._rows = sorted((r for r in rows if r.id not in exclude), key=lambda r: r.sort_key)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("pickerSearch")
        self.search_edit.setPlaceholderText("Type a name…")
        self.search_edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("pickerList")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.search_edit.textChanged.connect(self._filter)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._filter("")

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        self.list.clear()
        shown = 0
        for r in self._rows:
            if needle and needle not in r.name.casefold() and needle not in r.organization.casefold():
                continue
            item = QListWidgetItem(
                f"{r.name} — {r.organization}" if r.organization and r.organization != r.name else r.name
            )
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.list.addItem(item)
            shown += 1
            if shown >= PICKER_LIMIT:
                break
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> tuple[int, str] | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)), item.text().split(" — ")[0]


# (the write, what to do with the saved interaction, what to do with a failure)
WriteLater = Callable[
    [Callable[[], Written[InteractionDTO]], Callable[[InteractionDTO], None], Callable[[BaseException], None]], None
]


class _Plan(NamedTuple):
    """What the write needs from the form, read on the GUI thread before it starts (widgets stay there)."""

    introduction: bool
    introducer: tuple[int, str] | None
    goals: set[int]


class InteractionDialog(QDialog):
    def __init__(
        self,
        timeline: TimelineService,
        participants: Sequence[tuple[int, str]],
        rows_provider: Callable[[], Sequence[ContactRow]],
        interaction: InteractionDTO | None = None,
        parent: QWidget | None = None,
        networking: NetworkingService | None = None,
        write: Callable[[Callable[[], Written[InteractionDTO]]], InteractionDTO] = write_directly,
        write_later: WriteLater | None = None,
        then: Callable[[InteractionDTO], Written[Any] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._write = write  # for a dialog without a window: written here and now
        self._then = then  # a page's own part of the save (the community it belongs to), in the same undo step
        # The window's Ops.run: the log and its goal links written on the writer thread as one undo step; the
        # dialog closes when it is done, or shows the refusal beside the field.
        self._write_later = write_later
        self.setObjectName("interactionDialog")
        self.setWindowTitle("Edit interaction" if interaction else "Log interaction")
        self.resize(520, 560)
        self._timeline = timeline
        self._rows_provider = rows_provider
        self._networking = networking
        self.introducer: tuple[int, str] | None = None
        self.original = interaction
        self.saved: InteractionDTO | None = None

        form = QFormLayout()
        self.when_edit = QDateTimeEdit(
            _qdatetime(interaction.occurred_at) if interaction else QDateTime.currentDateTime()
        )
        self.when_edit.setObjectName("whenEdit")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        form.addRow("When:", self.when_edit)

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        kinds = list(LOGGABLE_KINDS)
        if interaction and interaction.kind not in kinds:
            kinds.append(interaction.kind)
        for kind in kinds:
            self.kind_combo.addItem(kind.label, kind)
        self.kind_combo.setCurrentIndex(kinds.index(interaction.kind) if interaction else 0)
        form.addRow("Kind:", self.kind_combo)
        self.open_favour_check = QCheckBox("Open favour (promised, not yet delivered)")
        self.open_favour_check.setObjectName("openFavourCheck")
        self.open_favour_check.setChecked(bool(interaction and interaction.is_open))
        form.addRow("", self.open_favour_check)

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channelCombo")
        for channel, text in CHANNEL_LABELS.items():
            self.channel_combo.addItem(text, channel)
        self.channel_combo.setCurrentIndex(list(CHANNEL_LABELS).index(interaction.channel) if interaction else 0)
        form.addRow("Channel:", self.channel_combo)

        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("directionCombo")
        for direction, text in DIRECTION_LABELS.items():
            self.direction_combo.addItem(text, direction)
        self.direction_combo.setCurrentIndex(list(DIRECTION_LABELS).index(interaction.direction) if interaction else 0)
        form.addRow("Initiative:", self.direction_combo)

        self.summary_edit = QLineEdit(interaction.summary if interaction else "")
        self.summary_edit.setObjectName("summaryEdit")
        self.summary_edit.setPlaceholderText("e.g. Coffee at the conference")
        self.summary_error = error_label("summaryError")
        form.addRow("Summary:", self.summary_edit)
        form.addRow("", self.summary_error)

        self.notes_edit = QPlainTextEdit(interaction.notes if interaction else "")
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setTabChangesFocus(True)  # Tab goes on to Save, as in every field of the form
        form.addRow("Notes:", self.notes_edit)

        self.participants_list = QListWidget()
        self.participants_list.setObjectName("participantsList")
        self.participants_list.setMaximumHeight(110)
        add = QPushButton("Add…")
        add.setObjectName("addParticipantButton")
        add.clicked.connect(self.pick_participant)
        remove = QPushButton("Remove")
        remove.setObjectName("removeParticipantButton")
        remove.clicked.connect(self._remove_participant)
        people = QHBoxLayout()
        people.addWidget(self.participants_list, 1)
        side = QVBoxLayout()
        side.addWidget(add)
        side.addWidget(remove)
        side.addStretch(1)
        people.addLayout(side)
        self.participants_error = error_label("participantsError")
        self.with_label = QLabel("With:")
        form.addRow(self.with_label, people)
        form.addRow("", self.participants_error)
        # An introduction logged afresh goes through log_introduction: an introducer and the two people introduced.
        self.introducer_button = QPushButton("Pick introducer…")
        self.introducer_button.setObjectName("introducerButton")
        self.introducer_button.clicked.connect(self.pick_introducer)
        form.addRow("Introduced by:", self.introducer_button)
        self.goals_list = QListWidget()
        self.goals_list.setObjectName("interactionGoals")
        self.goals_list.setMaximumHeight(80)
        self.goals_list.setToolTip("Tick the goals this interaction serves")
        form.addRow("Goals:", self.goals_list)
        self._form = form
        self._goal_links: set[int] = set()
        self._load_goals()
        self._roles: dict[int, Participant] = {}
        source = interaction.participants if interaction else tuple(Participant(cid, name=n) for cid, n in participants)
        for p in source:
            self.add_participant(p.contact_id, p.name, p)

        self.form_error = error_label("formError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.summary_edit.setFocus()

    # --- networking extras ---------------------------------------------------------------------------------

    @property
    def logs_introduction(self) -> bool:
        """A new introduction with the networking service at hand is recorded with log_introduction."""
        return (
            self._networking is not None
            and self.original is None
            and self.kind_combo.currentData() == InteractionKind.INTRODUCTION
        )

    def _kind_changed(self, *_args: object) -> None:
        kind = InteractionKind(self.kind_combo.currentData())
        favour = kind in FAVOUR_KINDS
        self.open_favour_check.setEnabled(favour)
        self._form.setRowVisible(self.open_favour_check, favour)
        self._form.setRowVisible(self.introducer_button, self.logs_introduction)
        self.with_label.setText("Introduced:" if self.logs_introduction else "With:")

    def _load_goals(self) -> None:
        if self._networking is None:
            self._form.setRowVisible(self.goals_list, False)
            return
        try:
            goals = self._networking.goals()
            if self.original is not None and self.original.id is not None:
                iid = self.original.id
                self._goal_links = {g.id for g in goals if iid in self._networking.goal_interactions(g.id)}
        except NetDeskError:
            self._form.setRowVisible(self.goals_list, False)  # the interaction itself can still be logged
            return
        for goal in goals:
            item = QListWidgetItem(goal.name)
            item.setData(GOAL_ROLE, goal.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = goal.id in self._goal_links
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.goals_list.addItem(item)

    def checked_goal_ids(self) -> set[int]:
        items = (self.goals_list.item(i) for i in range(self.goals_list.count()))
        return {int(item.data(GOAL_ROLE)) for item in items if item.checkState() == Qt.CheckState.Checked}

    def set_goal_checked(self, name: str, checked: bool = True) -> None:
        for i in range(self.goals_list.count()):
            item = self.goals_list.item(i)
            if item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(name)

    def set_introducer(self, contact_id: int, name: str) -> None:
        self.introducer = (contact_id, name)
        self.introducer_button.setText(name or f"#{contact_id}")

    def pick_introducer(self) -> None:
        picker = ContactPicker(self._rows_provider(), set(self.participant_ids()), self)
        picker.setWindowTitle("Who made the introduction?")
        if picker.exec() == QDialog.DialogCode.Accepted and (chosen := picker.chosen()):
            self.set_introducer(*chosen)

    def add_participant(self, contact_id: int, name: str, participant: Participant | None = None) -> None:
        if contact_id in self._roles:
            return
        self._roles[contact_id] = participant or Participant(contact_id, name=name)
        item = QListWidgetItem(name or f"#{contact_id}")
        item.setData(Qt.ItemDataRole.UserRole, contact_id)
        self.participants_list.addItem(item)

    def participant_ids(self) -> list[int]:
        return [
            int(self.participants_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.participants_list.count())
        ]

    def pick_participant(self) -> None:
        picker = ContactPicker(self._rows_provider(), set(self.participant_ids()), self)
        if picker.exec() == QDialog.DialogCode.Accepted and (chosen := picker.chosen()):
            self.add_participant(*chosen)

    def _remove_participant(self) -> None:
        row = self.participants_list.currentRow()
        if row >= 0:
            item = self.participants_list.takeItem(row)
            self._roles.pop(int(item.data(Qt.ItemDataRole.UserRole)), None)

    def interaction(self) -> InteractionDTO:
        when: datetime = self.when_edit.dateTime().toPython()  # type: ignore[assignment]
        when = when.replace(second=0, microsecond=0)
        base = self.original or InteractionDTO(occurred_at=when, kind=InteractionKind.NOTE)
        return base.replace(
            occurred_at=when,
            kind=InteractionKind(self.kind_combo.currentData()),
            channel=Channel(self.channel_combo.currentData()),
            direction=Direction(self.direction_combo.currentData()),
            summary=self.summary_edit.text().strip(),
            notes=self.notes_edit.toPlainText().strip(),
            participants=tuple(self._roles[cid] for cid in self.participant_ids()),
            is_open=self.open_favour_check.isChecked() and self.kind_combo.currentData() in FAVOUR_KINDS,
        )

    def save(self) -> None:
        for label in (self.summary_error, self.participants_error, self.form_error):
            label.hide()
        try:
            dto = self.interaction()
            # A date NetDesk would not believe from an import (before 1990, in the future) is refused here too.
            bad = implausible_reason(dto.occurred_at.replace(tzinfo=None), datetime.now())
            if bad is not None:
                raise ValidationError("occurred_at", f"Cannot log this interaction: the {bad}.")
            if self._write_later is not None:
                self._save_later(dto, self.original)
                return
            # Edited elsewhere meanwhile: merged field by field, a real conflict asked about (no lost update).
            self.saved = save_merging(
                lambda i, base: self._write(lambda: self._save_all(i, base, self._plan())), dto, self.original, self
            )
        except NetDeskError as exc:
            self._show_failure(exc)
            return
        self.accept()

    def _plan(self) -> _Plan:
        return _Plan(self.logs_introduction, self.introducer, self.checked_goal_ids())

    def _save_later(self, dto: InteractionDTO, base: InteractionDTO | None) -> None:
        plan = self._plan()
        if plan.introduction:  # the form's own rules, at once (the write runs on a worker)
            _introduced(dto, plan.introducer)
        self._set_saving(True)
        assert self._write_later is not None
        self._write_later(lambda: self._save_all(dto, base, plan), self._saved_later, self._save_failed)

    def _set_saving(self, saving: bool) -> None:
        self.save_button.setEnabled(not saving)
        self.cancel_button.setEnabled(not saving)

    def _saved_later(self, saved: InteractionDTO) -> None:
        self._set_saving(False)
        self._goal_links = self.checked_goal_ids()
        self.saved = saved
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        # Edited elsewhere meanwhile: merged field by field, a real conflict asked about (no lost update).
        failure = resolve_or_refuse(exc, self._save_later, self)
        if failure is not None:
            self._show_failure(failure)

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            label = {"summary": self.summary_error, "participants": self.participants_error}.get(
                exc.field, self.form_error
            )
            label.setText(exc.message)
        else:
            label = self.form_error
            label.setText(str(exc) if isinstance(exc, NetDeskError) else failure_text(exc))
        label.show()

    def _save_all(self, dto: InteractionDTO, base: InteractionDTO | None, plan: _Plan) -> Written[InteractionDTO]:
        """The log (or its edit) and its goal links: one write, safe on the writer thread (reads no widget)."""
        if plan.introduction:
            written = self._log_introduction(dto, plan.introducer)
        else:
            written = self._timeline.log(dto) if self.original is None else self._timeline.update(dto, base=base)
        changes = written.changes | self._save_goal_links(written.value, plan.goals)
        extra = self._then(written.value) if self._then is not None else None
        return Written(written.value, changes | extra.changes if extra is not None else changes)

    def _log_introduction(self, dto: InteractionDTO, introducer: tuple[int, str] | None) -> Written[InteractionDTO]:
        assert self._networking is not None
        who, first, second = _introduced(dto, introducer)
        written = self._networking.log_introduction(who, first, second, when=dto.occurred_at, notes=dto.notes)
        logged = written.value
        # log_introduction writes its own summary ("X introduced A and B"); keep what the user typed instead.
        changes: dict[str, object] = {"channel": dto.channel, "direction": dto.direction}
        if dto.summary:
            changes["summary"] = dto.summary
        if any(getattr(logged, k) != v for k, v in changes.items()):
            updated = self._timeline.update(logged.replace(**changes))
            return Written(updated.value, written.changes | updated.changes)
        return written

    def _save_goal_links(self, saved: InteractionDTO, wanted: set[int]) -> ChangeSet:
        if self._networking is None or saved.id is None:
            return ChangeSet()
        changes = ChangeSet()
        for goal_id in wanted - self._goal_links:
            changes |= self._networking.link_interaction(goal_id, saved.id).changes
        for goal_id in self._goal_links - wanted:
            changes |= self._networking.unlink_interaction(goal_id, saved.id).changes
        if self._write_later is None:
            self._goal_links = wanted
        return changes


def _introduced(dto: InteractionDTO, introducer: tuple[int, str] | None) -> tuple[int, int, int]:
    """(introducer, first, second) of an introduction being logged, or the ValidationError saying what is missing."""
    introduced = [p.contact_id for p in dto.participants if p.role is ParticipantRole.PARTICIPANT]
    if introducer is None:
        raise ValidationError("introducer", "Pick who made the introduction.")
    if len(introduced) != 2:
        raise ValidationError("participants", "An introduction brings together exactly two people.")
    return introducer[0], introduced[0], introduced[1]


def _qdatetime(value: datetime) -> QDateTime:
    """The local date and time as Qt holds them (built from parts: not every binding accepts a datetime)."""
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute, value.second))
