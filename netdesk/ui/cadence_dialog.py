"""The "keep in touch every … days" prompt, shared by the detail pane and the Due list."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from netdesk.core.networking import MAX_CADENCE_DAYS
from netdesk.services.networking import NetworkingService

DEFAULT_CADENCE_DAYS = 30  # offered when neither the contact nor its tags have one


def cadence_dialog(parent: QWidget, networking: NetworkingService, contact_id: int, name: str) -> QInputDialog:
    """A window-modal prompt prefilled with the contact's own cadence, else the one its tags give it.

    The caller connects ``intValueSelected`` (0 means: none of their own) and opens it.
    """
    own, effective = networking.cadence_of(contact_id)
    dialog = QInputDialog(parent)
    dialog.setObjectName("cadenceDialog")
    dialog.setWindowTitle(f"Rhythm for {name}")
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setLabelText("Keep in touch every … days (0: no rhythm of their own; a tag's rhythm still applies):")
    dialog.setIntRange(0, MAX_CADENCE_DAYS)
    dialog.setIntValue(own if own is not None else (effective or DEFAULT_CADENCE_DAYS))
    return dialog
