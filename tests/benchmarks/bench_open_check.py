"""Damage detection on open: PRAGMA quick_check (every open) and integrity_check (daily) on a large database.

python tests/benchmarks/bench_open_check.py              # 100,000 contacts; target: quick_check at most 300 ms
python tests/benchmarks/bench_open_check.py --smoke      # tiny size, for CI

Anchor: reading the whole file once (what any check must at least do), measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from pathlib import Path

from common import bench_db_path, median, report_line


def build_unique_db(path: Path, count: int) -> None:
    """``count`` invented people who all stay apart (unique UIDs and emails), cached per size and schema."""
    from netdesk.core.model import ContactPoint
    from netdesk.io.report import ImportReport
    from netdesk.services import open_netdesk
    from netdesk.services.demo import generate_contacts

    if path.exists():
        return
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    nd = open_netdesk(tmp)
    people = (c for c in generate_contacts(count, seed=1, organizations=False))
    batch = []
    for i, c in enumerate(people):
        emails = tuple(ContactPoint(f"p{i}.{e.value}", e.label, e.pref) for e in c.emails)
        batch.append(c.replace(uid=f"open-check-{i}", emails=emails, phones=()))
        if len(batch) == 10_000:
            nd.imports.import_contacts(batch, ImportReport())
            batch = []
    nd.imports.import_contacts(batch, ImportReport())
    nd.close()
    tmp.rename(path)


def _read_file(path: Path) -> None:
    digest = hashlib.blake2b()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)


def _timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    count = 300 if args.smoke else args.contacts

    from netdesk.db.engine import LOCK_TIMEOUT_S
    from netdesk.db.health import check_existing_file, integrity_problem
    from netdesk.services import open_netdesk

    db = bench_db_path(f"open-check-unique-{count}.sqlite3")
    build_unique_db(db, count)
    open_netdesk(db).close()  # at the current schema, checkpointed
    with sqlite3.connect(db) as conn:
        live = conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert live == count, f"expected {count} contacts, found {live}"
    size_mb = db.stat().st_size / (1 << 20)
    print(f"database: {db} ({live:,} contacts, {size_mb:.0f} MB)")

    anchor_ms = _timed(lambda: _read_file(db), 5)
    quick_ms = _timed(lambda: check_existing_file(db, LOCK_TIMEOUT_S), 5)
    integrity_ms = _timed(lambda: integrity_problem(db), 1 if count > 1000 else 3)
    print(report_line("read the whole file once (anchor)", anchor_ms, "ms"))
    print(report_line("open check: quick_check + schema, median", quick_ms, "ms", 300))
    print(report_line("daily integrity_check", integrity_ms, "ms"))
    print(f"{'quick_check / anchor':<44} {quick_ms / anchor_ms:10.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
