"""Whole LinkedIn import (parse, match, write, index) of a generated export into a fresh database.

    python tests/benchmarks/bench_linkedin_import.py                  # 30,000 connections + 50,000 messages
    python tests/benchmarks/bench_linkedin_import.py --smoke          # tiny run for CI

Anchor, measured in the same run: the floor of any import of that ZIP, Python's csv module reading each member
plus one SQLite ``executemany`` per file into a fresh database. Target (issue 12): the whole import at most 4x
the floor. Also times a second import of the same export against the first, which must write nothing (not a page).
"""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_linkedin_parse import make_export
from common import assert_size, describe_size, record


def csv_executemany_floor(export: Path, database: Path) -> tuple[float, dict[str, int]]:
    """Seconds to read every CSV member of ``export`` with csv.reader and store each with one executemany."""
    start = time.perf_counter()
    counts = {}
    connection = sqlite3.connect(database)
    with zipfile.ZipFile(export) as archive:
        for number, member in enumerate(archive.namelist()):
            with archive.open(member) as raw:
                rows = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")))
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            columns = ", ".join(f"c{i}" for i in range(width))
            connection.execute(f"CREATE TABLE t{number} ({columns})")
            marks = ", ".join("?" * width)
            connection.executemany(f"INSERT INTO t{number} VALUES ({marks})", rows)
            counts[member] = len(rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - start, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    connections, messages = (200, 300) if args.smoke else (args.connections, args.messages)

    from netdesk.services import open_netdesk

    describe_size(f"{connections:,} connections + {messages:,} messages")
    with tempfile.TemporaryDirectory() as tmp:
        export = make_export(Path(tmp), connections, messages)
        floor_s, rows = csv_executemany_floor(export, Path(tmp) / "floor.sqlite3")
        nd = open_netdesk(Path(tmp) / "bench.sqlite3")
        start, cpu = time.perf_counter(), time.process_time()
        report = nd.imports.import_paths([export]).value
        first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        watcher = sqlite3.connect(Path(tmp) / "bench.sqlite3")  # sees every transaction that wrote a page
        version = watcher.execute("PRAGMA data_version").fetchone()[0]
        start, cpu = time.perf_counter(), time.process_time()
        again = nd.imports.import_paths([export]).value
        second, second_cpu = time.perf_counter() - start, time.process_time() - cpu
        wrote = watcher.execute("PRAGMA data_version").fetchone()[0] != version
        watcher.close()
        people = nd.contacts.count()
        nd.close()
    print(f"{connections:,} connections, {messages:,} messages: {report.summary()}")
    # Every generated connection is a different person, and the floor read every line the import did.
    assert_size("contacts after the import", people, connections)
    assert_size("interactions stored", report.interactions_added, connections + messages + min(connections, 2000))
    print(f"floor read {sum(rows.values()):,} CSV lines")
    record("LinkedIn import", first, "s", anchor="csv + executemany", anchor_value=floor_s, target_ratio=4)
    record("re-import of the same export", second, "s", anchor="the first import", anchor_value=first)
    # On a shared machine the wall times swing with the load; the process's CPU time much less.
    print(f"CPU time of this process: first import {first_cpu:.2f} s, re-import {second_cpu:.2f} s")
    if again.created or again.interactions_added or wrote:
        print("re-import wrote to the database: " + again.summary(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
