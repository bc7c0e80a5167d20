"""Serialise a ContactDTO as vCard 3.0 or 4.0 text (CRLF, folded at 75 octets).

This module decides which properties a contact becomes and escapes their values by NetDesk's rules (text
escaped, URIs and numbers not, structured values per component); vobject then assembles and serialises the card
(``_vcard_vobject.serialize_card``). vobject's own vCard behaviours are not used for the values: they would
backslash-escape URIs and ``data:`` photos, and they know only 3.0.
"""

from __future__ import annotations

import base64

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint, PartialDate, PostalAddress
from netdesk.io._vcard_lines import escape
from netdesk.io._vcard_read import APPLE_NO_YEAR
from netdesk.io._vcard_vobject import PropertySpec, serialize_card

_Params = list[tuple[str, list[str]]]

PRODID = "-//NetDesk//NetDesk//EN"
SUPPORTED_VERSIONS = ("3.0", "4.0")

# Standard labels and the TYPE values that say the same thing.
_LABEL_TYPES: dict[str, list[str]] = {
    "work": ["work"],
    "home": ["home"],
    "other": ["other"],
    "mobile": ["cell"],
    "fax": ["fax"],
    "work fax": ["work", "fax"],
    "home fax": ["home", "fax"],
    "pager": ["pager"],
}
# Words the reader treats specially in TYPE; a custom label equal to one of them goes through X-ABLabel.
_RESERVED_TYPE_WORDS = frozenset(
    {"work", "home", "other", "cell", "mobile", "fax", "pager", "pref", "internet", "voice", "msg", "x400"}
    | {"dom", "intl", "postal", "parcel", "x-internet", "homepage"}
)
_APPLE_LABELS = {"homepage": "_$!<HomePage>!$_"}


def _escape_uri(text: str) -> str:
    """URIs, addresses and numbers are not text values: only backslashes and line breaks need escaping."""
    return text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


class _Groups:
    """Hands out ``itemN`` group names that do not collide with groups kept in extra properties."""

    def __init__(self, taken: set[str]) -> None:
        self._taken = {t.lower() for t in taken}
        self._next = 1

    def new(self) -> str:
        while f"item{self._next}" in self._taken:
            self._next += 1
        name = f"item{self._next}"
        self._taken.add(name)
        return name


def _prop(name: str, value: str, params: _Params | None = None, group: str = "") -> PropertySpec:
    return (name, value, params or [], group)


def _date_value(value: PartialDate, version: str) -> tuple[str, _Params]:
    if version == "4.0":
        if value.year is None:
            return f"--{value.month:02d}{value.day:02d}", []
        return f"{value.year:04d}{value.month:02d}{value.day:02d}", []
    if value.year is None:
        # Apple's convention for "no year"; understood by macOS/iOS, Nextcloud and vobject alike.
        return f"{APPLE_NO_YEAR}-{value.month:02d}-{value.day:02d}", [("X-APPLE-OMIT-YEAR", [str(APPLE_NO_YEAR)])]
    return value.iso(), []


def _point_lines(
    name: str, point: ContactPoint, value: str, version: str, groups: _Groups, extra_types: list[str] | None = None
) -> list[PropertySpec]:
    label = point.label.strip()
    types = list(extra_types or [])
    custom = ""
    if label.lower() in _LABEL_TYPES and label == label.lower():
        types += _LABEL_TYPES[label]
    elif label:
        custom = label
    params: _Params = []
    use_group = False
    if custom:
        safe_as_type = version == "4.0" and custom.lower() not in _RESERVED_TYPE_WORDS and '"' not in custom
        safe_as_type = safe_as_type and not any(c in custom for c in ",;:\\\r\n")
        if safe_as_type:
            types.append(custom)
        else:
            use_group = True
    if point.pref:
        if version == "4.0":
            params.append(("PREF", ["1"]))
        else:
            types.append("pref")
    if types:
        params.insert(0, ("TYPE", types))
    if not use_group:
        return [_prop(name, value, params)]
    group = groups.new()
    label_text = _APPLE_LABELS.get(custom, escape(custom))
    return [_prop(name, value, params, group), _prop("X-ABLabel", label_text, group=group)]


def _address_line(address: PostalAddress, version: str, groups: _Groups) -> list[PropertySpec]:
    parts = (
        address.po_box,
        address.extended,
        address.street,
        address.locality,
        address.region,
        address.postal_code,
        address.country,
    )
    point = ContactPoint(value="", label=address.label, pref=address.pref)
    return _point_lines("ADR", point, ";".join(escape(p) for p in parts), version, groups)


def contact_to_vcard_text(contact: ContactDTO, version: str = "3.0") -> str:
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported vCard version {version!r} (use 3.0 or 4.0)")
    c = contact
    groups = _Groups({e.group for e in c.extra if e.group})
    out: list[PropertySpec] = [_prop("VERSION", version), _prop("PRODID", PRODID)]
    if c.uid:
        out.append(_prop("UID", _escape_uri(c.uid)))
    if version == "4.0" and c.kind is ContactKind.ORGANIZATION:
        out.append(_prop("KIND", "org"))
    out.append(_prop("FN", escape(c.formatted_name.strip() or c.name)))
    name_parts = (c.family_name, c.given_name, c.additional_name, c.prefix, c.suffix)
    if version == "3.0" or any(name_parts):
        out.append(_prop("N", ";".join(escape(p) for p in name_parts)))
    if version == "3.0" and c.kind is ContactKind.ORGANIZATION:
        out.append(_prop("X-ABShowAs", "COMPANY"))
    if c.nickname:
        out.append(_prop("NICKNAME", escape(c.nickname)))
    if c.organization or c.department:
        units = [c.organization, *[u.strip() for u in c.department.split("; ")]] if c.department else [c.organization]
        out.append(_prop("ORG", ";".join(escape(u) for u in units)))
    if c.title:
        out.append(_prop("TITLE", escape(c.title)))
    if c.role:
        out.append(_prop("ROLE", escape(c.role)))
    for email in c.emails:
        out += _point_lines("EMAIL", email, _escape_uri(email.value), version, groups)
    for phone in c.phones:
        out += _point_lines("TEL", phone, _escape_uri(phone.value), version, groups)
    for address in c.addresses:
        out += _address_line(address, version, groups)
    for url in c.urls:
        # Commas in URLs are escaped although URIs need not be: vobject otherwise cuts the value at the comma.
        out += _point_lines("URL", url, escape(url.value), version, groups)
    for im in c.ims:
        out += _point_lines("IMPP", im, _escape_uri(im.value), version, groups)
    if c.birthday:
        value, params = _date_value(c.birthday, version)
        out.append(_prop("BDAY", value, params))
    if c.anniversary:
        value, params = _date_value(c.anniversary, version)
        # ANNIVERSARY is 4.0 only; 3.0 readers (Evolution, Thunderbird, Roundcube) use X-ANNIVERSARY.
        out.append(_prop("ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY", value, params))
    if c.gender:
        if version == "4.0":
            out.append(_prop("GENDER", c.gender))
        else:
            spelled = {"M": "Male", "F": "Female"}.get(c.gender, c.gender)
            out.append(_prop("X-GENDER", escape(spelled)))
    if c.notes:
        out.append(_prop("NOTE", escape(c.notes)))
    if c.tags:
        out.append(_prop("CATEGORIES", ",".join(escape(t) for t in c.tags)))
    out += _photo_lines(c, version)
    for rel in c.related:
        params = [("TYPE", rel.type.split(","))] if rel.type else []
        out.append(_prop("RELATED", escape(rel.value), params))
    if c.rev:
        out.append(_prop("REV", c.rev))
    for extra in c.extra:
        params = [(key, list(values)) for key, values in extra.params if values]
        out.append(_prop(extra.name, extra.value, params, extra.group))
    return serialize_card(out)


def _photo_lines(c: ContactDTO, version: str) -> list[PropertySpec]:
    """The inline photo first (readers show the first PHOTO), then the photo URL when there is one too."""
    lines: list[PropertySpec] = []
    if c.photo:
        encoded = base64.b64encode(c.photo).decode("ascii")
        if version == "4.0":
            lines.append(_prop("PHOTO", f"data:{c.photo_mime};base64,{encoded}"))
        else:
            params: _Params = [("ENCODING", ["b"])]
            if "/" in c.photo_mime:
                params.append(("TYPE", [c.photo_mime.split("/", 1)[1].upper()]))
            lines.append(_prop("PHOTO", encoded, params))
    if c.photo_uri:
        if version == "4.0":
            lines.append(_prop("PHOTO", _escape_uri(c.photo_uri)))
        else:
            lines.append(_prop("PHOTO", _escape_uri(c.photo_uri), [("VALUE", ["uri"])]))
    return lines
