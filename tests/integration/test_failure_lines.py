"""Every failure reaches the user as one clear line and a non-zero exit, never a traceback, and loses nothing.

Each condition is made for real: a small filesystem that fills up, a read-only bind mount, a file another user owns
or made read-only (the CLI run as an unprivileged user), another process holding the write lock, and, in the GUI,
a database capped with PRAGMA max_page_count. Mounts happen in a private mount namespace (``unshare -m``), so they
need root (or user namespaces); where that is impossible the test says so and skips.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.io.report import ImportReport
from netdesk.services import open_netdesk

NOBODY = 65534
CONTACTS = 300


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(stderr: str, *words: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _make_db(path: Path) -> Path:
    nd = open_netdesk(path)
    people = [
        ContactDTO(given_name=f"Known{i:04d}", family_name="Person", emails=(ContactPoint(f"k{i}@example.org"),))
        for i in range(CONTACTS)
    ]
    nd.imports.import_contacts(people, ImportReport())
    nd.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _big_vcf(path: Path, cards: int = 3000) -> Path:
    note = "Long notes from years of meetings. " * 150
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:new-{i}\r\nFN:New Person {i}\r\nN:Person {i};New;;;\r\n"
            f"EMAIL:new{i}@example.com\r\nNOTE:{note}{i}\r\nEND:VCARD\r\n"
            for i in range(cards)
        )
    )
    return path


def _state(db: Path) -> tuple[str, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute(
            "SELECT count(*) FROM contacts"
        ).fetchone()[0]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="netdesk-fail-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _unshare_works(folder: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = folder / "probe"
    probe.mkdir()
    result = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe}"],
        capture_output=True,
    )
    probe.rmdir()
    return result.returncode == 0


def _in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script], capture_output=True, text=True, timeout=100
    )


def test_a_full_disk_is_one_line_and_the_database_keeps_what_it_had(shared_dir: Path) -> None:
    if not _unshare_works(shared_dir):
        pytest.skip("cannot mount a small filesystem here (needs root or a user namespace with mount rights)")
    db = _make_db(shared_dir / "netdesk.sqlite3")
    vcf = _big_vcf(shared_dir / "cards.vcf", cards=800)
    mnt = shared_dir / "small"
    mnt.mkdir()
    size_kib = db.stat().st_size * 3 // 1024 + 64  # room for the database and its before-import backup, not the cards
    out = shared_dir / "out"
    out.mkdir()
    check = (
        f"import sqlite3; c = sqlite3.connect('{mnt}/netdesk.sqlite3'); "
        "print(c.execute('PRAGMA integrity_check').fetchone()[0], "
        "c.execute('SELECT count(*) FROM contacts').fetchone()[0])"
    )
    script = (
        f"set -e; mount -t tmpfs -o size={size_kib}k tmpfs {mnt}; cp {db} {mnt}/netdesk.sqlite3; "
        f"{sys.executable} -m netdesk import --db {mnt}/netdesk.sqlite3 {vcf} >{out}/stdout 2>{out}/stderr "
        f'|| echo $? >{out}/rc; df -k {mnt} | tail -1 >{out}/df; {sys.executable} -c "{check}" >{out}/check'
    )
    result = _in_mount_namespace(script)
    assert result.returncode == 0, result.stderr
    assert (out / "rc").read_text().strip() == "1"
    _one_line((out / "stderr").read_text(), "is full", "nothing was saved")
    assert (out / "check").read_text().split() == ["ok", str(CONTACTS)]


def test_a_read_only_folder_is_one_line_for_list_and_import(shared_dir: Path) -> None:
    if not _unshare_works(shared_dir):
        pytest.skip("cannot make a read-only bind mount here (needs root or a user namespace with mount rights)")
    folder = shared_dir / "ro"
    folder.mkdir()
    db = _make_db(folder / "netdesk.sqlite3")
    vcf = _big_vcf(shared_dir / "cards.vcf", cards=5)
    before = _sha(db)
    out = shared_dir / "out"
    out.mkdir()
    script = (
        f"set -e; mount --bind {folder} {folder}; mount -o remount,ro,bind {folder}; "
        f"{sys.executable} -m netdesk list --db {db} >{out}/list.out 2>{out}/list.err || echo $? >{out}/list.rc; "
        f"{sys.executable} -m netdesk import --db {db} {vcf} >{out}/imp.out 2>{out}/imp.err || echo $? >{out}/imp.rc"
    )
    result = _in_mount_namespace(script)
    assert result.returncode == 0, result.stderr
    for name in ("list", "imp"):
        assert (out / f"{name}.rc").read_text().strip() == "1"
        _one_line((out / f"{name}.err").read_text(), "read-only", str(folder))
    assert _sha(db) == before


def _without_root_powers(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as root stripped of the capabilities that override file permissions: it meets them as a user would."""
    command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "netdesk", *args))
    return subprocess.run(
        ["capsh", "--drop=cap_dac_override,cap_dac_read_search,cap_fowner", "--", "-c", f"exec {command}"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _capsh_works() -> bool:
    if os.geteuid() != 0 or shutil.which("capsh") is None:
        return False
    result = subprocess.run(["capsh", "--drop=cap_dac_override", "--", "-c", "exit 0"], capture_output=True)
    return result.returncode == 0


def test_permission_denied_and_a_read_only_file_are_one_line(tmp_path: Path) -> None:
    if not _capsh_works():
        pytest.skip("needs root and capsh to give up the permission override (as a plain user, chmod would do)")
    theirs = _make_db(tmp_path / "theirs.sqlite3")
    os.chown(theirs, NOBODY, NOBODY)  # another user's private database
    before = _sha(theirs)
    result = _without_root_powers("list", "--db", str(theirs))
    assert result.returncode == 1
    _one_line(result.stderr, "permission denied", str(theirs))

    mine = _make_db(tmp_path / "mine.sqlite3")
    os.chmod(mine, 0o400)  # the owner made it read-only
    mine_before = _sha(mine)
    result = _without_root_powers("import", "--db", str(mine), str(_big_vcf(tmp_path / "c.vcf", 3)))
    assert result.returncode == 1
    _one_line(result.stderr, "read-only", str(mine))
    assert _sha(theirs) == before and _sha(mine) == mine_before


LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE contacts SET notes = 'held' WHERE id = 1")
print("holding", flush=True)
time.sleep(60)
"""

# The real CLI in a real process, with the 30 s lock timeout cut to 1.5 s to keep the test short.
CLI_SHORT_TIMEOUT = """
import sys
import netdesk.db.engine
netdesk.db.engine.LOCK_TIMEOUT_S = 1.5
from netdesk.app import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_database_locked_by_another_process_is_one_line_after_the_timeout(tmp_path: Path) -> None:
    db = _make_db(tmp_path / "netdesk.sqlite3")
    vcf = _big_vcf(tmp_path / "cards.vcf", cards=20)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = subprocess.run(
            [sys.executable, "-c", CLI_SHORT_TIMEOUT, "import", "--db", str(db), str(vcf)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    _one_line(result.stderr, "is locked", "1.5 s", "nothing was saved")
    assert _state(db) == ("ok", CONTACTS)
