"""Helpers shared by the benchmark scripts (they are scripts, not part of the default pytest run)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netdesk.core.model import ContactDTO

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))


def bench_db_path(name: str) -> Path:
    """Where a benchmark caches its database ``name``. The temp folder may be shared with checkouts at other schema
    revisions (other branches) and with other versions of the data generators: each (revision, generator) pair has
    its own folder, so no checkout opens a database it cannot read or one its generator would no longer build."""
    from netdesk.db.migrate import declared_head

    folder = Path(tempfile.gettempdir()) / "netdesk-bench" / f"schema-{declared_head()}-data-{generator_hash()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def generator_hash() -> str:
    """A short hash of the code that invents benchmark data: this module's generators, bulk_data.py and the demo
    generator (services/demo.py, demo_practices.py). Changing any of it builds fresh databases."""
    import inspect

    from netdesk.services import demo, demo_practices

    sources = [inspect.getsource(f) for f in (syllables, unique_contacts, build_contact_db)]
    sources += [Path(m.__file__ or "").read_text(encoding="utf-8") for m in (demo, demo_practices)]
    sources.append((Path(__file__).parent / "bulk_data.py").read_text(encoding="utf-8"))
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:12]


def contact_db_path(count: int) -> Path:
    """The cached database of ``count`` unique contacts (see ``build_contact_db``)."""
    return bench_db_path(f"contacts-unique-{count}.sqlite3")


def syllables(n: int) -> str:
    """A pronounceable word that differs for every ``n`` below 64,000,000: makes generated people unique."""
    parts = []
    for _ in range(5):
        n, r = divmod(n, 40)
        parts.append("bcdfghklmnprstvz"[r % 16] + "aeiou"[r % 5])  # (r % 16, r % 5) differs for each r < 80
        if n == 0 and len(parts) >= 2:
            break
    return "".join(parts).capitalize()


def unique_contacts(count: int, seed: int = 1) -> Iterator[ContactDTO]:
    """Exactly ``count`` contacts, no two of which NetDesk's import would take for the same one.

    The demo generator draws names, work emails and phones from small pools (so an import merges many of its
    people); here every person gets a family name, email, phone and profile URL of their own. The demo's
    organisations come first and count towards ``count``.
    """
    from netdesk.core.model import ContactKind, ContactPoint
    from netdesk.services.demo import ORGS, generate_contacts

    people = max(0, count - len(ORGS))
    for n, contact in enumerate(generate_contacts(people, seed=seed, organizations=count >= len(ORGS))):
        if contact.kind is ContactKind.ORGANIZATION:
            yield contact
            continue
        family = f"{contact.family_name}-{syllables(n)}"
        local = f"{contact.given_name.lower()}.{family.lower()}".replace(" ", "")
        domain = contact.emails[0].value.split("@", 1)[1]
        phone = contact.phones[0]
        yield contact.replace(
            family_name=family,
            emails=(ContactPoint(f"{local}.{n}@{domain}", "work", True),),
            phones=(ContactPoint(f"{phone.value.rsplit(' ', 1)[0]} {n:08d}", phone.label),),
            urls=tuple(dataclasses.replace(u, value=f"{u.value}-{n}") for u in contact.urls),
        )


def build_contact_db(path: Path, count: int) -> None:
    """A database of exactly ``count`` invented contacts (cached: built once per size); asserts the count."""
    from netdesk.io.report import ImportReport
    from netdesk.services import open_netdesk
    from netdesk.services.importing import ImportService

    if path.exists():
        return
    tmp = path.with_suffix(f".building-{os.getpid()}")  # several engineers may share the temp folder
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    nd = open_netdesk(tmp)
    service = ImportService(nd.sessions)
    batch: list = []
    for contact in unique_contacts(count, seed=1):
        batch.append(contact)
        if len(batch) == 10_000:
            service.import_contacts(batch, ImportReport())
            batch = []
    service.import_contacts(batch, ImportReport())
    held = nd.contacts.count()
    with nd.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    nd.close()
    if held != count:
        raise SystemExit(f"benchmark database holds {held:,} contacts, not the {count:,} it names")
    tmp.rename(path)


def styled_as_the_app() -> None:
    """The theme and style the app starts with (ui/application.py's run_gui applies the user's theme): a window
    measured without them would skip the style's proxy, which every widget but the contact list paints through."""
    from netdesk.settings import ThemeChoice
    from netdesk.ui.theme import apply_theme

    apply_theme(ThemeChoice.SYSTEM)


def assert_size(what: str, held: int, named: int) -> None:
    """A benchmark states its true size: stop when the data holds another number than the one printed."""
    if held != named:
        raise SystemExit(f"{what}: holds {held:,}, not the {named:,} the benchmark names")


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


RESULTS_ENV = "NETDESK_BENCH_RESULTS"
_size = {"text": ""}


def describe_size(text: str) -> None:
    """The true size this run measures ("100,000 contacts"), stored with every result recorded after it."""
    _size["text"] = text


def command_line() -> str:
    """How to repeat this run: the script and its arguments, from the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        shown = script.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = script.name
    return " ".join(["python", shown, *sys.argv[1:]])


def _result(
    figure: str,
    value: float,
    unit: str,
    anchor: str,
    anchor_value: float | None,
    target_ratio: float | None,
    target: float | None,
) -> dict[str, Any]:
    """One result in the format run_all.py documents; also appended to $NETDESK_BENCH_RESULTS when it is set."""
    ratio = value / anchor_value if anchor_value else None
    if target_ratio is not None:
        ok: bool | None = ratio is not None and ratio <= target_ratio
    else:
        ok = None if target is None else value <= target
    result = {
        "benchmark": Path(sys.argv[0]).name,
        "command": command_line(),
        "size": _size["text"],
        "figure": figure,
        "value": round(value, 4),
        "unit": unit,
        "anchor": anchor,
        "anchor_value": None if anchor_value is None else round(anchor_value, 4),
        "ratio": None if ratio is None else round(ratio, 3),
        "target_ratio": target_ratio,
        "target": target,
        "ok": ok,
    }
    destination = os.environ.get(RESULTS_ENV)
    if destination:
        with open(destination, "a", encoding="utf-8") as out:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return result


def record(
    figure: str,
    value: float,
    unit: str,
    *,
    anchor: str = "",
    anchor_value: float | None = None,
    target_ratio: float | None = None,
    target: float | None = None,
) -> dict[str, Any]:
    """Print one figure (with its anchor and their ratio, measured in this run) and record it (see ``_result``)."""
    result = _result(figure, value, unit, anchor, anchor_value, target_ratio, target)
    line = f"{figure:<40} {_number(value):>8} {unit}"
    if anchor:
        ratio = result["ratio"]
        line += f"   {anchor}: {_number(anchor_value or 0)} {unit}" + (f"   ratio {ratio:.2f}" if ratio else "")
    if target_ratio is not None:
        line += f" (target <= {target_ratio:g}x)"
    elif target is not None:
        line += f" (target <= {target:g} {unit})"
    if result["ok"] is not None:
        line += "  ok" if result["ok"] else "  OVER TARGET"
    print(line, flush=True)
    return result


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def report_line(label: str, value: float, unit: str, target: float | None = None) -> str:
    """A figure without an anchor, as a line to print; also recorded (see ``_result``) when run by run_all.py."""
    _result(label, value, unit, "", None, None, target)
    verdict = "" if target is None else ("  ok" if value <= target else f"  OVER TARGET ({target:g} {unit})")
    return f"{label:<44} {value:10.1f} {unit}{verdict}"


def median(values: list[float]) -> float:
    return statistics.median(values)
