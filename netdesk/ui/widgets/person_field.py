"""A line edit that completes people (and, for a target, organisations) as you type: accent- and case-insensitive,
every typed word the start of a word of the name, from the full-text index (IntroductionService.target_suggestions).
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from netdesk.services import NetDesk
from netdesk.services.introductions import TargetSuggestion


class PersonField(QLineEdit):
    chosen = Signal()

    def __init__(
        self, nd: NetDesk, organisations: bool = False, placeholder: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._nd = nd
        self._organisations = organisations
        self._choice: TargetSuggestion | None = None
        self._offered: dict[str, TargetSuggestion] = {}
        self.setPlaceholderText(placeholder or "Type a name…")
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        # The service already matched accent-insensitively; the completer must not filter again ("jorg" ≠ "Jörg").
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(self.choose)
        self.setCompleter(completer)
        self.textEdited.connect(self._suggest)

    def _suggest(self, text: str) -> None:
        self._choice = None
        if len(text.strip()) < 2:  # one letter would match half the network
            self._offered = {}
            self._model.setStringList([])
            return
        found = [
            s
            for s in self._nd.introductions.target_suggestions(text)
            if self._organisations or s.contact_id is not None
        ]
        self._offered = {s.label: s for s in found}
        self._model.setStringList(list(self._offered))
        if found:
            self.completer().complete()

    def suggestions(self) -> list[str]:
        return self._model.stringList()

    def choose(self, label: str) -> None:
        """Take one of the offered completions (what clicking it in the pop-up does)."""
        self._choice = self._offered.get(label)
        self.setText(label)
        self.chosen.emit()

    def set_person(self, contact_id: int, name: str) -> None:
        self._choice = TargetSuggestion(name, contact_id, "")
        self.setText(name)

    def choice(self) -> TargetSuggestion | None:
        """The completion taken, unless the text was edited since (then None)."""
        if self._choice is not None and self.text() == self._choice.label:
            return self._choice
        return None

    def contact_id(self) -> int | None:
        choice = self.choice()
        return choice.contact_id if choice is not None else None


def complete_organisations(edit: QLineEdit, nd: NetDesk) -> QCompleter:
    """Organisation names as ``edit`` is typed in (the start of each word, accents and case ignored); the caller
    connects ``activated`` to act on the choice."""
    model = QStringListModel(edit)
    completer = QCompleter(model, edit)
    completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)

    def suggest(text: str) -> None:
        names = [] if len(text.strip()) < 2 else [s.organization for s in nd.introductions.target_suggestions(text)]
        model.setStringList([n for n in dict.fromkeys(names) if n])
        if model.rowCount():
            completer.complete()

    edit.setCompleter(completer)
    edit.textEdited.connect(suggest)
    return completer
