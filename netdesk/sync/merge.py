"""Three-way merge of a contact changed both in NetDesk and on the server since they were last in step.

The base is the server's card as it was then. Field by field: a field only one side changed takes that side's
value; lists (emails, phones, addresses, tags, unmodelled properties …) merge item by item, so an item added on
one side and another removed on the other both happen; a text field both sides changed differently keeps
NetDesk's value and returns the server's as a conflict, which the caller keeps for review (nothing is lost).
Without a base (a card and a contact first found to share a UID) the import's merge rules apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netdesk.core.merge import SCALAR_FIELDS, merge_contacts
from netdesk.core.model import ContactDTO, sorted_tags

_LIST_FIELDS = ("emails", "phones", "urls", "ims", "addresses", "related", "extra")
_TEXT_FIELDS = SCALAR_FIELDS  # the same text fields the import's merge compares
_OTHER_FIELDS = ("kind", "birthday", "anniversary", "photo", "photo_mime", "connected_on")


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    local: str
    remote: str


def _merge_list(base: tuple[Any, ...], local: tuple[Any, ...], remote: tuple[Any, ...]) -> tuple[Any, ...]:
    """Local's items that the server did not remove, then the server's additions, each once."""
    kept = [x for x in local if x in remote or x not in base]
    kept += [x for x in remote if x not in local and x not in base and x not in kept]
    return tuple(kept)


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return "" if value is None else str(value)


def merge_three_way(
    base: ContactDTO | None, local: ContactDTO, remote: ContactDTO
) -> tuple[ContactDTO, list[FieldConflict]]:
    """The merged contact (with local's id) and the true conflicts (local kept, remote returned)."""
    if base is None:
        merged, changes = merge_contacts(local, remote)
        return merged, [FieldConflict(c.field, c.new_value, c.old_value) for c in changes]
    values: dict[str, object] = {}
    conflicts: list[FieldConflict] = []
    for name in (*_TEXT_FIELDS, *_OTHER_FIELDS, "notes"):
        b, lv, rv = getattr(base, name), getattr(local, name), getattr(remote, name)
        if lv == rv or rv == b:
            continue
        if lv == b:
            values[name] = rv
        elif name == "notes":
            # Both edited the notes: keep both texts, as the import does.
            values[name] = lv if rv.strip() in lv else rv if lv.strip() in rv else f"{lv.rstrip()}\n\n{rv}".strip()
            conflicts.append(FieldConflict(name, lv, rv))
        elif name == "photo_mime":
            continue  # follows the photo
        else:
            conflicts.append(FieldConflict(name, _as_text(lv), _as_text(rv)))
    if "photo" in values:
        values["photo_mime"] = remote.photo_mime
    for name in _LIST_FIELDS:
        values[name] = _merge_list(getattr(base, name), getattr(local, name), getattr(remote, name))
    values["tags"] = sorted_tags(_merge_list(base.tags, local.tags, remote.tags))
    values["rev"] = remote.rev if local.rev == base.rev else local.rev
    return local.replace(**values), conflicts
