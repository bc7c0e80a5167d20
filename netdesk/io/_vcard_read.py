"""Map tokenized vCard content lines (any of 2.1, 3.0, 4.0) onto a ContactDTO.

Content lines come from vobject's lexer when it reads the card cleanly and from the tolerant tokenizer
otherwise (see ``_vcard_vobject`` for why and how); the mapping below is the same for both.

Every property the model has no field for is kept as an ExtraProperty (value in escaped vCard form, so
structured values such as GEO or X-ABADR survive) and written back unchanged by the writer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    Params,
    PartialDate,
    PostalAddress,
    Related,
    sorted_tags,
)
from netdesk.io._image_check import NOT_AN_IMAGE_REASON, photo_problem, sniff_image_mime
from netdesk.io._vcard_lines import (
    CardSyntaxError,
    ContentLine,
    decode_base64_lenient,
    escape,
    flat_types,
    split_escaped,
    split_physical_lines,
    tokenize_card,
    unescape,
)
from netdesk.io._vcard_vobject import content_lines as vobject_content_lines

EMPTY_CARD_REASON = "card holds nothing to import (nothing but VERSION, UID or REV)"

# Legacy instant-messenger properties and the URI scheme their handle gets in ContactDTO.ims.
IM_PROPERTIES = {
    "X-AIM": "aim",
    "X-ICQ": "icq",
    "X-JABBER": "xmpp",
    "X-GTALK": "gtalk",
    "X-GOOGLE-TALK": "gtalk",
    "X-MSN": "msnim",
    "X-YAHOO": "ymsgr",
    "X-SKYPE": "skype",
    "X-SKYPE-USERNAME": "skype",
    "X-QQ": "qq",
    "X-GADUGADU": "gg",
}
# Type words that say nothing about the label (how to deliver, not whose number it is).
_NEUTRAL_TYPES = frozenset(
    {"internet", "x400", "voice", "msg", "dom", "intl", "postal", "parcel", "pref", "x-internet"}
)
# Properties this reader regenerates or that must not be copied into an export.
_DROPPED = frozenset({"VERSION", "PRODID", "BEGIN", "END"})
# Where a point's params keep the raw text of its group's X-ABLabel (never written as a parameter: the writer turns it
# back into the grouped X-ABLabel property).
ABLABEL_PARAM = "X-ABLABEL"
# Where an IM handle's params keep the legacy property it was written as (X-JABBER …), so that an export writes that
# property again next to IMPP. Like ABLABEL_PARAM, never written as a parameter.
WRITTEN_AS_PARAM = "X-NETDESK-WRITTEN-AS"
# Where an ADR keeps components after its seven (Google Takeout puts the formatted address there), and N after its five.
MORE_COMPONENTS_PARAM = "X-NETDESK-MORE-COMPONENTS"
# Where a point keeps the group it was read in when other properties of that group are kept as extras (Apple's
# itemN.ADR with its itemN.X-ABADR country code), so that an export writes it in that group again. Never a parameter.
GROUP_PARAM = "X-NETDESK-GROUP"
# Parameters NetDesk keeps for itself in ContactPoint.params.
PRIVATE_PARAMS = frozenset({ABLABEL_PARAM, WRITTEN_AS_PARAM, MORE_COMPONENTS_PARAM, GROUP_PARAM})
# Modelled properties whose parameters are kept that way (by the name the writer uses).
_PARAMS_KEPT_FOR = {
    "FN": "FN",
    "N": "N",
    "NICKNAME": "NICKNAME",
    "ORG": "ORG",
    "TITLE": "TITLE",
    "ROLE": "ROLE",
    "BDAY": "BDAY",
    "ANNIVERSARY": "ANNIVERSARY",
    "X-ANNIVERSARY": "ANNIVERSARY",
    "X-EVOLUTION-ANNIVERSARY": "ANNIVERSARY",
    "NOTE": "NOTE",
    "REV": "REV",
    "UID": "UID",
    "GENDER": "GENDER",
    "KIND": "KIND",
}
PHOTO_URI_KEY = "PHOTO-URI"
# Parameters the writer derives itself, not kept.
_DERIVED_PARAMS = frozenset({"X-APPLE-OMIT-YEAR", "ENCODING", "CHARSET"})
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
APPLE_NO_YEAR = 1604
# Google's system groups: every contact is in them; not tags ("starred" becomes ContactDTO.starred).
GOOGLE_SYSTEM_GROUPS = frozenset({"mycontacts", "my contacts", "starred", "other contacts", "imported on"})
# Properties whose itemN.X-ABLabel becomes the label of a ContactPoint/PostalAddress.
_LABELLED = frozenset({"EMAIL", "TEL", "URL", "IMPP", "ADR"})


@dataclass
class _Builder:
    fields: dict[str, object] = field(default_factory=dict)
    emails: list[ContactPoint] = field(default_factory=list)
    phones: list[ContactPoint] = field(default_factory=list)
    urls: list[ContactPoint] = field(default_factory=list)
    ims: list[ContactPoint] = field(default_factory=list)
    addresses: list[PostalAddress] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    extra: list[ExtraProperty] = field(default_factory=list)
    property_params: dict[str, Params] = field(default_factory=dict)
    # Groups (lower case) that hold more than one property besides X-ABLabel: a point read in one keeps its group.
    shared_groups: frozenset[str] = frozenset()
    # Problems that cost one property, not the card: (0-based line within the card, reason).
    problems: list[tuple[int, str]] = field(default_factory=list)

    def set_once(self, key: str, value: object) -> bool:
        """Set a single-valued field unless already set; False means the caller should keep it as extra."""
        if key in self.fields:
            return False
        self.fields[key] = value
        return True


def read_content_lines(
    lines: list[str], *, use_vobject: bool = True, problems: list[tuple[int, str]] | None = None
) -> tuple[list[ContentLine], bool]:
    """Content lines of one card and whether vobject's lexer read them (False: the tolerant tokenizer did).

    Lines the tolerant tokenizer had to skip or repair go to ``problems``. Raises CardSyntaxError when neither can
    read the card.
    """
    if use_vobject:
        try:
            return vobject_content_lines(lines), True
        except Exception:  # VobjectRejected, or anything vobject trips over: the tolerant tokenizer reads it
            pass
    return tokenize_card(lines, problems), False


# Properties that say nothing about a person by themselves: a card holding only these is empty.
_NO_CONTENT = frozenset({"VERSION", "PRODID", "UID", "REV", "X-ABLABEL"})


def parse_card_text(card_text: str, *, use_vobject: bool = True) -> ContactDTO:
    """Parse one card; raises CardSyntaxError (with the line offset inside the card) when it is unusable.

    ``use_vobject=False`` skips vobject's lexer and reads with the tolerant tokenizer only (the tests compare both).
    """
    return parse_card_text_checked(card_text, use_vobject=use_vobject)[0]


def parse_card_text_checked(card_text: str, *, use_vobject: bool = True) -> tuple[ContactDTO, list[tuple[int, str]]]:
    """Like ``parse_card_text``, plus the properties refused on the way: (0-based line within the card, reason)."""
    lines = split_physical_lines(card_text)
    b = _Builder()
    props, _by_vobject = read_content_lines(lines, use_vobject=use_vobject, problems=b.problems)
    if not any(p.name not in _NO_CONTENT and _has_value(p) for p in props):
        first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
        raise CardSyntaxError(EMPTY_CARD_REASON, first)
    b.problems.extend((p.offset, p.problem) for p in props if p.problem)
    labels, raw_labels = _group_labels(props)
    b.shared_groups = _shared_groups(props)
    modelled_groups: set[str] = set()
    address_labels: list[ContentLine] = []
    for prop in props:
        if prop.name == "X-ABLABEL":
            continue
        if prop.name == "LABEL" and not prop.group:
            address_labels.append(prop)  # 2.1/3.0: the ADR it labels may come later
            continue
        try:
            handled = _apply(b, prop, labels, raw_labels)
        except (ValueError, IndexError):
            handled = False  # a malformed known property is kept verbatim rather than sinking the card
        if handled:
            if prop.group and (prop.name in _LABELLED or prop.name in IM_PROPERTIES):
                modelled_groups.add(prop.group.lower())
            _keep_params_of(b, prop)
        elif prop.name not in _DROPPED:
            b.extra.append(_as_extra(prop))
    for prop in address_labels:
        if not _attach_address_label(b, prop):
            b.extra.append(_as_extra(prop))
    for prop in props:
        # An itemN.X-ABLabel is consumed as the label of its group's property; kept when that property is extra.
        if prop.name == "X-ABLABEL" and (not prop.group or prop.group.lower() not in modelled_groups):
            b.extra.append(_as_extra(prop))
    dto = _build(b)
    if not dto.uid:
        dto = dto.replace(uid=stable_uuid4(card_text))
    return dto, b.problems


def _has_value(prop: ContentLine) -> bool:
    """Anything but separators: ``N:;;;;`` holds nothing."""
    return prop.binary is not None or bool(prop.value.replace(";", "").replace(",", "").strip())


def stable_uuid4(card_text: str) -> str:
    """A random-looking version-4 UUID derived from the card, so importing the same file twice gives the same UID."""
    digest = hashlib.sha256(card_text.encode("utf-8", "surrogatepass")).digest()[:16]
    return str(uuid.UUID(bytes=digest, version=4))


def _group_labels(props: list[ContentLine]) -> tuple[dict[str, str], dict[str, str]]:
    """Apple/Google ``itemN.X-ABLabel`` custom labels by group name (only non-empty ones: an empty one is ignored),
    and the X-ABLabel values as written (escaped), for writing them back."""
    labels: dict[str, str] = {}
    raw_labels: dict[str, str] = {}
    for p in props:
        if p.name == "X-ABLABEL" and p.group:
            text = ablabel_text(p.value)
            if text:
                group = p.group.lower()
                labels.setdefault(group, text)
                raw_labels.setdefault(group, p.value)
    return labels, raw_labels


def _shared_groups(props: list[ContentLine]) -> frozenset[str]:
    """Groups (lower case) with more than one property besides X-ABLabel (``item2.ADR`` and ``item2.X-ABADR``)."""
    grouped = Counter(p.group.lower() for p in props if p.group and p.name != "X-ABLABEL")
    return frozenset(group for group, count in grouped.items() if count > 1)


def ablabel_text(value: str) -> str:
    """The label an X-ABLabel value stands for: Apple's ``_$!<Other>!$_`` is "other"."""
    text = unescape(value).strip()
    m = _APPLE_LABEL.match(text)
    return m.group(1).strip().lower() if m else text


def _keep_params_of(b: _Builder, prop: ContentLine) -> None:
    """Remember the parameters of a modelled single-valued property (N;LANGUAGE=de, REV;VALUE=timestamp, ORG;SORT-AS=…)
    in ContactDTO.property_params, once per property; the writer puts them back on it."""
    if not prop.params and prop.name != "N":
        return  # nothing to keep (only N can add a parameter of its own)
    target = _PARAMS_KEPT_FOR.get(prop.name)
    if prop.name == "PHOTO" and prop.binary is None and not prop.value.strip().lower().startswith("data:"):
        target = PHOTO_URI_KEY  # a photo by URL: its TYPE=PNG and the like (VALUE=uri is the writer's)
    params = tuple(
        (k, tuple(v))
        for k, v in prop.params.items()
        if k not in _DERIVED_PARAMS and v and not (target == PHOTO_URI_KEY and k == "VALUE")
    )
    if prop.name == "N":
        more = split_escaped(prop.value, ";")[5:]
        if any(m.strip() for m in more):  # components after the five of N: written back after them
            params = (*params, (MORE_COMPONENTS_PARAM, (";".join(more),)))
    if not target or not params or target in b.property_params:
        return
    b.property_params[target] = params


def _attach_address_label(b: _Builder, prop: ContentLine) -> bool:
    """A 2.1/3.0 LABEL property becomes the LABEL parameter of the ADR with the same types (as 4.0 writes it)."""
    text = unescape(prop.value)
    if not text.strip():
        return True  # an empty LABEL labels nothing
    wanted = _type_set(prop.params.get("TYPE", []))
    for i, address in enumerate(b.addresses):
        if any(k == "LABEL" for k, _ in address.params):
            continue
        if _type_set([v for k, vs in address.params if k == "TYPE" for v in vs]) == wanted:
            params = (*address.params, ("LABEL", (text,)))
            b.addresses[i] = dataclasses.replace(address, params=params)
            return True
    return False


def _type_set(values: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(t.strip().lower() for v in values for t in v.split(",") if t.strip())


# An ALTID alternative of a property that may appear once (RFC 6350 section 5.4: "N;ALTID=1;LANGUAGE=ja:..." beside
# "N;ALTID=1:..."), where writing it under its own name would break readers: vobject (the Python tools' vCard
# library) cannot serialise a card with two N, and 3.0 has no ALTID for a second FN. Written as X-NETDESK-ALT-N
# (-FN) with the same ALTID, parameters and value, and read back as the alternative it is.
ALTERNATIVE_PREFIX = "X-NETDESK-ALT-"


def _as_extra(prop: ContentLine) -> ExtraProperty:
    # Parameter order means nothing in vCard; sorted by name it is the order vobject writes them in, so a kept
    # property reads back equal after an export.
    params = tuple((k, tuple(v)) for k, v in sorted(prop.params.items())) if prop.params else ()
    name = prop.name
    if name.startswith(ALTERNATIVE_PREFIX) and "ALTID" in prop.params:
        name = name[len(ALTERNATIVE_PREFIX) :]  # NetDesk's spelling of an alternative N (see ALTERNATIVE_PREFIX)
    return ExtraProperty(name=name, value=prop.value, params=params, group=prop.group)


def _label_and_pref(prop: ContentLine, labels: dict[str, str], kind: str) -> tuple[str, bool]:
    custom = labels.get(prop.group.lower()) if prop.group else None
    return _cached_label_and_pref(tuple(prop.params.get("TYPE", ())), prop.param("PREF"), custom or "", kind)


@lru_cache(maxsize=4096)
def _cached_label_and_pref(type_values: tuple[str, ...], pref_param: str, custom: str, kind: str) -> tuple[str, bool]:
    """``label_and_pref`` for TYPE parameter values as written: cards repeat a handful of them (TYPE=INTERNET,pref)."""
    return label_and_pref(flat_types(type_values), pref_param, custom, kind)


def label_and_pref(types: list[str], pref_param: str, custom: str, kind: str) -> tuple[str, bool]:
    """The label and preferred flag that TYPE values, a PREF parameter and a group's X-ABLabel text give."""
    pref = "pref" in {t.lower() for t in types}
    if pref_param.strip().isdigit() and int(pref_param) == 1:
        pref = True
    if custom:
        return (custom, pref)
    return (_label_from_types(types, kind), pref)


def point_params(prop: ContentLine, raw_labels: dict[str, str], shared_groups: frozenset[str] = frozenset()) -> Params:
    """The parameters a point keeps for writing back, with its group's X-ABLabel text as ABLABEL_PARAM and, when other
    properties share its group, the group's name as GROUP_PARAM."""
    params: Params = tuple((k, tuple(v)) for k, v in prop.params.items())
    if not prop.group:
        return params
    raw = raw_labels.get(prop.group.lower())
    if raw:
        params = (*params, (ABLABEL_PARAM, (raw,)))
    if prop.group.lower() in shared_groups:
        params = (*params, (GROUP_PARAM, (prop.group,)))
    return params


def _label_from_types(types: list[str], kind: str) -> str:
    lowered = [t.lower() for t in types]
    meaningful = [t for t, low in zip(types, lowered, strict=True) if low not in _NEUTRAL_TYPES]
    low = {t.lower() for t in meaningful}
    if not low:
        return ""
    if "cell" in low or "mobile" in low:
        return "mobile"
    if "fax" in low:
        return "work fax" if "work" in low else "home fax" if "home" in low else "fax"
    if "pager" in low:
        return "pager"
    for standard in ("work", "home", "other"):
        if standard in low:
            return standard
    if kind == "url" and "homepage" in low:
        return "homepage"
    return " ".join(meaningful)


def _apply(b: _Builder, prop: ContentLine, labels: dict[str, str], raw_labels: dict[str, str]) -> bool:
    """Copy one property into the builder; False means "not modelled here", so it is kept as extra."""
    name = prop.name
    if name not in _MODELLED:
        return False  # X- properties and the like: kept as extras, without going through every test below
    value = prop.value
    if name == "FN":
        return b.set_once("formatted_name", unescape(value).strip())
    if name == "N":
        parts = [unescape(p).strip() for p in split_escaped(value, ";")] + [""] * 5
        return b.set_once("n", tuple(parts[:5]))
    if name == "NICKNAME":
        return b.set_once("nickname", unescape(value).strip())
    if name == "ORG":
        units = [unescape(p).strip() for p in split_escaped(value, ";")]
        units = [u for u in units if u] or [""]
        if "organization" in b.fields:
            return False
        b.fields["organization"] = units[0]
        b.fields["department"] = "; ".join(units[1:])
        return True
    if name in ("TITLE", "ROLE"):
        return b.set_once(name.lower(), unescape(value).strip())
    if name == "EMAIL":
        return _add_point(b.emails, unescape(value).strip(), prop, labels, raw_labels, "email", b.shared_groups)
    if name == "TEL":
        text = unescape(value).strip()
        if text.lower().startswith("tel:"):
            text = text[4:]
        return _add_point(b.phones, text, prop, labels, raw_labels, "tel", b.shared_groups)
    if name == "URL":
        return _add_point(b.urls, unescape(value).strip(), prop, labels, raw_labels, "url", b.shared_groups)
    if name == "IMPP":
        return _add_point(b.ims, unescape(value).strip(), prop, labels, raw_labels, "im", b.shared_groups)
    if name in IM_PROPERTIES:
        handle = im_handle(name, value)
        for i, point in enumerate(b.ims):
            if point.value.casefold() == handle.casefold():  # IMPP came first: remember the X- form too
                b.ims[i] = dataclasses.replace(point, params=(*point.params, (WRITTEN_AS_PARAM, (name,))))
                return True
        _add_point(b.ims, handle, prop, labels, raw_labels, "im", b.shared_groups)
        if b.ims and b.ims[-1].value == handle:
            b.ims[-1] = dataclasses.replace(b.ims[-1], params=(*b.ims[-1].params, (WRITTEN_AS_PARAM, (name,))))
        return True
    if name == "ADR":
        return _add_address(b, prop, labels, raw_labels)
    if name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY"):
        key = "birthday" if name == "BDAY" else "anniversary"
        if key in b.fields:
            return False
        parsed = parse_partial_date(unescape(value), prop)
        return b.set_once(key, parsed) if parsed else False
    if name == "NOTE":
        text = unescape(value)
        if b.notes and text.strip():
            return False  # a second NOTE stays a NOTE of its own (kept verbatim, written back as one)
        if text.strip():
            b.notes.append(text)
        return True
    if name == "CATEGORIES":
        words = [unescape(t).strip() for t in split_escaped(value, ",")]
        if any(w.casefold() == "starred" for w in words):
            b.fields["starred"] = True  # Google's star: a flag, written back as Google writes it
        system = [w for w in words if w.casefold() in GOOGLE_SYSTEM_GROUPS and w.casefold() != "starred"]
        if system:  # not tags the user chose, but kept for the export
            b.extra.append(ExtraProperty(name="CATEGORIES", value=",".join(escape(w) for w in system)))
        b.tags.extend(w for w in words if w.casefold() not in GOOGLE_SYSTEM_GROUPS)
        return True
    if name == "PHOTO":
        return _add_photo(b, prop)
    if name == "UID":
        return b.set_once("uid", unescape(value).strip())
    if name == "REV":
        return b.set_once("rev", value.strip())
    if name == "KIND":
        kind = value.strip().lower()
        if kind in ("org", "organization"):
            return b.set_once("kind", ContactKind.ORGANIZATION)
        return kind == "individual" and b.set_once("kind", ContactKind.PERSON)
    if name == "X-ABSHOWAS":
        return value.strip().upper() == "COMPANY" and b.set_once("kind", ContactKind.ORGANIZATION)
    if name == "RELATED":
        text = unescape(value).strip()
        if not text:
            return False
        b.related.append(Related(value=text, type=",".join(t.lower() for t in prop.types())))
        return True
    if name in ("GENDER", "X-GENDER"):
        if name == "GENDER":
            gender = value.strip().rstrip(";")
        else:
            text = unescape(value).strip()
            gender = {"male": "M", "female": "F"}.get(text.lower(), text)
        if not gender:
            return False
        # NetDesk writes GENDER and X-GENDER side by side in 3.0: the second one saying the same is no news.
        known = b.fields.get("gender")
        if isinstance(known, str) and unescape(known) == unescape(gender):
            return True
        return b.set_once("gender", gender)
    return False


# The property names ``_apply`` models (any other is kept as an extra).
_MODELLED = frozenset(
    {
        "FN", "N", "NICKNAME", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "URL", "IMPP", "ADR", "BDAY", "ANNIVERSARY",
        "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "NOTE", "CATEGORIES", "PHOTO", "UID", "REV", "KIND", "X-ABSHOWAS",
        "RELATED", "GENDER", "X-GENDER", *IM_PROPERTIES,
    }
)  # fmt: skip


def im_handle(name: str, value: str) -> str:
    """The IMPP-style URI of a legacy IM property's value (``X-JABBER:ada@x.org`` -> ``xmpp:ada@x.org``)."""
    handle = unescape(value).strip()
    if handle and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", handle):
        handle = f"{IM_PROPERTIES[name]}:{handle}"
    return handle


def _add_point(
    target: list[ContactPoint],
    value: str,
    prop: ContentLine,
    labels: dict[str, str],
    raw_labels: dict[str, str],
    kind: str,
    shared_groups: frozenset[str] = frozenset(),
) -> bool:
    if not value:
        return True  # an empty EMAIL/TEL carries nothing worth keeping
    if kind == "im" and any(p.value.casefold() == value.casefold() for p in target):
        return True  # the same handle as IMPP and as X-JABBER (NetDesk writes both): one handle
    label, pref = _label_and_pref(prop, labels, kind)
    params = point_params(prop, raw_labels, shared_groups)
    target.append(ContactPoint(value=value, label=label, pref=pref, params=params))
    return True


def _add_address(b: _Builder, prop: ContentLine, labels: dict[str, str], raw_labels: dict[str, str]) -> bool:
    # Google Takeout appends the formatted address as an 8th component; it repeats the others, so it is dropped.
    raw_parts = split_escaped(prop.value, ";")
    parts = [unescape(p).strip() for p in raw_parts[:7]] + [""] * 7
    label, pref = _label_and_pref(prop, labels, "adr")
    address = PostalAddress(
        label=label,
        pref=pref,
        po_box=parts[0],
        extended=parts[1],
        street=parts[2],
        locality=parts[3],
        region=parts[4],
        postal_code=parts[5],
        country=parts[6],
        params=point_params(prop, raw_labels, b.shared_groups),
    )
    if len(raw_parts) > 7 and any(p.strip() for p in raw_parts[7:]):
        address = dataclasses.replace(
            address, params=(*address.params, (MORE_COMPONENTS_PARAM, (";".join(raw_parts[7:]),)))
        )
    if not address.is_empty() or "LABEL" in prop.params:
        b.addresses.append(address)
    return True


def _add_photo(b: _Builder, prop: ContentLine) -> bool:
    # One inline photo and one photo URL are modelled (a merged contact can carry both); further ones stay extras.
    if "photo" in b.fields and "photo_uri" in b.fields:
        return False
    value = prop.value.strip()
    if value.lower().startswith("data:"):
        value = unescape(value)  # some writers (vobject) escape the ; and , of a data: URI
    data: bytes | None = None
    declared = ""
    if value.lower().startswith("data:"):
        header, _, payload = value.partition(",")
        declared = header[5:].split(";")[0].strip()
        is_base64 = ";base64" in header.lower()
        data = decode_base64_lenient(payload) if is_base64 else urllib.parse.unquote_to_bytes(payload)
    elif prop.binary is not None:
        data = prop.binary
        types = [t.lower() for t in prop.types()]
        if types:
            declared = types[0] if "/" in types[0] else f"image/{types[0]}"
    elif value and ("ENCODING" not in prop.params):
        if "photo_uri" in b.fields:
            return False
        b.fields["photo_uri"] = unescape(value)
        return True
    if not data or "photo" in b.fields:
        return False  # empty, undecodable or a second photo: keep the raw property rather than drop it silently
    problem = photo_problem(data)
    if problem == NOT_AN_IMAGE_REASON:
        # Bytes no image decoder will be handed here: kept as written (an unmodelled PHOTO, never shown), so that
        # nothing is lost, and the report says so.
        b.problems.append((prop.offset, f"{problem}: kept as written, not shown"))
        return False
    if problem:
        # An image too large to decode safely (a "decompression bomb"): not kept, not even as an extra, so that it
        # does not travel on into exports to other tools' decoders. The report says why.
        b.problems.append((prop.offset, problem))
        return True
    b.fields["photo"] = data
    b.fields["photo_mime"] = sniff_image_mime(data) or declared.replace("image/jpg", "image/jpeg")
    return True


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})(?:[T ].*)?$"),
    re.compile(r"^--(?P<m>\d{2})-?(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
)


def parse_partial_date(text: str, prop: ContentLine | None = None) -> PartialDate | None:
    """BDAY/ANNIVERSARY in any common form; None when it is free text (kept as extra then)."""
    text = text.strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group("y")) if "y" in m.groupdict() and m.group("y") else None
        omit = prop.param("X-APPLE-OMIT-YEAR") if prop is not None else ""
        if year is not None and (year == APPLE_NO_YEAR or (omit.isdigit() and int(omit) == year)):
            year = None
        try:
            return PartialDate(month=int(m.group("m")), day=int(m.group("d")), year=year)
        except ValueError:
            return None
    return None


def _build(b: _Builder) -> ContactDTO:
    f = b.fields
    name_parts: tuple[str, ...] = f.get("n", ("", "", "", "", ""))  # type: ignore[assignment]
    family, given, additional, prefix, suffix = name_parts[:5]
    kind = f.get("kind", ContactKind.PERSON)
    return ContactDTO(
        uid=str(f.get("uid", "")),
        kind=kind,  # type: ignore[arg-type]
        formatted_name=str(f.get("formatted_name", "")),
        prefix=prefix,
        given_name=given,
        additional_name=additional,
        family_name=family,
        suffix=suffix,
        nickname=str(f.get("nickname", "")),
        organization=str(f.get("organization", "")),
        department=str(f.get("department", "")),
        title=str(f.get("title", "")),
        role=str(f.get("role", "")),
        emails=tuple(b.emails),
        phones=tuple(b.phones),
        urls=tuple(b.urls),
        ims=tuple(b.ims),
        addresses=tuple(b.addresses),
        birthday=f.get("birthday"),  # type: ignore[arg-type]
        anniversary=f.get("anniversary"),  # type: ignore[arg-type]
        gender=str(f.get("gender", "")),
        notes="\n".join(b.notes),
        tags=sorted_tags(b.tags),
        photo=f.get("photo"),  # type: ignore[arg-type]
        photo_mime=str(f.get("photo_mime", "")),
        photo_uri=str(f.get("photo_uri", "")),
        related=tuple(b.related),
        extra=tuple(b.extra),
        property_params=tuple(b.property_params.items()),
        rev=str(f.get("rev", "")),
        starred=bool(f.get("starred", False)),
    )
