"""Row values of a contact: the columns of ``contacts``, ``contact_points`` and ``addresses`` computed from a DTO.

Pure functions of the DTO, without SQLAlchemy, so that an import's parse workers can compute them in parallel
(``prepare_contact``) and hand the main process only rows to insert.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from netdesk.core.model import ContactDTO, ContactKind, display_name, has_redundant_fn, sorted_tags
from netdesk.core.normalize import contact_region, normalize_email, normalize_phone, sort_key
from netdesk.db.codec import extras_to_json as _extras_to_json
from netdesk.db.codec import params_to_json as _params_to_json
from netdesk.db.codec import related_to_json as _related_to_json
from netdesk.db.search import contact_document

# Cards repeat a handful of parameter lists (TYPE=INTERNET,pref; TYPE=CELL,VOICE): encoded once each.
params_to_json = lru_cache(maxsize=4096)(_params_to_json)


def normalized_point(kind: str, value: str, region: str | None = None) -> str:
    """The matching form of a point; ``region`` is where a phone number without a country code is (default: the
    user's phone region)."""
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value, region)
    if kind == "url":
        return value.strip().rstrip("/").casefold()
    return value.strip().casefold()


# The ``contacts`` columns computed from a DTO (``contact_row``), but for connected_on (a date, stored as text).
CONTACT_COLUMNS = (
    "kind",
    "formatted_name",
    "prefix",
    "given_name",
    "additional_name",
    "family_name",
    "suffix",
    "nickname",
    "organization",
    "department",
    "title",
    "role",
    "birthday",
    "anniversary",
    "gender",
    "notes",
    "photo_mime",
    "photo_uri",
    "extra_json",
    "related_json",
    "rev",
    "starred",
    "display_name",
    "sort_key",
    "tags_text",
)


# ContactKind(kind).value by a lookup (a StrEnum member finds its value's entry): the enum call cost more per contact.
_KIND_VALUES = {kind.value: kind.value for kind in ContactKind}


def contact_row(dto: ContactDTO, named: tuple[str, str] | None = None) -> tuple[Any, ...]:
    """The values of ``CONTACT_COLUMNS`` for ``dto``, in that order (a bulk insert binds them as they are); ``named``:
    its display name and sort key, when the caller has them."""
    name, key = (display_name(dto), None) if named is None else named
    return (
        _KIND_VALUES.get(dto.kind) or ContactKind(dto.kind).value,
        dto.formatted_name,
        dto.prefix,
        dto.given_name,
        dto.additional_name,
        dto.family_name,
        dto.suffix,
        dto.nickname,
        dto.organization,
        dto.department,
        dto.title,
        dto.role,
        dto.birthday.iso() if dto.birthday else "",
        dto.anniversary.iso() if dto.anniversary else "",
        dto.gender,
        dto.notes,
        dto.photo_mime if dto.photo else "",
        dto.photo_uri,
        _extras_to_json(dto.extra, dto.property_params),
        _related_to_json(dto.related),
        dto.rev,
        dto.starred,
        name,
        sort_key(name) if key is None else key,
        ", ".join(sorted_tags(dto.tags)),
    )


def contact_values(dto: ContactDTO) -> dict[str, Any]:
    """The ``contacts`` columns for ``dto`` (everything but id, uid and timestamps)."""
    values = dict(zip(CONTACT_COLUMNS, contact_row(dto), strict=True))
    values["connected_on"] = dto.connected_on
    return values


def point_values(dto: ContactDTO) -> list[dict[str, Any]]:
    """The ``contact_points`` rows of ``dto`` (without contact_id), in display order: ``point_rows`` as dicts, with
    pref as the column's boolean."""
    return [dict(zip(POINT_COLUMNS[1:], row[1:], strict=True), pref=bool(row[5])) for row in point_rows(dto, 0)]


# The ``contact_points`` columns of ``point_rows``' tuples.
POINT_COLUMNS = ("contact_id", "kind", "label", "value", "normalized", "pref", "position", "params_json")


def point_rows(dto: ContactDTO, contact_id: int) -> list[tuple[Any, ...]]:
    """The stored values of ``POINT_COLUMNS`` (pref as an integer) of ``dto``'s points for contact ``contact_id``, in
    display order: tuples a bulk insert binds as they are, without a dict per point and its conversion."""
    rows: list[tuple[Any, ...]] = []
    region = contact_region(a.country for a in dto.addresses) if dto.phones else None
    for kind, values in (("email", dto.emails), ("phone", dto.phones), ("url", dto.urls), ("im", dto.ims)):
        for p in values:
            value = p.value.strip()
            if value:
                normalized = normalized_point(kind, p.value, region)
                params = params_to_json(p.params) if p.params else ""
                rows.append((contact_id, kind, p.label, value, normalized, int(p.pref), len(rows), params))
    return rows


def address_values(dto: ContactDTO) -> list[dict[str, Any]]:
    return [
        {
            "label": a.label,
            "pref": a.pref,
            "po_box": a.po_box,
            "extended": a.extended,
            "street": a.street,
            "locality": a.locality,
            "region": a.region,
            "postal_code": a.postal_code,
            "country": a.country,
            "position": i,
            "params_json": params_to_json(a.params),
        }
        for i, a in enumerate(dto.addresses)
    ]


def matchable_phone(normalized: str) -> bool:
    """Whether a normalised phone is specific enough to recognise a person by (not an extension, not a word)."""
    return normalized.lstrip("+").isdigit() and len(normalized) >= 6


class PreparedContact(NamedTuple):
    """A parsed card as an import needs it: its match keys and its rows, ready to insert (ids and times apart).

    Plain values only: built in a parse worker, it crosses the process boundary at pickle's C speed (a ContactDTO
    of frozen dataclasses costs several times more to pickle and unpickle than to parse).
    """

    uid: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # matchable normalised phones
    urls: tuple[str, ...]  # LinkedIn profile URLs
    contact: dict[str, Any]  # contact_values plus uid ("" when the card had none)
    points: list[dict[str, Any]]
    addresses: list[dict[str, Any]]
    photo: bytes | None
    tags: tuple[str, ...]
    document: str  # the full-text index body
    name: str


def prepare_contact(dto: ContactDTO) -> PreparedContact:
    """Everything the import writes for ``dto`` as a new contact, each normalisation done once."""
    # As for without_redundant_fn(dto), which only empties the formatted name (the display name stays the same),
    # without copying the DTO.
    c = dto
    points = point_values(c)
    emails = tuple(p["normalized"] for p in points if p["kind"] == "email")
    phones = tuple(p["normalized"] for p in points if p["kind"] == "phone" and matchable_phone(p["normalized"]))
    urls = tuple(normalized_point("url", u.value) for u in c.urls if u.label == "linkedin" and u.value.strip())
    values = contact_values(c)
    if has_redundant_fn(c):
        values["formatted_name"] = ""
    values["uid"] = c.uid
    return PreparedContact(
        uid=c.uid,
        emails=emails,
        phones=phones,
        urls=urls,
        contact=values,
        points=points,
        addresses=address_values(c),
        photo=c.photo or None,
        tags=tuple(sorted_tags(c.tags)),
        document=contact_document(c),
        name=values["display_name"],
    )
