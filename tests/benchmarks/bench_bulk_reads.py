"""Bulk reads: `list --json` and `export` in every format against the floor, and their peak memory, at two sizes.

python tests/benchmarks/bench_bulk_reads.py                      # 100,000 and 10,000 unique contacts (issue 19)
python tests/benchmarks/bench_bulk_reads.py --smoke              # tiny sizes, for CI

The floor (the anchor, measured in the same run on the same database): a Python process that reads every row of
every data table with sqlite3 and json.dumps it all (photos as base64; the full-text index, derived from the
contacts, is left out). Each command runs as the user runs it (`python -m netdesk …`, start-up included); its time
is wall-clock, its memory the peak of the summed resident memory of its process and its worker processes, sampled
every 20 ms. The floor is measured again between the commands (the machine is shared and its load drifts over
a run of several minutes), and each ratio is against the mean of the floors measured just before and just after
it. Targets: `list --json` <= 2x the floor, every export <= 3x, peak memory <= 150 MB at 100,000 contacts and
flat from 10,000 to 100,000 (at most 15 MB more).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bulk_data import build_bulk_db
from common import bench_db_path, describe_size, record

FLOOR_SCRIPT = """
import base64, json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
tables = [name for (name,) in con.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'"
)]
size = 0
for table in tables:
    rows = [[base64.b64encode(v).decode() if isinstance(v, bytes) else v for v in row]
            for row in con.execute(f"SELECT * FROM {table}")]
    size += len(json.dumps(rows))
print(size)
"""

LIST_TARGET = 2.0
EXPORT_TARGET = 3.0
MEMORY_TARGET_MB = 150.0
FLAT_MB = 15.0
EXPORTS = ("vcard3", "vcard4", "vdir", "csv")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (Linux /proc), in KiB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_measured(args: list[str], stdout_path: Path | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak MB of the process tree, stderr) of ``python args``."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=out, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {stderr}")
    return elapsed, peak / 1024, stderr


def check_database(db: Path, count: int) -> None:
    """The database holds ``count`` live contacts, all different people (no two with the same name), with photos."""
    with sqlite3.connect(db) as con:
        live, names = con.execute(
            "SELECT count(*), count(DISTINCT display_name) FROM contacts WHERE deleted_at IS NULL"
        ).fetchone()
        photos = con.execute("SELECT count(*) FROM contact_photos").fetchone()[0]
    assert live == count, f"{db} holds {live} contacts, not {count}"
    assert names == count, f"{db}: only {names} distinct names among {count} contacts"
    # The export targets hold "photos included": about one contact in five has one (bulk_data.PHOTO_SHARE).
    assert photos >= count // 10, f"{db}: only {photos} photos among {count} contacts"
    print(f"database: {db.name}: {live:,} contacts, {names:,} distinct names, {photos:,} photos", flush=True)


def measure_size(
    count: int, work: Path, refloor: bool = True
) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Seconds and peak MB of the floor, `list --json` and each export on a database of ``count`` contacts, and for
    each command the mean of the floor's seconds measured right before and right after it (``refloor=False``: the
    first floor stands for every command, as in a smoke run, which only checks that each command runs)."""
    db = bench_db_path(f"bulk19-{count}.sqlite3")
    t0 = time.perf_counter()
    build_bulk_db(db, count)
    print(f"(ready in {time.perf_counter() - t0:.1f} s)")
    check_database(db, count)
    results: dict[str, tuple[float, float]] = {}
    between: list[float] = []  # the floor measured between the commands: the machine's load drifts
    floor_s, floor_mb, _ = run_measured(["-c", FLOOR_SCRIPT, str(db)])
    results["floor"] = (floor_s, floor_mb)
    between.append(floor_s)
    listing = work / f"list-{count}.json"
    seconds, mb, _ = run_measured(["-m", "netdesk", "list", "--db", str(db), "--json"], listing)
    with listing.open(encoding="utf-8") as f:
        listed = json.load(f)
    assert len(listed) == count and len({c["uid"] for c in listed}) == count, "list --json lost or repeated contacts"
    del listed
    results["list --json"] = (seconds, mb)
    for fmt in EXPORTS:
        between.append(run_measured(["-c", FLOOR_SCRIPT, str(db)])[0] if refloor else floor_s)
        target = work / f"export-{count}.{fmt}"
        seconds, mb, stderr = run_measured(
            ["-m", "netdesk", "export", "--db", str(db), "--format", fmt, "-o", str(target)]
        )
        assert stderr.startswith(f"{count} contacts written"), stderr
        if fmt == "vdir":
            assert sum(1 for _ in target.glob("*.vcf")) == count, "vdir export lost files"
        elif fmt.startswith("vcard"):
            with target.open("rb") as f:
                assert sum(line.startswith(b"BEGIN:VCARD") for line in f) == count, "vCard export lost cards"
        results[f"export {fmt}"] = (seconds, mb)
    between.append(run_measured(["-c", FLOOR_SCRIPT, str(db)])[0] if refloor else floor_s)
    commands = [name for name in results if name != "floor"]
    floors = {name: (between[i] + between[i + 1]) / 2 for i, name in enumerate(commands)}
    return results, floors


def _remove_later(folder: Path) -> None:
    """Remove ``folder`` in a process of its own that outlives this one. Deleting a vdir of 100,000 files took
    minutes on the test machine (its disk discards each freed block before unlink returns): done in between, it
    held up the measurements that followed; done here, it would hold up the end of the run."""
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000, help="the size memory must stay flat from")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    big, small = (300, 0) if args.smoke else (args.contacts, args.small)

    work = Path(tempfile.mkdtemp(prefix="netdesk-bulk-"))
    try:
        large, floors = measure_size(big, work, refloor=not args.smoke)
        little = measure_size(small, work)[0] if small else large  # the smoke run checks one size
    finally:
        _remove_later(work)

    floor_s = large["floor"][0]
    anchor = "floor: sqlite3 + json.dumps of every row"
    describe_size(f"{big:,} contacts")
    print(f"\n{big:,} contacts; the floor read every row and dumped it as JSON in {floor_s:.2f} s", flush=True)
    over = False
    for name, (seconds, mb) in large.items():
        if name == "floor":
            record("floor peak memory (for reference)", mb, "MB")
            continue
        target = LIST_TARGET if name.startswith("list") else EXPORT_TARGET
        result = record(f"{name} time", seconds, "s", anchor=anchor, anchor_value=floors[name], target_ratio=target)
        result_mb = record(f"{name} peak memory", mb, "MB", target=MEMORY_TARGET_MB)
        over |= not (result["ok"] and result_mb["ok"])
        if small:
            growth = mb - little[name][1]
            flat = record(f"{name} peak memory growth from {small:,}", growth, "MB", target=FLAT_MB)
            over |= not flat["ok"]
    if over and not args.smoke:
        print("some figures are over their targets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
