"""Merging two records of the same person without losing a value from either side."""

from __future__ import annotations

from dataclasses import dataclass, fields

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint, ExtraProperty, PostalAddress, sorted_tags
from netdesk.core.names import family_names_may_match, given_names_may_match
from netdesk.core.normalize import fold, normalize_email, normalize_phone

# Scalar text fields: the existing value is kept; a different incoming value is recorded as history.
SCALAR_FIELDS = (
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
    "gender",
    "photo_uri",
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old_value: str
    new_value: str


def _point_key(kind: str, value: str) -> str:
    if kind == "emails":
        return normalize_email(value)
    if kind == "phones":
        phone = normalize_phone(value)
        # Text in a phone field ("Fax privat") has no digits: compare the text itself.
        if len(phone.lstrip("+")) >= 3:
            return phone
    return fold(value.strip().rstrip("/"))


def union_points(
    kind: str, existing: tuple[ContactPoint, ...], incoming: tuple[ContactPoint, ...]
) -> tuple[ContactPoint, ...]:
    """Existing points first, then new ones.

    An incoming point with the same value and label as an existing one only adds its pref flag; one whose value
    exists without a label lends it the label; the same value under another label is kept as another entry.
    """
    result = list(existing)
    for p in incoming:
        key = _point_key(kind, p.value)
        same_value = [i for i, q in enumerate(result) if _point_key(kind, q.value) == key]
        exact = [i for i in same_value if result[i].label.casefold() == p.label.casefold()]
        unlabelled = [i for i in same_value if not result[i].label]
        if exact:
            old = result[exact[0]]
            result[exact[0]] = ContactPoint(old.value, old.label, old.pref or p.pref, old.params or p.params)
        elif same_value and not p.label:
            old = result[same_value[0]]
            result[same_value[0]] = ContactPoint(old.value, old.label, old.pref or p.pref, old.params)
        elif unlabelled:
            old = result[unlabelled[0]]
            result[unlabelled[0]] = ContactPoint(old.value, p.label, old.pref or p.pref, p.params)
        else:
            result.append(p)
    return tuple(result)


def union_extras(existing: tuple[ExtraProperty, ...], incoming: tuple[ExtraProperty, ...]) -> tuple[ExtraProperty, ...]:
    """Unmodelled properties of both records, each once.

    vCard groups (Apple's ``itemN.``) tie properties together, such as a value and its X-ABLabel. A group from the
    other record that holds the same properties as one already here is the same group; one whose name is taken by
    different properties is renamed, so that labels never move to another record's value.
    """

    def members(extras: tuple[ExtraProperty, ...], group: str) -> frozenset[tuple[object, ...]]:
        return frozenset((e.name, e.value, e.params) for e in extras if e.group == group)

    existing_groups = {e.group for e in existing if e.group}
    by_content = {members(existing, g): g for g in existing_groups}
    used = {g.casefold() for g in existing_groups} | {e.group.casefold() for e in incoming if e.group}
    renamed: dict[str, str] = {}
    for group in dict.fromkeys(e.group for e in incoming if e.group):
        content = members(incoming, group)
        if content in by_content:
            renamed[group] = by_content[content]
        elif group in existing_groups:
            n = 1
            while f"item{n}" in used:
                n += 1
            renamed[group] = f"item{n}"
            used.add(f"item{n}")
    result = list(existing)
    for e in incoming:
        if e.group in renamed:
            e = ExtraProperty(e.name, e.value, e.params, renamed[e.group])
        if e not in result:
            result.append(e)
    return tuple(result)


def _address_key(a: PostalAddress) -> tuple[str, ...]:
    return tuple(fold(x) for x in (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country))


def union_addresses(
    existing: tuple[PostalAddress, ...], incoming: tuple[PostalAddress, ...]
) -> tuple[PostalAddress, ...]:
    seen = {_address_key(a) for a in existing}
    result = list(existing)
    for a in incoming:
        if _address_key(a) not in seen and not a.is_empty():
            seen.add(_address_key(a))
            result.append(a)
    return tuple(result)


def merge_contacts(
    existing: ContactDTO,
    incoming: ContactDTO,
    *,
    incoming_wins: bool = False,
    incoming_wins_fields: frozenset[str] = frozenset(),
) -> tuple[ContactDTO, list[FieldChange]]:
    """The union of two records of one contact.

    Multi-valued fields are united. For a scalar field set on both sides with different values, the winner
    (existing by default, incoming with ``incoming_wins`` or for the scalar fields named in
    ``incoming_wins_fields``) is kept and the loser is returned as a FieldChange so the caller can keep it in the
    contact's history: nothing is lost either way.
    """
    changes: list[FieldChange] = []
    values: dict[str, object] = {}
    for name in SCALAR_FIELDS:
        old, new = getattr(existing, name), getattr(incoming, name)
        if not new or old == new:
            continue
        if not old:
            values[name] = new
        elif incoming_wins or name in incoming_wins_fields:
            values[name] = new
            changes.append(FieldChange(name, old, new))
        else:
            changes.append(FieldChange(name, new, old))
    # A union with nothing incoming is the existing side as it is: not computed (a re-import merges tens of
    # thousands of records that bring a name, a job and one URL).
    for name in ("emails", "phones", "urls", "ims"):
        if getattr(incoming, name):
            values[name] = union_points(name, getattr(existing, name), getattr(incoming, name))
    if incoming.addresses:
        values["addresses"] = union_addresses(existing.addresses, incoming.addresses)
    values["tags"] = sorted_tags((*existing.tags, *incoming.tags))
    values["starred"] = existing.starred or incoming.starred  # a star, like a tag, is kept from either side
    for name in ("birthday", "anniversary"):
        old_d, new_d = getattr(existing, name), getattr(incoming, name)
        if new_d is not None and (
            old_d is None
            or (incoming_wins and old_d != new_d)
            or (old_d.year is None and new_d.year is not None and (old_d.month, old_d.day) == (new_d.month, new_d.day))
        ):
            values[name] = new_d
    if incoming.notes and incoming.notes.strip() not in existing.notes:
        if incoming_wins and existing.notes.strip() in incoming.notes:
            values["notes"] = incoming.notes
        else:
            values["notes"] = (existing.notes.rstrip() + "\n\n" + incoming.notes).strip()
    if incoming.photo and (incoming_wins or not existing.photo):
        values["photo"], values["photo_mime"] = incoming.photo, incoming.photo_mime
    if incoming.related:
        related = list(existing.related)
        related += [r for r in incoming.related if r not in related]
        values["related"] = tuple(related)
    if incoming.extra:
        values["extra"] = union_extras(existing.extra, incoming.extra)
    if incoming.property_params:
        have = {name for name, _ in existing.property_params}
        values["property_params"] = (
            *existing.property_params,
            *(p for p in incoming.property_params if p[0] not in have),
        )
    if incoming.kind != existing.kind and incoming_wins:
        values["kind"] = incoming.kind
    if incoming.rev and incoming_wins:
        values["rev"] = incoming.rev
    if incoming.connected_on and not existing.connected_on:
        values["connected_on"] = incoming.connected_on
    different = {name: value for name, value in values.items() if value != getattr(existing, name)}
    # Nothing new: the existing record itself, which tells its caller so by identity (``same_content`` at no cost).
    return (existing.replace(**different) if different else existing), changes


def same_person(a: ContactDTO, b: ContactDTO) -> bool:
    """Whether two records sharing an email, phone or profile URL may be merged: their names do not contradict each
    other.

    A record without a name (only an email, say) fits anyone; otherwise the display names must agree, or the family
    names must agree (one may be an initial of the other: "R." / "Raman") with given names that may be variants of
    each other ("Bob" / "Robert", "P." / "Priya"). Without such a shared key names alone never merge: near misses
    are only suggested.
    """
    if a.kind != b.kind and a.kind.value and b.kind.value:
        return False
    if a.kind is ContactKind.ORGANIZATION:
        return not a.organization or not b.organization or fold(a.organization) == fold(b.organization)
    name_a, name_b = _person_name(a), _person_name(b)
    if not name_a or not name_b or name_a == name_b:
        return True
    given_a, fam_a = _given_and_family(a)
    given_b, fam_b = _given_and_family(b)
    if fam_a and fam_b and not family_names_may_match(fam_a, fam_b):
        return False
    return not given_a or not given_b or given_names_may_match(given_a, given_b)


def _given_and_family(c: ContactDTO) -> tuple[str, str]:
    """Given and family name; a contact with only a formatted name ("Priya R.") is read as "given … family"."""
    if c.given_name or c.family_name:
        return c.given_name, c.family_name
    words = c.formatted_name.split()
    if len(words) >= 2:
        return words[0], words[-1]
    return c.formatted_name, ""


def _person_name(c: ContactDTO) -> str:
    parts = " ".join(p for p in (c.given_name, c.family_name) if p) or c.formatted_name or c.nickname
    return fold(parts).strip()


# Fields compared to tell whether an import changed anything.
_COMPARED = tuple(f.name for f in fields(ContactDTO) if f.name not in ("id", "created_at", "updated_at", "version"))


def same_content(a: ContactDTO, b: ContactDTO) -> bool:
    return a is b or all(getattr(a, n) == getattr(b, n) for n in _COMPARED)
