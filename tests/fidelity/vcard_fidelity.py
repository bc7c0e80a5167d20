"""Property-by-property fidelity of a vCard round trip: import, store, export as 3.0 and 4.0, read again.

    python tests/fidelity/vcard_fidelity.py [--details] [PATH ...]    (default: every .vcf under tests/data/peer)

Each card is lexed as NetDesk lexes it, imported (parsed, stored in a real NetDesk database and loaded back) and
exported as vCard 3.0 and 4.0; every exported card must pass vobject's read -> serialize -> read. Then every
property of the original card (but VERSION and PRODID, and properties without a value) is looked for in the export:

- kept: the same property name, value and parameters (group names, parameter order and case, escaping that reads
  the same, and trailing empty components of a structured value do not count);
- kept with equivalent encoding (EQUIVALENCES below: photo and binary re-encoding, IM property names, TYPE=pref and
  PREF=1, date forms, GENDER/X-GENDER, the ADR label as a parameter or a property, several CATEGORIES as one list …);
- refused: the import refused the property and said so in its report (an image too large to decode safely);
- changed: a property of the same name is there, with another value or other parameters;
- lost: nothing of that name is left.

The test suite (tests/unit/io/test_vcard_fidelity.py) fails when anything is changed or lost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import vobject

from netdesk.core.model import ContactDTO, ExtraProperty, without_redundant_fn
from netdesk.db import repository as repo
from netdesk.db.bulk_insert import bulk_insert_contacts
from netdesk.io._vcard_lines import (
    ContentLine,
    decode_base64_lenient,
    split_escaped,
    split_physical_lines,
    unescape,
)
from netdesk.io._vcard_read import (
    ALTERNATIVE_PREFIX,
    IM_PROPERTIES,
    ablabel_text,
    parse_card_text_checked,
    parse_partial_date,
    read_content_lines,
)
from netdesk.io.vcard import contact_to_vcard, decode_vcard_bytes, split_cards
from netdesk.services import NetDesk, open_netdesk

PEER = Path(__file__).resolve().parents[1] / "data" / "peer"
VERSIONS = ("3.0", "4.0")
OUTCOMES = ("kept", "equivalent", "refused", "changed", "lost")
EQUIVALENCES = (
    "binary values (PHOTO, LOGO, KEY, SOUND …) as ENCODING=b/BASE64 or as a data: URI, with the same bytes",
    "X-AIM, X-JABBER … and IMPP with the same handle",
    "TYPE=pref and PREF=1",
    "dates as YYYY-MM-DD, YYYYMMDD, --MMDD or Apple's 1604 year; X-ANNIVERSARY and ANNIVERSARY",
    "GENDER:M and X-GENDER:Male",
    "the label of an address as ADR;LABEL= (4.0) or as a LABEL property of the same type (2.1/3.0)",
    "KIND:org and X-ABShowAs:COMPANY",
    "KIND:individual and no KIND (RFC 6350 section 6.1.4: a card without KIND is an individual's)",
    "TEL as tel: URI (VALUE=uri) or as text",
    "several CATEGORIES as one list",
    "Apple's _$!<Label>!$_ and the plain label in X-ABLabel",
    "PROFILE:vcard and PROFILE:VCARD",
    # RFC 6350 section 5.4 allows N;ALTID=1 twice, but vobject cannot serialise a card with two N,
    # and 3.0 has no ALTID: the primary N (and FN) is written as it is, the alternative under NetDesk's X- name.
    "an ALTID alternative N (any dialect) or FN (3.0) as X-NETDESK-ALT-N / X-NETDESK-ALT-FN, same ALTID and value",
)
_SKIPPED = frozenset({"VERSION", "PRODID"})
_BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
_DATES = frozenset({"BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "DEATHDATE"})
_IM_SCHEMES = {name: scheme for name, scheme in IM_PROPERTIES.items()}


@dataclass
class Prop:
    name: str
    params: dict[str, list[str]]
    value: str
    binary: bytes | None = None

    @classmethod
    def of(cls, line: ContentLine) -> Prop:
        return cls(line.name.upper(), {k.upper(): list(v) for k, v in line.params.items()}, line.value, line.binary)

    def label(self) -> str:
        return f"{self.name}:{self.value[:60]}"


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)
    cards: int = 0
    vobject_failures: list[str] = field(default_factory=list)

    def total(self) -> int:
        return sum(self.counts[o] for o in OUTCOMES)

    def kept_share(self) -> float:
        total = self.total()
        return (self.counts["kept"] + self.counts["equivalent"]) / total if total else 1.0


# --- canonical forms ---------------------------------------------------------------------------------------------


_STRUCTURED = frozenset({"N", "ADR", "ORG", "GENDER", "CLIENTPIDMAP", "X-ABADR"})


def _components(value: str, name: str = "N") -> tuple[str, ...]:
    """A structured value as its unescaped components (trailing empty ones dropped); any other value as one."""
    if name not in _STRUCTURED:
        return (unescape(value).strip(),)
    parts = [unescape(p).strip() for p in split_escaped(value, ";")]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return tuple(parts)


def _params(params: dict[str, list[str]], drop: Iterable[str] = ()) -> tuple[tuple[str, tuple[str, ...]], ...]:
    dropped = set(drop)
    out = []
    for key, values in params.items():
        if key in dropped:
            continue
        flat = sorted({v.strip().lower() for value in values for v in value.split(",") if v.strip()})
        if flat:
            out.append((key, tuple(flat)))
    return tuple(sorted(out))


def exact_key(p: Prop) -> tuple[object, ...]:
    return (p.name, _components(p.value, p.name), _params(p.params))


def _binary(p: Prop) -> bytes | None:
    if p.binary is not None:
        return p.binary
    value = unescape(p.value.strip()) if p.value.lower().lstrip().startswith("data") else p.value.strip()
    if value.lower().startswith("data:"):
        header, _, payload = value.partition(",")
        if ";base64" in header.lower():
            return decode_base64_lenient(payload)
        return urllib.parse.unquote_to_bytes(payload)
    return None


def equivalent_key(p: Prop) -> tuple[object, ...]:
    """The property with every documented equivalence applied (see EQUIVALENCES)."""
    name, params = p.name, {k: list(v) for k, v in p.params.items()}
    if name.startswith(ALTERNATIVE_PREFIX) and "ALTID" in params:
        name = name[len(ALTERNATIVE_PREFIX) :]
    types = [t for v in params.get("TYPE", []) for t in v.split(",")]
    pref = any(t.strip().lower() == "pref" for t in types) or params.get("PREF", [""])[0].strip() == "1"
    if "TYPE" in params:
        params["TYPE"] = [t for t in types if t.strip().lower() != "pref"]
    params.pop("PREF", None) if params.get("PREF", [""])[0].strip() == "1" else None
    drop = {"LABEL"} if name == "ADR" else set()
    value: object = _components(p.value, name)
    if name in _BINARY or name in ("RELATED", "URL"):
        drop.add("VALUE")  # VALUE=uri / VALUE=text where the value shows which it is
    binary = _binary(p) if name in _BINARY or "ENCODING" in params or p.value.lower().startswith("data:") else None
    if binary is not None:
        return (name, "binary", binary)
    if name in _IM_SCHEMES:
        handle = unescape(p.value).strip()
        if ":" not in handle:
            handle = f"{_IM_SCHEMES[name]}:{handle}"
        name, value = "IMPP", handle.lower()
    elif name == "IMPP":
        value = unescape(p.value).strip().lower()
    if name in _DATES:
        name = "ANNIVERSARY" if "ANNIVERSARY" in name else name
        parsed = parse_partial_date(unescape(p.value))
        if parsed is not None:
            omit = params.get("X-APPLE-OMIT-YEAR", [""])[0]
            year = None if parsed.year in (1604, int(omit) if omit.isdigit() else -1) else parsed.year
            value = (year, parsed.month, parsed.day)
            drop |= {"VALUE", "X-APPLE-OMIT-YEAR"}
    if name in ("GENDER", "X-GENDER"):
        text = unescape(p.value).strip().rstrip(";")
        name, value = "GENDER", {"male": "m", "female": "f"}.get(text.lower(), text.lower())
    if name == "X-ABSHOWAS" and p.value.strip().upper() == "COMPANY":
        name = "KIND"
    if name == "KIND":
        value = "org" if p.value.strip().lower() in ("org", "organization", "company") else p.value.strip().lower()
    if name == "TEL":
        text = unescape(p.value).strip()
        value = text[4:] if text.lower().startswith("tel:") else text
        drop.add("VALUE")
    if name == "X-ABLABEL":
        value = ablabel_text(p.value)
    if name == "PROFILE":
        value = p.value.strip().upper()
    return (name, value, _params(params, drop), pref)


def _label_props(props: Sequence[Prop]) -> list[tuple[str, frozenset[str]]]:
    """Address labels, as a LABEL property or as ADR;LABEL=: (text, types)."""
    out = []
    for p in props:
        types = frozenset(t.strip().lower() for v in p.params.get("TYPE", []) for t in v.split(",") if t.strip())
        types -= {"pref"}
        if p.name == "LABEL":
            out.append((unescape(p.value).strip(), types))
        elif p.name == "ADR":
            out += [(label.strip(), types) for label in p.params.get("LABEL", [])]
    return out


def comparable_extras(extras: Iterable[ExtraProperty], version: str) -> frozenset[tuple[object, ...]]:
    """Unmodelled properties as a round trip through ``version`` must give them back: binary ones by their bytes
    (ENCODING=b, BASE64 or a data: URI), without a second N or FN that is no ALTID alternative (never written)."""
    out: set[tuple[object, ...]] = set()
    for e in extras:
        altid = any(k == "ALTID" for k, _ in e.params)
        if e.name.upper() in ("N", "FN") and not altid:
            continue
        prop = Prop(e.name.upper(), {k: list(v) for k, v in e.params}, e.value)
        if e.value.lower().startswith("data:"):
            out.add((e.name.upper(), e.group.lower(), "binary", _binary(prop)))
        elif "ENCODING" in prop.params:
            out.add((e.name.upper(), e.group.lower(), "binary", decode_base64_lenient(e.value)))
        else:
            value = e.value.strip().upper() if e.name.upper() == "PROFILE" else e.value
            out.add((e.name.upper(), e.group.lower(), value, _params(prop.params)))
    return frozenset(out)


# --- one card ----------------------------------------------------------------------------------------------------


def lex(card_text: str) -> list[Prop]:
    props, _ = read_content_lines(split_physical_lines(card_text))
    return [Prop.of(p) for p in props]


def _is_empty(p: Prop) -> bool:
    return p.binary is None and not any(_components(p.value, p.name))


def compare(
    before: Sequence[Prop],
    after: Sequence[Prop],
    version: str,
    tally: Tally,
    where: str,
    refused: frozenset[int] = frozenset(),
) -> None:
    pool = list(after)
    used = [False] * len(pool)
    exact = [exact_key(p) for p in pool]
    equivalent = [equivalent_key(p) for p in pool]
    labels_after = _label_props(pool)
    tags_after = {
        unescape(t).strip().casefold() for p in pool if p.name == "CATEGORIES" for t in split_escaped(p.value, ",")
    }

    def take(keys: list[tuple[object, ...]], key: tuple[object, ...]) -> bool:
        for i, k in enumerate(keys):
            if not used[i] and k == key:
                used[i] = True
                return True
        return False

    for index, p in enumerate(before):
        if p.name in _SKIPPED or _is_empty(p):
            continue
        if index in refused:
            tally.counts["refused"] += 1
            tally.details.append(f"{where} [{version}] refused at import (reported): {p.label()}")
            continue
        outcome = _outcome(p, take, exact, equivalent, labels_after, tags_after, pool, used, version)
        tally.counts[outcome] += 1
        if outcome != "kept" and outcome != "equivalent":
            tally.details.append(f"{where} [{version}] {outcome}: {p.label()}")


def _outcome(
    p: Prop,
    take: object,
    exact: list[tuple[object, ...]],
    equivalent: list[tuple[object, ...]],
    labels_after: list[tuple[str, frozenset[str]]],
    tags_after: set[str],
    pool: Sequence[Prop],
    used: list[bool],
    version: str,
) -> str:
    assert callable(take)
    if p.name == "CATEGORIES":
        tags = {unescape(t).strip().casefold() for t in split_escaped(p.value, ",")} - {""}
        if not tags:
            return "kept"
        return "equivalent" if tags <= tags_after else "lost"
    if p.name == "LABEL":
        (label,) = _label_props([p])
        if label in labels_after:
            return "kept" if version == "3.0" else "equivalent"
        return "lost"
    label_ok = all(label in labels_after for label in _label_props([p])) if p.name == "ADR" else True
    if take(exact, exact_key(p)):
        return "kept" if label_ok else "changed"
    if take(equivalent, equivalent_key(p)):
        return "equivalent" if label_ok else "changed"
    if p.name in ("GENDER", "X-GENDER") and equivalent_key(p)[:2] in {k[:2] for k in equivalent}:
        return "equivalent"  # GENDER and X-GENDER saying the same thing are one GENDER in 4.0
    if p.name == "KIND" and p.value.strip().lower() == "individual" and not any(q.name == "KIND" for q in pool):
        return "equivalent"
    same_name = {p.name, equivalent_key(p)[0]}
    for i, q in enumerate(pool):
        if not used[i] and (q.name in same_name or equivalent[i][0] in same_name):
            used[i] = True
            return "changed"
    return "lost"


def _stored(nd: NetDesk, contacts: Sequence[ContactDTO]) -> list[ContactDTO]:
    """The contacts as the database gives them back (inside a transaction that is rolled back): one batch per file,
    one by one when a file holds the same UID twice."""
    stored = [without_redundant_fn(c) for c in contacts]
    batches = [stored] if len({c.uid for c in stored}) == len(stored) else [[c] for c in stored]
    out: list[ContactDTO] = []
    with nd.sessions() as s:
        for batch in batches:
            out += repo.load_dtos(s, bulk_insert_contacts(s, batch))
            s.rollback()
    return out


def _vobject_round_trip(text: str) -> str | None:
    """None when vobject reads the card, writes it and reads it again; else why not."""
    try:
        first = vobject.readOne(text)
        for child in first.getChildren():
            _ = child.value
        again = vobject.readOne(first.serialize())
        for child in again.getChildren():
            _ = child.value
    except Exception as exc:  # vobject raises many kinds
        return f"{type(exc).__name__}: {exc}"
    return None


def measure(paths: Iterable[Path], nd: NetDesk) -> dict[str, Tally]:
    tallies = {v: Tally() for v in VERSIONS}
    for path in paths:
        cards: list[tuple[str, ContactDTO, list[Prop], frozenset[int]]] = []
        for line, card_text in split_cards(decode_vcard_bytes(path.read_bytes())):
            where = f"{path.relative_to(PEER) if path.is_relative_to(PEER) else path}:{line}"
            try:
                contact, problems = parse_card_text_checked(card_text)
            except ValueError:
                continue  # a card that is skipped on import (reported there) has nothing to keep
            lexed, _ = read_content_lines(split_physical_lines(card_text))
            # A value with control characters is kept without them (both sides are lexed the same way): compared.
            # So is a PHOTO that is not an image: kept as written (an unmodelled property), not shown.
            problem_lines = {
                offset
                for offset, reason in problems
                if not reason.startswith("control characters") and not reason.endswith("kept as written, not shown")
            }
            refused = frozenset(i for i, p in enumerate(lexed) if p.offset in problem_lines)
            cards.append((where, contact, [Prop.of(p) for p in lexed], refused))
        stored = _stored(nd, [contact for _, contact, _, _ in cards])
        for (where, _, before, refused), contact in zip(cards, stored, strict=True):
            for version in VERSIONS:
                text = contact_to_vcard(contact, version)
                problem = _vobject_round_trip(text)
                if problem:
                    tallies[version].vobject_failures.append(f"{where}: {problem}")
                tallies[version].cards += 1
                compare(before, lex(text), version, tallies[version], where, refused)
    return tallies


def corpus_files() -> list[Path]:
    return sorted(PEER.rglob("*.vcf"))


def run(paths: Sequence[Path]) -> dict[str, Tally]:
    with tempfile.TemporaryDirectory() as folder:
        nd = open_netdesk(Path(folder) / "fidelity.sqlite3")
        try:
            return measure(paths, nd)
        finally:
            nd.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--details", action="store_true", help="list every property changed or lost")
    args = parser.parse_args(argv)
    paths = args.paths or corpus_files()
    tallies = run(paths)
    print(f"{len(paths)} files")
    for version, tally in tallies.items():
        counts = ", ".join(f"{tally.counts[o]} {o}" for o in OUTCOMES)
        print(
            f"vCard {version}: {tally.cards} cards, {tally.total()} properties: {counts}; "
            f"kept or equivalent {tally.kept_share():.2%}; vobject round trip failed for "
            f"{len(tally.vobject_failures)} cards"
        )
        if args.details:
            for line in [*tally.details, *tally.vobject_failures]:
                print("   ", line)
    bad = any(t.counts["changed"] or t.counts["lost"] or t.vobject_failures for t in tallies.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
