"""Full-text search: the document indexed per contact and the FTS5 query built from what the user typed."""

from __future__ import annotations

import re

from netdesk.core.model import ContactDTO, display_name
from netdesk.core.normalize import fold, normalize_phone

_TOKEN = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every word must match as a prefix ("mull" finds "Müller").

    Words are quoted so that FTS5 operators typed by the user (AND, NEAR, quotes, *) are plain text.
    """
    tokens = _TOKEN.findall(fold(query))
    return " AND ".join(f'"{t}"*' for t in tokens)


def contact_document(c: ContactDTO, name: str | None = None) -> str:
    """Everything a search should find a contact by, as one text (``name``: ``c``'s display name, when known)."""
    parts: list[str] = [
        display_name(c) if name is None else name,
        c.prefix,
        c.given_name,
        c.additional_name,
        c.family_name,
        c.suffix,
        c.nickname,
        c.organization,
        c.department,
        c.title,
        c.role,
        c.notes,
        " ".join(c.tags) if c.tags else "",
    ]
    # Each kind only when present, and the empty parts dropped by filter(): an import indexes tens of thousands.
    if c.emails:
        parts += [e.value for e in c.emails]
    for p in c.phones:
        # Raw, digits only and E.164 digits, so "+49 171", "0171…" and "49171…" all match.
        parts.append(p.value)
        parts.append("".join(ch for ch in p.value if ch.isdigit()))
        parts.append(normalize_phone(p.value).lstrip("+"))
    if c.urls:
        parts += [u.value for u in c.urls]
    if c.ims:
        parts += [i.value for i in c.ims]
    if c.addresses:
        parts += [a.one_line() for a in c.addresses]
    return "\n".join(filter(None, parts))
