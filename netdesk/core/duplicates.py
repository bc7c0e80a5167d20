"""Which pairs of contacts may be one person: the rules the import matches by (``merge``, ``names``), applied to
contacts already stored, for the duplicates review.

Two live contacts are a candidate pair when they share an email (case-insensitive), a phone number or a profile
URL, or when their names may be one person's: the same family name (or one written as its initial, "R." and
"Raman") with given names that may be variants of each other ("Bob" and "Robert", "P." and "Priya").

Pure functions over lean tuples, so that a scan over 100,000 contacts stays a matter of dict look-ups: people are
bucketed by family name and the first letter of their canonical given name, and large buckets (a hundred
"Smith"s with an "J") only pair exact canonical names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from netdesk.core.names import canonical_given_name, given_names_may_match, initial
from netdesk.core.normalize import fold

# A value shared by more contacts than this (an office switchboard, info@…) says nothing about who is who.
MAX_SHARING = 5
# Buckets larger than this compare only exact canonical given names (fuzzy comparison grows with the square).
MAX_FUZZY_BUCKET = 40

REASONS = {"email": "same email", "phone": "same phone number", "url": "same profile URL"}


@dataclass(frozen=True, slots=True)
class PersonName:
    id: int
    given: str
    family: str

    @classmethod
    def of(cls, cid: int, given: str, family: str, formatted: str) -> PersonName:
        """A contact's names; one with only a formatted name ("Priya R.") is read as "given … family"."""
        if not (given or family):
            words = formatted.split()
            given, family = (words[0], words[-1]) if len(words) >= 2 else (formatted, "")
        return cls(cid, fold(given).strip(), fold(family).strip().rstrip(".").strip())


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def pairs_sharing_points(rows: Iterable[tuple[str, str, int]]) -> dict[tuple[int, int], str]:
    """Pairs of contacts that share a matching value: ``rows`` are (kind, normalized value, contact id)."""
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, value, cid in rows:
        if value:
            holders[(kind, value)].add(cid)
    found: dict[tuple[int, int], str] = {}
    for (kind, _value), ids in holders.items():
        if not 2 <= len(ids) <= MAX_SHARING:
            continue
        members = sorted(ids)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                found.setdefault((a, b), REASONS.get(kind, f"same {kind}"))
    return found


def pairs_by_name(people: Iterable[PersonName], among: set[int] | None = None) -> dict[tuple[int, int], str]:
    """Pairs whose names may be one person's; with ``among``, only pairs with at least one contact in it."""
    buckets: dict[tuple[str, str], list[PersonName]] = defaultdict(list)
    by_letter: dict[tuple[str, str], list[PersonName]] = defaultdict(list)  # (family initial, given letter)
    initials: list[PersonName] = []
    for p in people:
        if not p.given or not p.family:
            continue
        letter = canonical_given_name(p.given)[:1]
        if initial(p.family):
            initials.append(p)
        else:
            buckets[(p.family, letter)].append(p)
        by_letter[(p.family[:1], letter)].append(p)
    found: dict[tuple[int, int], str] = {}

    def consider(a: PersonName, b: PersonName, fuzzy: bool) -> None:
        if a.id == b.id or (among is not None and a.id not in among and b.id not in among):
            return
        same = canonical_given_name(a.given) == canonical_given_name(b.given)
        if same or (fuzzy and given_names_may_match(a.given, b.given)):
            if a.family != b.family:
                why = "family name given as an initial"
            else:
                why = "same name" if a.given == b.given else "similar names"
            found.setdefault(ordered(a.id, b.id), why)

    for bucket in buckets.values():
        fuzzy = len(bucket) <= MAX_FUZZY_BUCKET
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                consider(a, b, fuzzy)
    for p in initials:  # "Priya R." against every Priya whose family name starts with R
        candidates = by_letter[(p.family[:1], canonical_given_name(p.given)[:1])]
        fuzzy = len(candidates) <= MAX_FUZZY_BUCKET
        for other in candidates:
            consider(p, other, fuzzy)
    return found


def candidate_pairs(
    points: Iterable[tuple[str, str, int]], people: Iterable[PersonName], among: set[int] | None = None
) -> dict[tuple[int, int], str]:
    """Every candidate pair (lower id first) with the reason it was found; a shared value wins over names."""
    found = pairs_by_name(people, among)
    shared = pairs_sharing_points(points)
    if among is not None:
        shared = {k: v for k, v in shared.items() if k[0] in among or k[1] in among}
    found.update(shared)
    return found


def differing_fields(first: Mapping[str, object], second: Mapping[str, object]) -> list[str]:
    """The fields set on both sides with different values: where the user chooses which one is kept."""
    return [name for name, value in first.items() if value and second.get(name) and value != second.get(name)]
