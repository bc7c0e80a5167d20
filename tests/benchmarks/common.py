"""Helpers shared by the benchmark scripts (they are scripts, not part of the default pytest run)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))


def bench_db_path(name: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "netdesk-bench"
    folder.mkdir(exist_ok=True)
    return folder / name


def build_contact_db(path: Path, count: int) -> None:
    """A database of ``count`` invented contacts (cached: built once per size)."""
    from netdesk.io.report import ImportReport
    from netdesk.services import open_netdesk
    from netdesk.services.demo import generate_contacts
    from netdesk.services.importing import ImportService

    if path.exists():
        return
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    nd = open_netdesk(tmp)
    service = ImportService(nd.sessions)
    batch: list = []
    for contact in generate_contacts(count, seed=1):
        batch.append(contact)
        if len(batch) == 10_000:
            service.import_contacts(batch, ImportReport())
            batch = []
    service.import_contacts(batch, ImportReport())
    with nd.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    nd.close()
    tmp.rename(path)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_calls(fn: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report_line(label: str, value: float, unit: str, target: float | None = None) -> str:
    verdict = "" if target is None else ("  ok" if value <= target else f"  OVER TARGET ({target:g} {unit})")
    return f"{label:<44} {value:10.1f} {unit}{verdict}"


def median(values: list[float]) -> float:
    return statistics.median(values)
