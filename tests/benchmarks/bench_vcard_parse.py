"""Time NetDesk's vCard import against vobject's own parse of the same file, on cards like real exports.

    python tests/benchmarks/bench_vcard_parse.py --cards 10000 [--workers N] [--no-photos]

The cards look like an address book exported from a phone or Apple Contacts: 3.0 cards with ``itemN.`` groups
and X-ABLabel, X- properties (X-SOCIALPROFILE, X-ABShowAs, X-ANDROID-CUSTOM), every tenth one with a 6 KB
photo folded over many lines, an organisation card now and then; every card is a different person.

Anchor, measured in the same run: ``list(vobject.readComponents(text))``, vobject's cheapest full pass (it
tokenises and leaves components lazily typed). Figures: ``read_vcard_bytes`` (split, parse to ContactDTOs, in a
process pool above the parallel threshold) and the whole import into a fresh database (parse, match, write,
index). Target (issue 12): the whole import at most 0.5x the anchor.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import vobject
from common import assert_size, describe_size, record, report_line, syllables

from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_bytes

GIVEN = ["Ada", "Grace", "Linus", "Margaret", "Émile", "Søren", "Zoë", "José", "Yuki", "Olu", "Priya", "Chen"]
FAMILY = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Durkheim", "Kierkegaard", "Müller", "García", "Tanaka"]
ORGS = ["Analytical Engines Ltd", "Navy Research", "Kernel Org", "Apollo Software", "Acme, Inc."]
CITIES = [("Berlin", "10115", "Germany"), ("Austin", "78701", "USA"), ("Lyon", "69001", "France")]


def make_card(i: int, rng: random.Random, photo: bytes | None) -> str:
    given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)}-{syllables(i)}"
    org = rng.choice(ORGS).replace(",", "\\,")
    city, code, country = rng.choice(CITIES)
    if i % 50 == 49:  # an organisation's own card, as Apple Contacts writes it
        return (
            "\r\n".join(
                [
                    "BEGIN:VCARD",
                    "VERSION:3.0",
                    f"UID:bench-{i:06d}",
                    f"FN:{family} {org}",
                    "N:;;;;",
                    f"ORG:{family} {org};",
                    "X-ABShowAs:COMPANY",
                    f"item1.TEL;type=pref:+44 20 {i:08d}",
                    "item1.X-ABLabel:_$!<Main>!$_",
                    f"item2.URL;type=pref:https://{family.lower()}.example.com",
                    "item2.X-ABLabel:_$!<HomePage>!$_",
                    "END:VCARD",
                ]
            )
            + "\r\n"
        )
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:bench-{i:06d}",
        f"FN:{given} {family}",
        f"N:{family};{given};;;",
        f"ORG:{org};Research",
        "TITLE:Engineer",
        f"item1.EMAIL;TYPE=INTERNET,pref:{given.lower()}.{i}@example.com",
        "item1.X-ABLabel:_$!<Other>!$_",
        f"EMAIL;TYPE=INTERNET,WORK:{family.lower()}{i}@work.example",
        f"TEL;TYPE=CELL,VOICE:+49 170 {i:07d}",
        f"TEL;TYPE=WORK:+1 512 {i:07d}",
        f"ADR;TYPE=HOME:;;{i} Main Street;{city};;{code};{country}",
        f"BDAY:19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "NOTE:Met at the conference\\, talked about compilers.\\nFollow up in spring.",
        "CATEGORIES:friends,work",
        "URL:https://example.com/people/" + str(i),
        "X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/user" + str(i),
        f"item2.X-ABDATE;type=pref:20{rng.randint(10, 24)}-05-17",
        "item2.X-ABLabel:_$!<Anniversary>!$_",
        f"item3.X-ABRELATEDNAMES:{rng.choice(GIVEN)}",
        "item3.X-ABLabel:_$!<Spouse>!$_",
        "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;" + given + ";1;;;;;;;;;;;;;",
        f"REV:2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T10:00:00Z",
    ]
    if photo is not None:
        encoded = base64.b64encode(photo).decode("ascii")
        first, rest = encoded[:60], encoded[60:]
        lines.append("PHOTO;ENCODING=b;TYPE=JPEG:" + first)
        lines += [" " + rest[k : k + 74] for k in range(0, len(rest), 74)]
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the import's parse workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def reap_workers(timeout: float = 30.0) -> None:
    """Wait until the import's worker processes have exited (the import does not wait for them)."""
    deadline = time.monotonic() + timeout
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--no-photos", action="store_true", help="no photos (by default every tenth card has one)")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.cards = 50

    rng = random.Random(42)
    photo = None if args.no_photos else b"\xff\xd8\xff\xe0" + bytes(rng.getrandbits(8) for _ in range(6000))
    text = "".join(make_card(i, rng, photo if i % 10 == 0 else None) for i in range(args.cards))
    data = text.encode("utf-8")
    describe_size(f"{args.cards:,} cards ({len(data) / 1e6:.1f} MB)")
    print(f"{args.cards:,} cards, {len(data) / 1e6:.1f} MB")

    start, cpu_start = time.perf_counter(), cpu_seconds()
    components = list(vobject.readComponents(text))
    vobject_seconds = time.perf_counter() - start
    vobject_cpu = cpu_seconds() - cpu_start
    assert_size("cards vobject read", len(components), args.cards)
    del components

    report = ImportReport()
    start = time.perf_counter()
    contacts = read_vcard_bytes(data, "bench.vcf", report, workers=args.workers)
    parse_seconds = time.perf_counter() - start
    assert_size("contacts NetDesk read", len(contacts), args.cards)
    del contacts

    # The whole import, as the app and `netdesk import` run it: parse, match, write, index, in one transaction.
    from netdesk.services import open_netdesk

    with tempfile.TemporaryDirectory() as tmp:
        card_file = Path(tmp) / "bench.vcf"
        card_file.write_bytes(data)
        nd = open_netdesk(Path(tmp) / "bench.sqlite3")
        reap_workers()
        start, cpu_start = time.perf_counter(), cpu_seconds()
        imported = nd.imports.import_paths([card_file]).value
        import_seconds = time.perf_counter() - start
        reap_workers()
        import_cpu = cpu_seconds() - cpu_start
        count = nd.contacts.count()
        nd.close()
    print(f"whole import: {imported.summary()}")
    assert_size("contacts in the database", count, args.cards)
    anchor = "vobject.readComponents"
    record("vCard read to ContactDTOs", parse_seconds, "s", anchor=anchor, anchor_value=vobject_seconds)
    record("vCard import", import_seconds, "s", anchor=anchor, anchor_value=vobject_seconds, target_ratio=0.5)
    # On a shared machine the wall-clock ratio depends on how much of the two cores this run gets; the CPU time of
    # every process of the import (its parse workers included) against vobject's says what the work costs.
    record("vCard import CPU, all processes", import_cpu, "s", anchor="vobject CPU", anchor_value=vobject_cpu)
    print(report_line("cards per second, whole import", args.cards / import_seconds, "cards/s"))
    return 0 if not report.errors and not imported.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
