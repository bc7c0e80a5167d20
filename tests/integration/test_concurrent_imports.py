"""Imports in two processes at once serialise: they end exactly as if run one after the other."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from netdesk import cli
from netdesk.db.engine import write_transaction
from netdesk.io.report import ImportReport
from netdesk.io.vcard import read_vcard_file
from netdesk.services import open_netdesk
from netdesk.services.importing import import_contacts_in

PEOPLE = 400


def _vcf(path: Path, uid_prefix: str, title: str = "") -> Path:
    title_line = f"TITLE:{title}\r\n" if title else ""
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid_prefix}-{i}\r\nFN:Shared Person{i:05d}\r\n"
            f"N:Person{i:05d};Shared;;;\r\nEMAIL:shared{i}@example.org\r\n{title_line}END:VCARD\r\n"
            for i in range(PEOPLE)
        )
    )
    return path


def _import_at_once(db: Path, *files: Path) -> list[subprocess.CompletedProcess[str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "netdesk", "import", "--db", str(db), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=100)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def _counts(db: Path) -> tuple[int, int, str]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()[0],
            conn.execute("SELECT count(*) FROM contact_points WHERE kind = 'email'").fetchone()[0],
            conn.execute("PRAGMA integrity_check").fetchone()[0],
        )


def test_the_same_file_twice_at_once_is_unchanged_the_second_time(tmp_path: Path) -> None:
    db = tmp_path / "netdesk.sqlite3"
    open_netdesk(db).close()
    cards = _vcf(tmp_path / "phone.vcf", "phone")
    results = _import_at_once(db, cards, cards)
    for r in results:
        assert r.returncode == 0 and "Traceback" not in r.stderr and r.stderr == "", r.stderr
    summaries = sorted(r.stdout.splitlines()[0] for r in results)
    assert any(f"{PEOPLE} created" in s for s in summaries), summaries
    assert any(f"{PEOPLE} unchanged" in s and "created" not in s.replace("0 created", "") for s in summaries), summaries
    assert _counts(db) == (PEOPLE, PEOPLE, "ok")


def test_the_same_people_under_other_uids_at_once_merge_as_one_after_the_other(tmp_path: Path) -> None:
    phone = _vcf(tmp_path / "phone.vcf", "phone")
    laptop = _vcf(tmp_path / "laptop.vcf", "laptop", title="Engineer")
    sequential = tmp_path / "sequential.sqlite3"
    for f in (phone, laptop):  # the reference: one after the other (in this process, the same command line)
        assert cli.run(["import", "--db", str(sequential), str(f)]) == 0

    concurrent = tmp_path / "concurrent.sqlite3"
    nd = open_netdesk(concurrent)
    try:
        # This process is half-way through importing the phone's cards (written, not yet committed) when another
        # process starts importing the laptop's: it must not match against the database as it was before.
        with write_transaction(nd.sessions) as s:
            import_contacts_in(s, read_vcard_file(phone, ImportReport()), ImportReport())
            other = subprocess.Popen(
                [sys.executable, "-m", "netdesk", "import", "--db", str(concurrent), str(laptop)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(4)  # the other process starts, parses, and reaches the database while this one writes
        out, err = other.communicate(timeout=100)
    finally:
        nd.close()
    assert other.returncode == 0 and err == "", err
    assert f"{PEOPLE} merged" in out, out
    assert _counts(concurrent) == _counts(sequential) == (PEOPLE, PEOPLE, "ok")
    with sqlite3.connect(concurrent) as conn:
        titles = {t for (t,) in conn.execute("SELECT title FROM contacts")}
    assert titles == {"Engineer"}  # every person got the laptop's title: merged, not duplicated
