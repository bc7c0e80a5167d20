"""Serialise a ContactDTO as vCard 3.0 or 4.0 text (CRLF, folded at 75 octets).

This module decides which properties a contact becomes and escapes their values by NetDesk's rules (text
escaped, URIs and numbers not, structured values per component); vobject then assembles and serialises the card
(``_vcard_vobject.serialize_card``). vobject's own vCard behaviours are not used for the values: they would
backslash-escape URIs and ``data:`` photos, and they know only 3.0.
"""

from __future__ import annotations

import base64
import binascii
import re

from netdesk.core.model import (
    NO_NAME,
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    Params,
    PartialDate,
    PostalAddress,
)
from netdesk.io._image_check import sniff_image_mime
from netdesk.io._vcard_lines import CONTROL_CHARACTERS, decode_base64_lenient, escape
from netdesk.io._vcard_read import (
    ABLABEL_PARAM,
    ALTERNATIVE_PREFIX,
    APPLE_NO_YEAR,
    GROUP_PARAM,
    IM_PROPERTIES,
    MORE_COMPONENTS_PARAM,
    PHOTO_URI_KEY,
    PRIVATE_PARAMS,
    WRITTEN_AS_PARAM,
    ablabel_text,
    label_and_pref,
)
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


_URI_TO_ESCAPE = re.compile(r"[\\\r\n]")


def _escape_uri(text: str) -> str:
    """URIs, addresses and numbers are not text values: only backslashes and line breaks need escaping."""
    if not _URI_TO_ESCAPE.search(text):
        return text
    return text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


class _Groups:
    """Hands out ``itemN`` group names that do not collide with groups kept in extra properties."""

    def __init__(self, taken: set[str]) -> None:
        self._taken = {t.lower() for t in taken}
        self._given: set[str] = set()
        self._next = 1

    def claim(self, name: str) -> str:
        """``name`` for the point read in that group (its other properties, kept as extras, are still in it); a new
        group when another point has it already."""
        if name.lower() in self._given:
            return self.new()
        self._given.add(name.lower())
        return name

    def new(self) -> str:
        while f"item{self._next}" in self._taken:
            self._next += 1
        name = f"item{self._next}"
        self._taken.add(name)
        self._given.add(name)
        return name


def _kept_groups(c: ContactDTO) -> set[str]:
    """The groups points were read in (GROUP_PARAM): new groups are not given those names."""
    params = [p.params for p in (*c.emails, *c.phones, *c.urls, *c.ims)] + [a.params for a in c.addresses]
    return {vs[0] for kept in params for k, vs in kept if k == GROUP_PARAM and vs}


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


# The parameters of a point without read parameters, by (property, label, preferred, version): an export writes a
# few hundred thousand points with a handful of labels. Shared lists, never changed after. The cap keeps a file of
# thousands of made-up labels from piling them up.
_PLAIN_POINT_PARAMS: dict[tuple[str, str, bool, str], _Params] = {}
_PLAIN_POINT_PARAMS_CAP = 4096


def _point_lines(
    name: str, point: ContactPoint, value: str, version: str, groups: _Groups, extra_types: list[str] | None = None
) -> list[PropertySpec]:
    if not point.params and extra_types is None:
        plain = _PLAIN_POINT_PARAMS.get((name, point.label, point.pref, version))
        if plain is not None:  # a label and preferred flag met before, said in parameters alone (no X-ABLabel)
            return [(name, value, plain, "")]
    kept = _kept_params(point.params, point.label, point.pref, name)
    if kept is not None:
        return _verbatim_point_lines(name, value, kept, version, groups)
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
        if not point.params and extra_types is None and len(_PLAIN_POINT_PARAMS) < _PLAIN_POINT_PARAMS_CAP:
            _PLAIN_POINT_PARAMS[(name, point.label, point.pref, version)] = params
        return [_prop(name, value, params)]
    group = groups.new()
    label_text = _APPLE_LABELS.get(custom, escape(custom))
    return [_prop(name, value, params, group), _prop("X-ABLabel", label_text, group=group)]


def _legacy_im_lines(im: ContactPoint) -> list[PropertySpec]:
    """The X-JABBER-style property an IM handle was read from, written again next to its IMPP."""
    names = [v for k, vs in im.params if k == WRITTEN_AS_PARAM for v in vs if v in IM_PROPERTIES]
    if not names:
        return []
    scheme, _, handle = im.value.partition(":")
    if scheme.lower() != IM_PROPERTIES[names[0]] or not handle:
        return []  # the handle was edited into another service: IMPP says it
    params = [(k, list(vs)) for k, vs in im.params if k not in PRIVATE_PARAMS and k not in ("PREF",) and vs]
    return [_prop(names[0], escape(handle), params)]


def _kept_params(params: Params, label: str, pref: bool, name: str) -> Params | None:
    """The parameters a point was read with, when they still say its label and preferred flag; else None."""
    if not params:
        return None
    types = [t.strip() for k, vs in params if k == "TYPE" for v in vs for t in v.split(",") if t.strip()]
    pref_param = next((vs[0] for k, vs in params if k == "PREF" and vs), "")
    raw_label = next((vs[0] for k, vs in params if k == ABLABEL_PARAM and vs), "")
    kind = {"URL": "url", "IMPP": "im", "TEL": "tel", "ADR": "adr"}.get(name, "email")
    if label_and_pref(types, pref_param, ablabel_text(raw_label), kind) != (label, pref):
        return None
    return params


def _verbatim_point_lines(name: str, value: str, params: Params, version: str, groups: _Groups) -> list[PropertySpec]:
    """A point written with the parameters it came with, in ``version``'s spelling (PREF, LABEL, X-ABLabel)."""
    raw_label = ""
    kept_group = ""
    address_label = ""
    out: _Params = []
    has_pref_type = False
    for key, values in params:
        if key == ABLABEL_PARAM:
            raw_label = values[0] if values else ""
            continue
        if key == GROUP_PARAM:
            kept_group = values[0] if values else ""
            continue
        if key == MORE_COMPONENTS_PARAM and name == "ADR":
            value = ";".join([value, *values])
            continue
        if key in PRIVATE_PARAMS:
            continue
        if key == "LABEL" and version == "3.0":
            address_label = values[0] if values else ""  # 3.0 has a LABEL property instead
            continue
        vals = list(values)
        if key == "TYPE":
            if version == "4.0":
                vals = [v for v in vals if v.lower() != "pref"]  # 4.0 says PREF=1
                has_pref_type = has_pref_type or len(vals) != len(values)
            if not vals:
                continue
        elif key == "PREF" and version == "3.0":
            if vals[:1] == ["1"]:
                has_pref_type = True
                continue
        elif key == "ENCODING" or key == "CHARSET":
            continue  # decoded at import; the value is plain text now
        out.append((key, vals))
    if has_pref_type:
        if version == "4.0" and not any(k == "PREF" for k, _ in out):
            out.append(("PREF", ["1"]))
        elif version == "3.0":
            type_index = next((i for i, (k, _) in enumerate(out) if k == "TYPE"), None)
            if type_index is None:
                out.insert(0, ("TYPE", ["pref"]))
            elif "pref" not in {v.lower() for v in out[type_index][1]}:
                out[type_index] = ("TYPE", [*out[type_index][1], "pref"])
    tel_uri = name == "TEL" and any(k == "VALUE" and [v.lower() for v in vs] == ["uri"] for k, vs in out)
    if tel_uri and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        value = "tel:" + value
    lines: list[PropertySpec] = []
    group = groups.claim(kept_group) if kept_group else groups.new() if raw_label else ""
    lines.append(_prop(name, value, out, group))
    if raw_label:
        lines.append(_prop("X-ABLabel", raw_label, group=group))
    if address_label:
        types = [(k, v) for k, v in out if k == "TYPE"]
        lines.append(_prop("LABEL", escape(address_label), types))
    return lines


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
    point = ContactPoint(value="", label=address.label, pref=address.pref, params=address.params)
    return _point_lines("ADR", point, ";".join([escape(p) for p in parts]), version, groups)


def contact_to_vcard_text(contact: ContactDTO, version: str = "3.0") -> str:
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported vCard version {version!r} (use 3.0 or 4.0)")
    c = contact
    groups = _Groups({e.group for e in c.extra if e.group} | _kept_groups(c))
    out: list[PropertySpec] = [_prop("VERSION", version), _prop("PRODID", PRODID)]
    if c.uid:
        out.append(_prop("UID", _escape_uri(c.uid)))
    if version == "4.0" and c.kind is ContactKind.ORGANIZATION:
        out.append(_prop("KIND", "org"))
    # FN is mandatory and must say something: control characters alone (never written) would leave it empty.
    name = next((n for n in (c.formatted_name, c.name) if CONTROL_CHARACTERS.sub("", n).strip()), NO_NAME)
    out.append(_prop("FN", escape(name.strip())))
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
        out += _legacy_im_lines(im)
    if c.birthday:
        value, params = _date_value(c.birthday, version)
        out.append(_prop("BDAY", value, params))
    if c.anniversary:
        value, params = _date_value(c.anniversary, version)
        # ANNIVERSARY is 4.0 only; 3.0 readers (Evolution, Thunderbird, Roundcube) use X-ANNIVERSARY.
        out.append(_prop("ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY", value, params))
    if c.gender:
        # GENDER is 4.0's; 3.0 readers (Evolution, Thunderbird) know X-GENDER, so 3.0 gets both.
        out.append(_prop("GENDER", c.gender))
        if version == "3.0":
            spelled = {"M": "Male", "F": "Female"}.get(c.gender, c.gender)
            out.append(_prop("X-GENDER", escape(spelled)))
    if c.notes:
        out.append(_prop("NOTE", escape(c.notes)))
    # Google's system groups (kept as unmodelled CATEGORIES at import), the star and the tags in one CATEGORIES, as
    # Google writes them: "CATEGORIES:myContacts,starred,Friends".
    groups_kept = [e for e in c.extra if e.name.upper() == "CATEGORIES" and not e.params and not e.group]
    if c.tags or c.starred or groups_kept:
        words = [e.value for e in groups_kept] + (["starred"] if c.starred else []) + [escape(t) for t in c.tags]
        out.append(_prop("CATEGORIES", ",".join(words)))
    out += _photo_lines(c, version)
    for rel in c.related:
        params = [("TYPE", rel.type.split(","))] if rel.type else []
        out.append(_prop("RELATED", escape(rel.value), params))
    if c.rev:
        out.append(_prop("REV", c.rev))
    wrote_kind = version == "4.0" and c.kind is ContactKind.ORGANIZATION
    for extra in c.extra:
        line = None if extra in groups_kept else _extra_line(extra, version, wrote_kind)
        if line is not None:
            out.append(line)
    return serialize_card(_with_kept_params(out, c, version))


def _with_kept_params(out: list[PropertySpec], c: ContactDTO, version: str) -> list[PropertySpec]:
    """Put the parameters a modelled property was read with (N;LANGUAGE=de …) back on the line written for it."""
    kept = dict(c.property_params)
    if not kept:
        return out
    result: list[PropertySpec] = []
    for name, value, params, group in out:
        key = "ANNIVERSARY" if name == "X-ANNIVERSARY" else name
        if name == "PHOTO" and not value.startswith("data:") and not any(k == "ENCODING" for k, _ in params):
            key = PHOTO_URI_KEY
        extra = kept.pop(key, None)
        if extra is not None:
            have = {k for k, _ in params}
            more = [v for k, vs in extra if k == MORE_COMPONENTS_PARAM for v in vs]
            if more and name == "N":
                value = ";".join([value, *more])
            params = [*params, *((k, list(vs)) for k, vs in extra if k not in have and k != MORE_COMPONENTS_PARAM)]
        result.append((name, value, params, group))
    return result


# Written once by the writer itself: a second one (invalid in every version) is not written.
_WRITTEN_ONCE = frozenset({"VERSION", "PRODID", "UID", "REV", "N"})
# Written once, except that 4.0 allows alternative representations of them (ALTID, e.g. a name in another script).
# (Never N: vobject refuses a card with two, whatever their ALTID; an alternative N is written as X-NETDESK-ALT-N, as
# is an alternative FN in 3.0, which has no ALTID: see _vcard_read.ALTERNATIVE_PREFIX.)
_ONCE_BUT_ALTID = frozenset({"FN"})


def _extra_line(extra: ExtraProperty, version: str, wrote_kind: bool) -> PropertySpec | None:
    """An unmodelled property with its parameters in ``version``'s spelling (2.1's BASE64 is 3.0's b, 4.0's data:).

    None for what must not be written twice (a second N, FN, VERSION, UID; an ALTID alternative is 4.0 only) and for
    a PROFILE other than VCARD, which no vCard reader accepts (vobject fails on the card).
    """
    name = extra.name.upper()
    params = [(key, list(values)) for key, values in extra.params if values]
    value = extra.value
    altid = any(k == "ALTID" for k, _ in params)
    written_as = extra.name
    if altid and (name == "N" or (name in _ONCE_BUT_ALTID and version == "3.0")):
        name = written_as = ALTERNATIVE_PREFIX + name
    if name in _WRITTEN_ONCE or (name == "KIND" and wrote_kind):
        return None
    if name in _ONCE_BUT_ALTID and not (version == "4.0" and altid):
        return None
    if name == "PROFILE":
        if value.strip().upper() != "VCARD":
            return None
        value = "VCARD"
    encodings = {v.upper() for k, vs in params if k == "ENCODING" for v in vs}
    if encodings & {"8BIT", "7BIT", "QUOTED-PRINTABLE", "QP"}:
        params = [(k, vs) for k, vs in params if k != "ENCODING"]  # decoded at import: plain text now
    elif encodings & {"B", "BASE64"}:
        if version == "3.0":
            params = [(k, ["b"] if k == "ENCODING" else vs) for k, vs in params]
            if not _is_base64(value):
                # A broken body (stray characters, a truncated last quantum) would make readers such as vobject
                # refuse the whole card: written as the bytes it decodes to, as the 4.0 data: URI below.
                value = base64.b64encode(decode_base64_lenient(value) or b"").decode("ascii")
        elif not value.lower().startswith("data:"):
            payload = decode_base64_lenient(value) or b""
            declared = next((vs[0] for k, vs in params if k == "TYPE" and vs), "")
            mime = sniff_image_mime(payload) or (
                declared.lower() if "/" in declared else _MEDIA_TYPES.get(declared.lower(), "application/octet-stream")
            )
            params = [(k, vs) for k, vs in params if k not in ("ENCODING", "TYPE")]
            value = f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"
    return _prop(written_as, value, params, extra.group)


def _is_base64(text: str) -> bool:
    try:
        binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        return False
    return True


_MEDIA_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp"}


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
