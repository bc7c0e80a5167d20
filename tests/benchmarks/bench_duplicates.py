"""Find duplicates over a whole database: the duplicates review's scan (services/duplicates.py).

    python tests/benchmarks/bench_duplicates.py                 # 100,000 contacts, 200 planted duplicates
    python tests/benchmarks/bench_duplicates.py --smoke         # tiny run for CI

The database is the cached one of unique contacts (no two of them are duplicates) plus planted copies of some of
them, each written as a person would be in another address book: "Bob" for "Robert", a misspelt given name, the
email in capitals. The scan must find exactly the planted pairs (asserted).

Anchor, measured in the same run: the floor of any scan by these rules, reading every live person's names and every
email, phone and URL with plain sqlite3 into Python tuples. Target: the scan at most 4x that floor.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from common import assert_size, build_contact_db, contact_db_path, describe_size, median, record


def floor_read(path: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(
        "SELECT id, given_name, family_name, formatted_name, additional_name FROM contacts WHERE deleted_at IS NULL"
    ).fetchall()
    connection.execute(
        "SELECT kind, normalized, contact_id FROM contact_points WHERE kind IN ('email', 'phone', 'url')"
    ).fetchall()
    connection.close()
    return time.perf_counter() - start


def plant(nd: object, count: int) -> int:
    """Add ``count`` copies of existing people, each one near miss of its original; returns how many were added."""
    from netdesk.core.model import ContactKind, ContactPoint
    from netdesk.core.names import _DIMINUTIVES

    people = [r.id for r in nd.contacts.rows() if r.kind is ContactKind.PERSON]  # type: ignore[attr-defined]
    step = max(1, len(people) // count)
    added = 0
    for n, cid in enumerate(people[::step][:count]):
        c = nd.contacts.get(cid)  # type: ignore[attr-defined]
        if n % 2 == 0:  # the same email, its ASCII letters in capitals ("ı" has no capital of its own), another name
            shouted = "".join(ch.upper() if ch.isascii() else ch for ch in c.emails[0].value)
            copy = c.replace(given_name="Someone", emails=(ContactPoint(shouted),))
        else:  # a nickname of the given name where there is one, else a spelling variant
            short = _DIMINUTIVES.get(c.given_name.casefold(), "").split()
            copy = c.replace(given_name=short[0].title() if short else c.given_name + "a", emails=())
        nd.contacts.create(copy.replace(id=None, uid="", formatted_name="", phones=(), urls=(), nickname=""))  # type: ignore[attr-defined]
        added += 1
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=200)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    contacts, planted = (300, 12) if args.smoke else (args.contacts, args.planted)

    from netdesk.services import open_netdesk

    cached = contact_db_path(contacts)
    build_contact_db(cached, contacts)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "duplicates.sqlite3"
        shutil.copy(cached, db)
        nd = open_netdesk(db)
        added = plant(nd, planted)
        assert_size("planted duplicates", added, planted)
        assert_size("contacts", nd.contacts.count(), contacts + planted)
        describe_size(f"{contacts:,} contacts + {planted:,} planted duplicates")
        floors = [floor_read(db) for _ in range(3)]
        start = time.perf_counter()
        found = nd.duplicates.find().value
        scan = time.perf_counter() - start
        floors += [floor_read(db) for _ in range(2)]
        assert_size("pairs found", found, planted)
        start = time.perf_counter()
        again = nd.duplicates.find().value  # everything is known now: the cost of a scan with nothing new
        rescan = time.perf_counter() - start
        assert_size("pairs found again", again, 0)
        nd.close()
    floor = median(floors)
    record("find duplicates", scan, "s", anchor="plain sqlite3 read of names and points", anchor_value=floor,
           target_ratio=4)  # fmt: skip
    record("find duplicates, nothing new", rescan, "s", anchor="plain sqlite3 read of names and points",
           anchor_value=floor, target_ratio=4)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
