"""How DTO values that are not plain columns are stored (JSON text, ISO partial dates) and read back.

No SQLAlchemy here: the export's worker processes read rows with sqlite3 alone and import only this and ``bulk``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from netdesk.core.model import ExtraProperty, Params, PartialDate, Related


@lru_cache(maxsize=8192)  # a whole-network read meets the same few thousand birthdays again and again
def partial_date(text_value: str) -> PartialDate | None:
    if not text_value:
        return None
    try:
        return PartialDate.parse(text_value)
    except ValueError:
        return None


def extras_from_json(data: str) -> tuple[tuple[ExtraProperty, ...], tuple[tuple[str, Params], ...]]:
    """Extra properties and ContactDTO.property_params (entries with "params_of"), from ``extra_json``."""
    if not data:
        return (), ()
    extras: list[ExtraProperty] = []
    property_params: list[tuple[str, Params]] = []
    for e in json.loads(data):
        params = tuple((k, tuple(v)) for k, v in e.get("params", []))
        if "params_of" in e:
            property_params.append((e["params_of"], params))
        else:
            extras.append(ExtraProperty(name=e["name"], value=e["value"], params=params, group=e.get("group", "")))
    return tuple(extras), tuple(property_params)


def extras_to_json(extras: Sequence[ExtraProperty], property_params: Sequence[tuple[str, Params]] = ()) -> str:
    if not extras and not property_params:
        return ""
    entries: list[dict[str, Any]] = [
        {"name": e.name, "value": e.value, "params": [[k, list(v)] for k, v in e.params], "group": e.group}
        for e in extras
    ]
    entries += [{"params_of": name, "params": [[k, list(v)] for k, v in params]} for name, params in property_params]
    return json.dumps(entries, ensure_ascii=False)


def params_from_json(data: str) -> Params:
    if not data:
        return ()
    return tuple((k, tuple(v)) for k, v in json.loads(data))


def params_to_json(params: Params) -> str:
    return json.dumps([[k, list(v)] for k, v in params], ensure_ascii=False) if params else ""


def related_from_json(data: str) -> tuple[Related, ...]:
    if not data:
        return ()
    return tuple(Related(r["value"], r.get("type", "")) for r in json.loads(data))


def related_to_json(related: Sequence[Related]) -> str:
    if not related:
        return ""
    return json.dumps([{"value": r.value, "type": r.type} for r in related], ensure_ascii=False)
