"""Importing a 1,000,000-card vCard file (~50 MB): peak memory bounded by design, time linear in the file's size.

    python tests/benchmarks/bench_vcard_million.py                 # 100,000 then 1,000,000 cards
    python tests/benchmarks/bench_vcard_million.py --smoke         # tiny run for CI

Each import runs as ``netdesk import`` would, in a process of its own (so each peak is its own), into a fresh
database. The peak is the largest resident memory of that process plus its parse workers, sampled every 20 ms from
/proc, and checked against the process's own ru_maxrss. Targets (issue 12): at most 400 MB at 1,000,000 cards, and
the time per card at 1,000,000 at most 1.25x the time per card at 100,000 (the anchor, measured in the same run).

The cards are small (a name each, ~50 bytes, as in the file the issue measured); every card is a different person.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import REPO_ROOT, assert_size, describe_size, record, syllables

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n"


def write_cards(path: Path, count: int) -> int:
    """A file of ``count`` one-name cards; its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, count, 10_000):
            out.write("".join(CARD.format(name=syllables(i)) for i in range(start, min(count, start + 10_000))))
    return path.stat().st_size


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_kb(p)
        stack += _children(p)
    return total


IMPORTER = """
import json, resource, sys, time
from pathlib import Path
from netdesk.services import open_netdesk
nd = open_netdesk(Path(sys.argv[2]))
start = time.perf_counter()
report = nd.imports.import_paths([Path(sys.argv[1])]).value
seconds = time.perf_counter() - start
count = nd.contacts.count()
nd.close()
print(json.dumps({"seconds": seconds, "count": count, "created": len(report.created), "errors": len(report.errors),
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def import_in_process(cards: Path, database: Path) -> dict[str, float]:
    """Run one import in a child process; its result plus the peak of its process tree's memory."""
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(cards), str(database)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(child.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"the import of {cards.name} failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = max(peak, result["maxrss_kb"]) / 1024
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    large = 3_000 if args.smoke else args.cards
    small = large // 10

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (small, large):
            cards = Path(tmp) / f"cards-{count}.vcf"
            size = write_cards(cards, count)
            result = import_in_process(cards, Path(tmp) / f"import-{count}.sqlite3")
            assert_size(f"contacts imported from {count:,} cards", int(result["count"]), count)
            assert_size("contacts the report lists as created", int(result["created"]), count)
            if result["errors"]:
                raise SystemExit(f"{result['errors']} problems reported importing {count:,} generated cards")
            results[count] = (result, size)
            print(
                f"{count:,} cards ({size / 1e6:.1f} MB): {result['seconds']:.1f} s, "
                f"{result['seconds'] / count * 1e6:.1f} µs per card, peak {result['peak_mb']:.0f} MB",
                flush=True,
            )
            cards.unlink()
    (small_result, _), (large_result, large_size) = results[small], results[large]
    describe_size(f"{large:,} cards ({large_size / 1e6:.1f} MB)")
    record("vCard import peak memory", large_result["peak_mb"], "MB", target=400)
    record(
        "vCard import time per card",
        large_result["seconds"] / large * 1e6,
        "µs",
        anchor=f"the same at {small:,} cards",
        anchor_value=small_result["seconds"] / small * 1e6,
        target_ratio=1.25,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
