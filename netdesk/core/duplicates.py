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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from netdesk.core.names import canonical_given_name, given_names_may_match
from netdesk.core.normalize import fold

# A value shared by more contacts than this (an office switchboard, info@…) says nothing about who is who.
MAX_SHARING = 5
# Buckets larger than this compare only exact canonical given names (fuzzy comparison grows with the square).
MAX_FUZZY_BUCKET = 24

REASONS = {"email": "same email", "phone": "same phone number", "url": "same profile URL"}


# Given and family names repeat: most are folded once per scan.
_fold = lru_cache(maxsize=65536)(fold)
_canonical = lru_cache(maxsize=65536)(canonical_given_name)


@lru_cache(maxsize=65536)
def _fold_family(family: str) -> str:
    return fold(family).strip().rstrip(".").strip()


def bare_initial(folded: str) -> str:
    """The letter of a folded name written as an initial ("r." or "r"), else ""."""
    text = folded.rstrip(".").strip()
    return text if len(text) == 1 and text.isalpha() else ""


def _names_of(formatted: str) -> tuple[str, str]:
    words = formatted.split()
    return (words[0], words[-1]) if len(words) >= 2 else (formatted, "")


class PersonName(NamedTuple):
    """A contact's names, folded once: what the name rules compare (a tuple: built 100,000 times a scan)."""

    id: int
    given: str
    family: str
    middle: str = ""
    canonical: str = ""  # of the given name: "bob" and "robert" are both "robert"

    @classmethod
    def of(cls, cid: int, given: str, family: str, formatted: str, middle: str = "") -> PersonName:
        """A contact's names; one with only a formatted name ("Priya R.") is read as "given … family"."""
        if not (given or family):
            given, family = _names_of(formatted)
        folded = _fold(given.strip())
        return cls(cid, folded, _fold_family(family), fold(middle).strip() if middle else "", _canonical(folded))

    def middle_contradicts(self, other: PersonName) -> bool:
        """Two different middle names ("Ada Mary …" and "Ada Jane …") tell two people apart; an initial fits its
        name ("M." and "Mary")."""
        a, b = self.middle, other.middle
        if not a or not b or a == b:
            return False
        ia, ib = bare_initial(a), bare_initial(b)
        return not ((ia and b.startswith(ia)) or (ib and a.startswith(ib)))


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
        # Under the first letter of the name as written and of its canonical form: "Liam" (William) still meets
        # "Liama" (a typo), and "Bob" meets "Robert".
        initial_family = bool(bare_initial(p.family))
        if initial_family:
            initials.append(p)
        for letter in {p.given[:1], p.canonical[:1]}:
            if not initial_family:
                buckets[(p.family, letter)].append(p)
            by_letter[(p.family[:1], letter)].append(p)
    found: dict[tuple[int, int], str] = {}

    def consider(a: PersonName, b: PersonName, fuzzy: bool) -> None:
        if a.id == b.id or (among is not None and a.id not in among and b.id not in among):
            return
        if a.middle_contradicts(b):
            return
        if a.canonical == b.canonical or (fuzzy and given_names_may_match(a.given, b.given)):
            if a.family != b.family:
                why = "family name given as an initial"
            else:
                why = "same name" if a.given == b.given else "similar names"
            found.setdefault(ordered(a.id, b.id), why)

    for bucket in buckets.values():
        # Small buckets compare every pair, fuzzily; a large one pairs only the same canonical name. Either way a
        # name many people share (seven "John Smith"s) says nothing about who is who.
        counts = Counter(p.canonical for p in bucket)
        fuzzy = len(bucket) <= MAX_FUZZY_BUCKET
        if fuzzy:
            groups = [bucket]
        else:
            by_name: dict[str, list[PersonName]] = defaultdict(list)
            for p in bucket:
                if 2 <= counts[p.canonical] <= MAX_SHARING:
                    by_name[p.canonical].append(p)
            groups = list(by_name.values())
        for group in groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if a.canonical != b.canonical or counts[a.canonical] <= MAX_SHARING:
                        consider(a, b, fuzzy)
    for p in initials:  # "Priya R." against every Priya whose family name starts with R
        for letter in {p.given[:1], p.canonical[:1]}:
            candidates = by_letter[(p.family[:1], letter)]
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
