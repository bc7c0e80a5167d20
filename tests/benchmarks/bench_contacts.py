"""Contact list benchmark: start-up to window shown and list loaded, peak memory, search latency.

    python tests/benchmarks/bench_contacts.py                # 100,000 contacts, every one a different person
    python tests/benchmarks/bench_contacts.py --smoke        # tiny size, for CI

Anchor, measured in the same run: bare_window.py, a bare PySide6 window with a QTableView over the same rows read
with plain sqlite3. NetDesk starts on the Contacts page (the page it was left on), as the bare window shows the list.
Targets (issue 12): window shown <= 2x the bare window, list loaded <= 3x, peak memory <= 2.5x;
search p95 <= 5 ms from the keystroke to the list's model filtered (reported with the repaint too).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import (
    assert_size,
    build_contact_db,
    contact_db_path,
    describe_size,
    median,
    percentile,
    record,
    report_line,
    styled_as_the_app,
    time_calls,
)

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


def _peak_rss_mb(pid: int, stop: threading.Event, peak: list[float]) -> None:
    """Poll the child's own high-water mark (VmHWM) until it exits.

    Not its rusage: Linux carries the parent's peak RSS into a forked child across exec, so a child started by this
    process (which holds a 100,000-row window after the search measurement) would report at least that much.
    """
    status = Path(f"/proc/{pid}/status")
    while not stop.is_set():
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):  # gone, or a zombie without memory lines
            return
        time.sleep(0.005)


def _run_probe(command: list[str]) -> tuple[dict[str, float], float, float]:
    """Run a start-up probe: the ``name=<value>`` lines it printed on stderr, its start time, its peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as config:
        # No settings left by an earlier run (or another user of the machine), but the page the window opens on: the
        # Contacts list, which these figures time (a first start with contacts opens on the Due page instead).
        settings = Path(config) / "NetDesk" / "NetDesk.conf"
        settings.parent.mkdir()
        settings.write_text("[navigation]\nview=contacts\n", encoding="utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NETDESK_REPORT_STARTUP": "1", "XDG_CONFIG_HOME": config}
        # As on a user's machine, modules are compiled once and then loaded from their cached bytecode.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        start = time.time()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        stop, peak = threading.Event(), [0.0]
        watcher = threading.Thread(target=_peak_rss_mb, args=(process.pid, stop, peak), daemon=True)
        watcher.start()
        assert process.stderr is not None
        stderr = process.stderr.read()
        process.wait()
        stop.set()
        watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {stderr}")
    marks = {}
    for line in stderr.splitlines():
        name, _, value = line.partition("=")
        if value and name.replace("-", "").isalpha():
            marks[name] = float(value)
    return marks, start, peak[0]


def measure_bare(db: str) -> tuple[float, float, int]:
    """The anchor: a bare PySide6 window showing the same rows (seconds to shown, peak MB, rows shown)."""
    marks, start, peak_mb = _run_probe([sys.executable, str(Path(__file__).with_name("bare_window.py")), db])
    return marks["window-shown-at"] - start, peak_mb, int(marks["rows"])


def measure_startup(db: str) -> tuple[float, float, float, float]:
    """Seconds from process start to the window shown and to the list loaded, the process's peak RSS (MB), and
    seconds to the window built over the opened database (its writes, pages and details).

    Uses the probe a user can run from outside the repository: ``netdesk --db PATH --smoke-test`` with
    NETDESK_REPORT_STARTUP=1 prints ``window-shown-at=`` and ``list-loaded-at=`` on stderr.
    """
    marks, start, peak_mb = _run_probe([sys.executable, "-m", "netdesk", "--db", db, "--smoke-test"])
    built_s = marks["window-built-at"] - start
    return marks["window-shown-at"] - start, marks["list-loaded-at"] - start, peak_mb, built_s


def measure_search(db: Path, rounds: int = 3) -> tuple[list[float], list[float]]:
    """Milliseconds from a keystroke in the main window's search box to the list's model holding the matching rows,
    and to the list painted with them.

    The window is open on the database with every row loaded and its search index built, as a user finds it a moment
    after going to the search box (Ctrl+F, which builds the index). Each query is typed as one edit of the box
    (``setText``), and the time runs until the model holds exactly the rows the full-text search finds (checked), then
    until the pending paint events are processed.
    """
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from netdesk.services import open_netdesk
    from netdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    styled_as_the_app()
    with tempfile.TemporaryDirectory() as config:
        settings = QSettings(str(Path(config) / "bench.ini"), QSettings.Format.IniFormat)
        settings.setValue("navigation/view", "contacts")
        nd = open_netdesk(db)
        window = MainWindow(nd, settings=settings)
        window.show()
        window.find_action.trigger()  # Ctrl+F: the user goes to the search box, which builds the in-memory index
        deadline = time.monotonic() + 600
        while not (window.loaded and window.list_search.is_ready and window.tasks.pending == 0):
            if time.monotonic() > deadline:
                raise SystemExit("the window did not load its list and search index in 10 minutes")
            app.processEvents()
            time.sleep(0.005)
        expected = {q: len(nd.contacts.match_ids(q) or ()) for q in QUERIES}
        filtered: list[float] = []
        painted: list[float] = []
        for _ in range(rounds):
            for query in QUERIES:
                window.search_edit.clear()
                app.processEvents()
                start = time.perf_counter()
                window.search_edit.setText(query)  # what a keystroke does; the window searches on textChanged
                while window.model.shown != expected[query]:
                    if time.perf_counter() - start > 60:
                        raise SystemExit(f"search {query!r}: {window.model.shown} rows shown, not {expected[query]}")
                    app.processEvents()
                filtered.append((time.perf_counter() - start) * 1000)
                app.processEvents()  # the repaint of the list (and of the count in the status bar)
                painted.append((time.perf_counter() - start) * 1000)
        window.close()
        nd.close()
    return filtered, painted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="start-ups of each kind (the fastest is reported)")
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    count, runs = (300, 1) if args.smoke else (args.contacts, args.runs)

    from netdesk.services import open_netdesk

    db = contact_db_path(count)
    t0 = time.perf_counter()
    build_contact_db(db, count)
    nd = open_netdesk(db)
    assert_size("benchmark database", nd.contacts.count(), count)
    describe_size(f"{count:,} contacts")
    print(f"database: {db} ({count:,} contacts, ready in {time.perf_counter() - t0:.1f} s)")

    ordered = [t * 1000 for q in QUERIES for t in time_calls(lambda q=q: nd.contacts.search_ids(q), 1)]
    rows_ms = median(time_calls(nd.contacts.rows, 3)) * 1000
    nd.close()
    latencies, painted = measure_search(db, rounds=1 if args.smoke else 3)

    if not args.smoke:  # (the smoke run only checks that every measurement runs)
        measure_startup(str(db))  # a first start writes the bytecode caches and reads the file into the OS cache
    # Alternate the two programs, so that a burst of load on the shared machine hits both alike.
    bare, ours = [], []
    for _ in range(runs):
        bare.append(measure_bare(str(db)))
        ours.append(measure_startup(str(db)))
    assert_size("bare window rows", bare[0][2], count)
    # The fastest of each: on a shared machine the least disturbed run is the one that measures the program.
    bare_s, bare_mb = min(b[0] for b in bare), median([b[1] for b in bare])
    shown_s, loaded_s = min(o[0] for o in ours), min(o[1] for o in ours)
    peak_mb = median([o[2] for o in ours])
    built_s = min(o[3] for o in ours)
    anchor = "bare PySide6 window"
    record("start-up to window shown", shown_s, "s", anchor=anchor, anchor_value=bare_s, target_ratio=2)
    record("start-up to list loaded", loaded_s, "s", anchor=anchor, anchor_value=bare_s, target_ratio=3)
    record("peak memory of the app", peak_mb, "MB", anchor=anchor, anchor_value=bare_mb, target_ratio=2.5)
    record("search p95, list filter included", percentile(latencies, 95), "ms", target=5)
    record("search p95, list filter and repaint included", percentile(painted, 95), "ms")
    record("start-up to window built (writes, pages, details)", built_s, "s", anchor=anchor, anchor_value=bare_s)
    print(report_line("search median, list filter included", median(latencies), "ms"))
    print(report_line("search median, list filter and repaint included", median(painted), "ms"))
    print(report_line("ordered search (CLI) p95", percentile(ordered, 95), "ms"))
    print(report_line("full list query (all rows)", rows_ms, "ms"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
