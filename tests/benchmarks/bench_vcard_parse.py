"""Time NetDesk's vCard reader against plain vobject on generated, realistic cards.

    python tests/benchmarks/bench_vcard_parse.py --cards 10000 [--workers N] [--photos]

Prints the time of ``list(vobject.readComponents(text))`` (which only tokenises lazily-typed
components, so it is vobject's cheapest full pass), the time of ``read_vcard_bytes`` (split, parse
to ContactDTOs, in a process pool above the parallel threshold), and their ratio.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import vobject

from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_bytes

GIVEN = ["Ada", "Grace", "Linus", "Margaret", "Émile", "Søren", "Zoë", "José", "Yuki", "Olu", "Priya", "Chen"]
FAMILY = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Durkheim", "Kierkegaard", "Müller", "García", "Tanaka"]
ORGS = ["Analytical Engines Ltd", "Navy Research", "Kernel Org", "Apollo Software", "Acme, Inc."]
CITIES = [("Berlin", "10115", "Germany"), ("Austin", "78701", "USA"), ("Lyon", "69001", "France")]


def make_card(i: int, rng: random.Random, photo: bytes | None) -> str:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    org = rng.choice(ORGS).replace(",", "\\,")
    city, code, country = rng.choice(CITIES)
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
    ]
    if photo is not None:
        encoded = base64.b64encode(photo).decode("ascii")
        first, rest = encoded[:60], encoded[60:]
        lines.append("PHOTO;ENCODING=b;TYPE=JPEG:" + first)
        lines += [" " + rest[k : k + 74] for k in range(0, len(rest), 74)]
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--photos", action="store_true", help="give every tenth card a 6 KB photo")
    parser.add_argument("--no-vobject", action="store_true", help="skip the plain vobject baseline (large runs)")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    if args.smoke:
        args.cards = 50

    rng = random.Random(42)
    photo = b"\xff\xd8\xff\xe0" + bytes(rng.getrandbits(8) for _ in range(6000)) if args.photos else None
    text = "".join(make_card(i, rng, photo if i % 10 == 0 else None) for i in range(args.cards))
    data = text.encode("utf-8")
    print(f"{args.cards} cards, {len(data) / 1e6:.1f} MB")

    vobject_seconds = float("nan")
    if not args.no_vobject:
        start = time.perf_counter()
        components = list(vobject.readComponents(text))
        vobject_seconds = time.perf_counter() - start
        print(f"vobject.readComponents:   {vobject_seconds:7.2f} s  ({len(components)} cards)")

    report = ImportReport()
    start = time.perf_counter()
    contacts = read_vcard_bytes(data, "bench.vcf", report, workers=args.workers)
    ours_seconds = time.perf_counter() - start
    print(f"netdesk read_vcard_bytes: {ours_seconds:7.2f} s  ({len(contacts)} contacts, {len(report.errors)} errors)")
    print(f"ratio parse/vobject:      {ours_seconds / vobject_seconds:7.2f}")

    # The whole import, as the app and `netdesk import` run it: parse, match, write, index, in one transaction.
    from netdesk.services import open_netdesk

    with tempfile.TemporaryDirectory() as tmp:
        card_file = Path(tmp) / "bench.vcf"
        card_file.write_bytes(data)
        nd = open_netdesk(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        imported = nd.imports.import_paths([card_file]).value
        import_seconds = time.perf_counter() - start
        count = nd.contacts.count()
        nd.close()
    print(f"whole import:             {import_seconds:7.2f} s  ({imported.summary()})")
    print(f"ratio import/vobject:     {import_seconds / vobject_seconds:7.2f} (target: at most 1.0)")
    return 0 if len(contacts) == args.cards == count and not report.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
