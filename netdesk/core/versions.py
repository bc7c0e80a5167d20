"""Three-way merge of a record edited from an older version: what only one side changed is kept, a field changed
both ways to different values is a conflict for the user to decide. Pure: no database, no Qt."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

# Bookkeeping, not something a user edits: never merged or reported.
_NOT_MERGED = frozenset({"id", "version", "created_at", "updated_at", "rev"})

Conflict = tuple[str, Any, Any]  # (field, the value being saved, the value stored meanwhile)


def _comparable(name: str, value: Any) -> Any:
    if name == "participants":  # a participant renamed meanwhile is the same participant
        return tuple((p.contact_id, p.role) for p in value)
    if name == "tags":  # typed in another order or case: the same tags
        return tuple(sorted({t.casefold() for t in value}))
    return value


def three_way(base: T, mine: T, theirs: T) -> tuple[T, list[Conflict]]:
    """Merge ``mine`` (edited from ``base``) into ``theirs`` (what is stored now).

    Returns ``theirs`` with every field only ``mine`` changed taken from ``mine``, and the conflicts: fields both
    changed to different values (left at ``theirs`` in the result).
    """
    changes: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    for f in dataclasses.fields(base):  # type: ignore[arg-type]
        if f.name in _NOT_MERGED:
            continue
        b, m, t = (_comparable(f.name, getattr(x, f.name)) for x in (base, mine, theirs))
        if m in (b, t):
            continue
        if t == b:
            changes[f.name] = getattr(mine, f.name)
        else:
            conflicts.append((f.name, getattr(mine, f.name), getattr(theirs, f.name)))
    return dataclasses.replace(theirs, **changes), conflicts  # type: ignore[type-var]
