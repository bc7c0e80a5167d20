"""Undoable contact changes for the Edit → Undo stack.

Create and edit are saved by their dialogs (so validation errors show inline) before the command is pushed;
their first ``redo`` therefore does nothing. Delete moves to the trash, so undoing it is a restore.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from netdesk.core.errors import NetDeskError
from netdesk.core.model import ContactDTO
from netdesk.services.contacts import ContactService, MergeRecord


class ContactHost(Protocol):
    """What a command needs from the window: the service and a way to show what changed."""

    @property
    def contact_service(self) -> ContactService: ...

    def contacts_changed(self, ids: Sequence[int], select: int | None = None) -> None: ...

    def report_error(self, message: str) -> None: ...


class DeleteContactsCommand(QUndoCommand):
    def __init__(self, host: ContactHost, ids: Sequence[int], description: str) -> None:
        super().__init__(description)
        self._host = host
        self._ids = list(ids)

    def redo(self) -> None:
        self._host.contact_service.delete(self._ids)
        self._host.contacts_changed(self._ids)

    def undo(self) -> None:
        restored = self._host.contact_service.restore(self._ids)
        self._host.contacts_changed(restored, select=restored[0] if restored else None)


class CreateContactCommand(QUndoCommand):
    def __init__(self, host: ContactHost, created: ContactDTO) -> None:
        super().__init__(f"Create {created.name}")
        assert created.id is not None
        self._host = host
        self._id = created.id
        self._done = True  # the dialog already created it

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._host.contact_service.restore([self._id])
        self._host.contacts_changed([self._id], select=self._id)

    def undo(self) -> None:
        self._host.contact_service.delete([self._id])
        self._host.contacts_changed([self._id])


class EditContactCommand(QUndoCommand):
    def __init__(self, host: ContactHost, before: ContactDTO, after: ContactDTO) -> None:
        super().__init__(f"Edit {after.name}")
        assert after.id is not None
        self._host = host
        self._before = before
        self._after = after
        self._done = True  # the dialog already saved it

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        try:
            self._host.contact_service.update(self._after)
        except NetDeskError as exc:  # e.g. deleted for good since
            self._host.report_error(f"Cannot redo the edit: {exc}")
            return
        self._host.contacts_changed([self._after.id or 0], select=self._after.id)

    def undo(self) -> None:
        try:
            self._host.contact_service.update(self._before)
        except NetDeskError as exc:
            self._host.report_error(f"Cannot undo the edit: {exc}")
            return
        self._host.contacts_changed([self._before.id or 0], select=self._before.id)


class MergeContactsCommand(QUndoCommand):
    """Merge duplicates into one contact; undo gives back every contact and interaction as it was."""

    def __init__(self, host: ContactHost, keep_id: int, other_ids: Sequence[int], description: str) -> None:
        super().__init__(description)
        self._host = host
        self._keep_id = keep_id
        self._other_ids = list(other_ids)
        self._record: MergeRecord | None = None

    def redo(self) -> None:
        try:
            self._record = self._host.contact_service.merge(self._keep_id, self._other_ids)
        except NetDeskError as exc:
            self._record = None
            self._host.report_error(str(exc))
            return
        self._host.contacts_changed([self._keep_id, *self._other_ids], select=self._keep_id)

    def undo(self) -> None:
        if self._record is None:
            return
        self._host.contact_service.unmerge(self._record)
        self._host.contacts_changed([self._keep_id, *self._other_ids], select=self._keep_id)
