"""How DTO values that are not plain columns are stored (JSON text, ISO partial dates) and read back.

No SQLAlchemy here: the export's worker processes read rows with sqlite3 alone and import only this and ``bulk``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from netdesk.core.model import ExtraProperty, PartialDate, Related


def partial_date(text_value: str) -> PartialDate | None:
    if not text_value:
        return None
    try:
        return PartialDate.parse(text_value)
    except ValueError:
        return None


def extras_from_json(data: str) -> tuple[ExtraProperty, ...]:
    if not data:
        return ()
    return tuple(
        ExtraProperty(
            name=e["name"],
            value=e["value"],
            params=tuple((k, tuple(v)) for k, v in e.get("params", [])),
            group=e.get("group", ""),
        )
        for e in json.loads(data)
    )


def extras_to_json(extras: Sequence[ExtraProperty]) -> str:
    if not extras:
        return ""
    return json.dumps(
        [
            {"name": e.name, "value": e.value, "params": [[k, list(v)] for k, v in e.params], "group": e.group}
            for e in extras
        ],
        ensure_ascii=False,
    )


def related_from_json(data: str) -> tuple[Related, ...]:
    if not data:
        return ()
    return tuple(Related(r["value"], r.get("type", "")) for r in json.loads(data))


def related_to_json(related: Sequence[Related]) -> str:
    if not related:
        return ""
    return json.dumps([{"value": r.value, "type": r.type} for r in related], ensure_ascii=False)
