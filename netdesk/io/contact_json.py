"""The contact lines `netdesk list` prints: the stable JSON object of `--json` and the tab-separated line.

Pure functions of a ContactDTO, light to import: the worker processes that render a large list import this module
(and not the command line or the services) to turn their batches into text.
"""

from __future__ import annotations

import dataclasses
import json
import json.encoder
from collections.abc import Callable, Mapping, Sequence

from netdesk.core.model import ContactDTO, ContactPoint, PostalAddress

Facts = Mapping[str, Mapping[int, object]]  # extra keys: key -> contact id -> value (see services.bulk_reads)


def point_values(points: Sequence[ContactPoint]) -> list[str]:
    """Values with the preferred ones first (stable otherwise)."""
    # Called four times a contact by `list --json`: most lists are empty or hold one point, and need no look at pref.
    if not points:
        return []
    if len(points) == 1 or not any(p.pref for p in points[1:]):  # already in that order: no sort
        return [p.value for p in points]
    return [p.value for p in sorted(points, key=lambda p: not p.pref)]


def _address_json(a: PostalAddress) -> dict[str, object]:
    # As dataclasses.asdict would give it, at a fraction of its cost (a list of 100,000 contacts calls this often).
    return {f: getattr(a, f) for f in _ADDRESS_FIELDS}


_ADDRESS_FIELDS = tuple(f.name for f in dataclasses.fields(PostalAddress) if f.name != "params")


def contact_json(c: ContactDTO) -> dict[str, object]:
    """The stable JSON form of a contact used by `netdesk list --json`."""
    return {
        "id": c.id,
        "uid": c.uid,
        "kind": c.kind.value,
        "name": c.name,
        "formatted_name": c.formatted_name,
        "prefix": c.prefix,
        "given_name": c.given_name,
        "additional_name": c.additional_name,
        "family_name": c.family_name,
        "suffix": c.suffix,
        "nickname": c.nickname,
        "organization": c.organization,
        "department": c.department,
        "title": c.title,
        "role": c.role,
        "emails": point_values(c.emails),
        "phones": point_values(c.phones),
        "urls": point_values(c.urls),
        "ims": point_values(c.ims),
        "addresses": [_address_json(a) for a in c.addresses],
        "birthday": c.birthday.iso() if c.birthday else None,
        "anniversary": c.anniversary.iso() if c.anniversary else None,
        "gender": c.gender,
        "tags": sorted(c.tags),
        "notes": c.notes,
        "has_photo": c.photo is not None,
        "starred": c.starred,
    }


def list_line(c: ContactDTO) -> str:
    email = point_values(c.emails)[:1]
    return "\t".join([c.name, c.organization, c.title, email[0] if email else "", ", ".join(c.tags)]).rstrip()


def _one_object_encoder() -> Callable[[object], str]:
    """``json.JSONEncoder(ensure_ascii=False).encode``, the same text, without what that redoes on every call: build
    a C encoder and track containers for circular references (a contact's JSON is plain dicts and lists)."""
    plain = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    quote = getattr(json.encoder, "c_encode_basestring", None)
    if make is None or quote is None:  # a Python without the C accelerator
        return plain.encode
    encoder = make(None, plain.default, quote, None, ": ", ", ", False, False, True)
    return lambda obj: "".join(encoder(obj, 0))


_encode = _one_object_encoder()


def json_objects_text(contacts: Sequence[ContactDTO], facts: Facts) -> str:
    """The JSON objects of ``contacts`` (their own keys, then their ``facts``), one a line, joined by commas.

    Each object goes through the C encoder alone: an indented dump of a whole list would take the pure-Python
    encoder and hold everything at once.
    """
    parts = []
    for contact in contacts:
        obj = contact_json(contact)
        for key, values in facts.items():
            obj[key] = values.get(contact.id) if contact.id is not None else None
        parts.append(_encode(obj))
    return ",\n".join(parts)


def list_lines_text(contacts: Sequence[ContactDTO], facts: Facts) -> str:
    """The tab-separated lines of ``contacts``, each ending in a newline (``facts`` are not shown)."""
    return "".join(list_line(c) + "\n" for c in contacts)
