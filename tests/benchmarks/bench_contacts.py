"""Contact list benchmark: start-up to window shown, search latency and peak memory on a large database.

python tests/benchmarks/bench_contacts.py                # 100,000 contacts (targets from the foundation issue)
python tests/benchmarks/bench_contacts.py --smoke        # tiny size, for CI
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from common import bench_db_path, build_contact_db, median, percentile, report_line, time_calls

QUERIES = [
    "mar",
    "müller",
    "jonas",
    "northwind",
    "cto",
    "engineer",
    "sofia garc",
    "lisbon",
    "fintech",
    "mentor",
    "ana",
    "kim",
    "hansen",
    "blue harbor",
    "product manager",
    "@kestrelhealth",
    "+49 30",
    "zürich",
    "o'brien",
    "yamamoto",
    "data sci",
    "ingrid",
    "lumen",
    "recruit",
    "thandiwe",
    "greenline energy",
    "oslo",
    "founder",
]


def measure_startup(db: str) -> tuple[float, float, float]:
    """Seconds from process start to the window shown with the list loaded, and the process's peak RSS (MB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NETDESK_REPORT_STARTUP": "1"}
    start = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", db, "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"smoke start failed: {result.stderr}")
    shown = [line for line in result.stderr.splitlines() if line.startswith("window-shown-at=")]
    loaded = [line for line in result.stderr.splitlines() if line.startswith("list-loaded-at=")]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    shown_at = float(shown[-1].split("=")[1]) if shown else float("nan")
    loaded_at = float(loaded[-1].split("=")[1]) if loaded else float("nan")
    return shown_at - start, loaded_at - start, peak_mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    count = 300 if args.smoke else args.contacts

    from netdesk.services import open_netdesk

    db = bench_db_path(f"contacts-{count}.sqlite3")
    t0 = time.perf_counter()
    build_contact_db(db, count)
    print(f"database: {db} ({count:,} contacts, ready in {time.perf_counter() - t0:.1f} s)")

    nd = open_netdesk(db)
    nd.contacts.match_ids("warm up")
    # What the list does while the user types: the set of matching ids (the list holds its rows sorted).
    latencies = [t * 1000 for q in QUERIES for t in time_calls(lambda q=q: nd.contacts.match_ids(q), 3)]
    ordered = [t * 1000 for q in QUERIES for t in time_calls(lambda q=q: nd.contacts.search_ids(q), 1)]
    rows_ms = median(time_calls(nd.contacts.rows, 3)) * 1000
    nd.close()

    shown_s, loaded_s, peak_mb = measure_startup(str(db))
    print(report_line("start-up to window shown", shown_s * 1000, "ms", 1500))
    print(report_line("start-up to list loaded", loaded_s * 1000, "ms"))
    print(report_line("search latency median", median(latencies), "ms"))
    print(report_line("search latency p95", percentile(latencies, 95), "ms", 50))
    print(report_line("ordered search (CLI) p95", percentile(ordered, 95), "ms"))
    print(report_line("full list query (all rows)", rows_ms, "ms"))
    print(report_line("peak memory of the app", peak_mb, "MB", 400))
    return 0


if __name__ == "__main__":
    sys.exit(main())
