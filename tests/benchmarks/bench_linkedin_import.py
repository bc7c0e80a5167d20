"""Whole LinkedIn import (parse, match, write, index) of a generated export into a fresh database.

    python tests/benchmarks/bench_linkedin_import.py                  # 30,000 connections + 50,000 messages
    python tests/benchmarks/bench_linkedin_import.py --smoke          # tiny run for CI

Target (LinkedIn issue): under 5 s on the 2-core test machine. Also times a second import of the same export,
which must add nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench_linkedin_parse import make_export
from common import report_line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    connections, messages = (200, 300) if args.smoke else (args.connections, args.messages)

    from netdesk.services import open_netdesk

    with tempfile.TemporaryDirectory() as tmp:
        export = make_export(Path(tmp), connections, messages)
        nd = open_netdesk(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        report = nd.imports.import_paths([export]).value
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = nd.imports.import_paths([export]).value
        second = time.perf_counter() - start
        nd.close()
    print(f"{connections:,} connections, {messages:,} messages: {report.summary()}")
    print(report_line("first import", first * 1000, "ms", None if args.smoke else 5000))
    print(report_line("re-import of the same export", second * 1000, "ms"))
    if again.created or again.interactions_added:
        print("re-import added data: " + again.summary(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
