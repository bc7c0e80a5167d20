"""Whole-network JSON benchmark: export time and peak memory, and the byte-for-byte round trip.

    python tests/benchmarks/bench_network_json.py                # 100,000 contacts, 1,000,000 interactions
    python tests/benchmarks/bench_network_json.py --smoke        # tiny size, for CI
    python tests/benchmarks/bench_network_json.py --contacts 20000 --interactions 200000

Target: the export of 100,000 contacts and 1,000,000 interactions takes at most 10 s, and streams: its peak memory
does not grow with the network. Each export runs in its own process (so that its peak resident memory is its own)
on the full network and on a network a tenth of the size; the ratio of the two peaks must stay near 1. The anchor
is reading the same rows with a bare SELECT in the same process. Then the file is imported into an empty database,
exported again and compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_networking import build_network_db
from common import bench_db_path, report_line

TARGET_S = 10.0
MEMORY_RATIO_MAX = 1.3
DATA_VERSION = 4  # this script's own cache files (never another benchmark's: opening one would migrate it)


def _export_child(db: str, out: str) -> None:
    """Run in a child process: export, then time a bare read of the same rows; print the figures as JSON."""
    import sqlite3

    from netdesk.services import open_netdesk
    from netdesk.services.network_json import network_tables

    nd = open_netdesk(db)
    start = time.perf_counter()
    counts = nd.network.export(Path(out))
    export_s = time.perf_counter() - start
    peak_export = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    nd.close()
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    rows = 0
    for table in network_tables():
        cursor = conn.execute(f'SELECT * FROM "{table.name}"')
        while batch := cursor.fetchmany(2000):
            rows += len(batch)
    read_s = time.perf_counter() - start
    conn.close()
    figures = {"export_s": export_s, "read_s": read_s, "rows": rows, "counts": counts.rows, "peak_kb": peak_export}
    print(json.dumps(figures))


def _run_export(db: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(out)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _database(contacts: int, interactions: int) -> Path:
    path = bench_db_path(f"network-json-v{DATA_VERSION}-{contacts}-{interactions}.sqlite3")
    build_network_db(path, contacts, interactions)
    from netdesk.services import open_netdesk

    open_netdesk(path).close()  # at the current schema before any timing
    return path


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        _export_child(sys.argv[2], sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--no-round-trip", action="store_true", help="skip the import and second export")
    args = parser.parse_args(argv)
    contacts, interactions = (400, 4000) if args.smoke else (args.contacts, args.interactions)

    started = time.perf_counter()
    big = _database(contacts, interactions)
    small = _database(contacts // 10, interactions // 10)
    print(f"databases ready in {time.perf_counter() - started:.1f} s")

    with tempfile.TemporaryDirectory(dir=big.parent) as folder:
        out = Path(folder) / "network.json"
        small_run = _run_export(small, Path(folder) / "small.json")
        run = _run_export(big, out)
        assert run["counts"]["contacts"] == contacts and run["counts"]["interactions"] == interactions, run["counts"]
        size_mb = out.stat().st_size / 1e6
        print(f"{run['rows']} rows, {size_mb:.0f} MB written")
        target = None if args.smoke else TARGET_S
        print(report_line("export of the whole network", run["export_s"], "s", target))
        print(report_line("bare SELECT of the same rows (anchor)", run["read_s"], "s"))
        print(f"ratio export / anchor: {run['export_s'] / max(run['read_s'], 1e-9):.1f}")
        ratio = run["peak_kb"] / small_run["peak_kb"]
        print(
            f"peak memory: {run['peak_kb'] / 1024:.0f} MB for the network, {small_run['peak_kb'] / 1024:.0f} MB for "
            f"one a tenth of its size (ratio {ratio:.2f}, at most {MEMORY_RATIO_MAX})"
        )
        ok = ratio <= MEMORY_RATIO_MAX and (target is None or run["export_s"] <= target)
        if not args.no_round_trip:
            from netdesk.services import open_netdesk

            copy = Path(folder) / "copy.sqlite3"
            nd = open_netdesk(copy)
            start = time.perf_counter()
            nd.network.import_file(out)
            import_s = time.perf_counter() - start
            nd.network.export(Path(folder) / "again.json")
            nd.close()
            same = (Path(folder) / "again.json").read_bytes() == out.read_bytes()
            print(report_line("import of the same file into an empty database", import_s, "s"))
            print(f"round trip byte for byte: {'identical' if same else 'DIFFERENT'}")
            ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
