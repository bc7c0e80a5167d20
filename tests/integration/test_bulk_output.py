"""`netdesk list` and `netdesk export` of a whole network: streamed, one valid JSON array, quiet when the reader
leaves, and atomic when a signal ends an export."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from netdesk import cli
from netdesk.core.model import ContactDTO, ContactPoint, PostalAddress
from netdesk.db import bulk
from netdesk.io import vdir
from netdesk.io.report import ImportReport
from netdesk.services import exporting, open_netdesk

# The keys `list --json` documents (README): a contract, so each must stay.
DOCUMENTED_KEYS = {
    "id", "uid", "kind", "name", "formatted_name", "prefix", "given_name", "additional_name", "family_name",
    "suffix", "nickname", "organization", "department", "title", "role", "emails", "phones", "urls", "ims",
    "addresses", "birthday", "anniversary", "gender", "tags", "notes", "has_photo", "last_contacted", "strength",
}  # fmt: skip


LARGE = 3500  # several batches, and more output than a pipe holds


def _people(count: int) -> list[ContactDTO]:
    return [
        ContactDTO(
            uid=f"person-{n:05d}",
            given_name=f"Person{n:05d}",
            family_name="Lindqvist",
            organization="Atlas Logistics",
            emails=(ContactPoint(f"p{n}@atlas.example", "work"),),
            phones=(ContactPoint(f"+31 10 {n:07d}", "mobile"),),
            addresses=(PostalAddress(label="work", locality="Rotterdam", country="Netherlands"),),
            tags=("logistics",) if n % 3 else (),
            notes="Met at the port authority's open day. " * 3,
        )
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def large_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough contacts for several batches and for the output to overflow a pipe."""
    db = tmp_path_factory.mktemp("bulk") / "large.sqlite3"
    nd = open_netdesk(db)
    nd.imports.import_contacts(_people(LARGE), ImportReport())
    nd.close()
    return db


def test_list_json_of_a_large_network_is_one_valid_array_with_every_documented_key(
    large_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["list", "--db", str(large_db), "--json"]) == cli.EXIT_OK
    contacts = json.loads(capsys.readouterr().out)
    assert len(contacts) == LARGE
    assert [c["given_name"] for c in contacts] == sorted(c["given_name"] for c in contacts)  # list order
    assert all(c.keys() >= DOCUMENTED_KEYS for c in contacts)
    first = contacts[0]
    assert first["emails"] == ["p0@atlas.example"] and first["tags"] == [] and first["has_photo"] is False
    assert first["last_contacted"] is None and first["strength"] == 0  # no exchange logged with anyone
    assert first["addresses"][0]["locality"] == "Rotterdam"
    assert cli.run(["list", "--db", str(tmp_path / "empty.sqlite3"), "--json"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out) == []


def test_list_writes_the_first_batch_before_reading_the_second(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "n.sqlite3"
    nd = open_netdesk(db)
    nd.imports.import_contacts(_people(2500), ImportReport())  # three batches, read in this process
    nd.close()
    assembled: list[int] = []
    real_assemble = bulk._assemble

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        assembled.append(1)
        return real_assemble(*args, **kwargs)

    class Recorder(io.StringIO):
        batches_read_at_first_write: int | None = None

        def write(self, text: str) -> int:
            if "Person" in text and self.batches_read_at_first_write is None:
                self.batches_read_at_first_write = len(assembled)
            return super().write(text)

    monkeypatch.setattr(bulk, "_assemble", counting)
    for as_json in (False, True):
        assembled.clear()
        out = Recorder()
        monkeypatch.setattr(sys, "stdout", out)
        assert cli.run(["list", "--db", str(db), *(["--json"] if as_json else [])]) == cli.EXIT_OK
        assert out.batches_read_at_first_write == 1 and len(assembled) == 3
        lines = out.getvalue().splitlines()
        assert len(json.loads(out.getvalue()) if as_json else lines) == 2500


def test_output_starts_at_once_and_a_reader_that_leaves_early_ends_the_command_quietly(large_db: Path) -> None:
    """`netdesk list --json | head -2`. The first lines arrive while the command
    still runs (its output fills the pipe: it did not assemble the whole list first); when the reader leaves, the
    command ends with status 141 and no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "list", "--db", str(large_db), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"[\n"
    assert json.loads(proc.stdout.readline().rstrip(b",\n"))["given_name"] == "Person00000"
    assert proc.poll() is None
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == cli.EXIT_BROKEN_PIPE
    assert "Traceback" not in errors, errors


def _temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_export_ended_by_a_signal_leaves_the_target_as_it_was(large_db: Path, tmp_path: Path, sig: int) -> None:
    target = tmp_path / "contacts.vcf"
    target.write_bytes(b"the previous export\r\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "export", "--db", str(large_db), "--format", "vcard4", "-o", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    while not _temporary_files(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # until the export has started writing its temporary file
    assert proc.poll() is None, "the export finished before it could be interrupted"
    os.kill(proc.pid, sig)
    status = proc.wait(timeout=60)
    assert target.read_bytes() == b"the previous export\r\n"  # never a partial file under the target name
    if sig == signal.SIGTERM:
        assert status == cli.EXIT_TERMINATED
        assert not _temporary_files(tmp_path)  # cleaned up on the way out
    else:
        assert status == -signal.SIGKILL


POOL_CHILD = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from netdesk.io.orphans import exit_with_parent
if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=exit_with_parent,
                               initargs=(os.getpid(),))
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_render_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "pool_child.py"
    script.write_text(POOL_CHILD)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    assert _alive(worker)
    proc.kill()
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)  # not left waiting forever for work from a parent that is gone


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (its new parent has not reaped it yet)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_vdir_export_ended_by_a_signal_leaves_no_partial_card(large_db: Path, tmp_path: Path, sig: int) -> None:
    book = tmp_path / "contacts"
    book.mkdir()
    old_card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:person-00007\r\nFN:The Previous Export\r\nEND:VCARD\r\n"
    (book / "person-00007.vcf").write_bytes(old_card)
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "export", "--db", str(large_db), "--format", "vdir", "-o", str(book)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    while len(_temporary_files(book)) < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # until the export is writing its files
    assert proc.poll() is None, "the export finished before it could be interrupted"
    os.kill(proc.pid, sig)
    status = proc.wait(timeout=60)
    cards = [p for p in book.iterdir() if p.suffix == ".vcf"]
    assert cards, "the card that was there before is gone"
    for card in cards:  # each one whole: the one from before, or a complete new card
        data = card.read_bytes()
        assert data.startswith(b"BEGIN:VCARD\r\n") and data.endswith(b"END:VCARD\r\n"), card.name
    if sig == signal.SIGTERM:
        assert status == cli.EXIT_TERMINATED
        assert not _temporary_files(book)  # cleaned up on the way out
    else:
        assert status == -signal.SIGKILL


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_vdir_export_into_a_new_folder_ended_by_a_signal_leaves_no_folder(
    large_db: Path, tmp_path: Path, sig: int
) -> None:
    """A new folder is written beside its target and renamed into place at the end: interrupted, it never appears."""
    book = tmp_path / "contacts"
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "export", "--db", str(large_db), "--format", "vdir", "-o", str(book)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def staged_cards() -> int:
        return sum(len(os.listdir(p)) for p in tmp_path.iterdir() if p.name.startswith(".contacts."))

    deadline = time.monotonic() + 90
    while staged_cards() < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # until the export is writing its files
    assert proc.poll() is None, "the export finished before it could be interrupted"
    os.kill(proc.pid, sig)
    status = proc.wait(timeout=60)
    assert not book.exists()  # never a partial vdir under the target name
    if sig == signal.SIGTERM:
        assert status == cli.EXIT_TERMINATED
        assert list(tmp_path.iterdir()) == []  # the temporary folder was removed on the way out
    else:
        assert status == -signal.SIGKILL


@pytest.mark.parametrize("fmt", ["vcard3", "vcard4", "csv", "vdir"])
def test_an_export_writes_its_first_batch_before_reading_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    nd = open_netdesk(tmp_path / "n.sqlite3")
    nd.imports.import_contacts(_people(2500), ImportReport())  # three batches, read in this process
    assembled: list[int] = []
    real_assemble = bulk._assemble

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        assembled.append(1)
        return real_assemble(*args, **kwargs)

    batches_read_at_first_write: list[int] = []

    def note(data: bytes | Sequence[tuple[str, bytes]]) -> None:
        contents = data if isinstance(data, bytes) else b"".join(card for _, card in data)
        if b"Person" in contents and not batches_read_at_first_write:  # a contact, not the CSV header
            batches_read_at_first_write.append(len(assembled))

    real_atomic_open, real_vdir_writer = exporting.atomic_open, vdir.open_vdir_writer

    @contextlib.contextmanager
    def recording_open(path: Path, mode: str = "wb") -> Iterator[object]:
        with real_atomic_open(path, mode) as handle:
            yield SimpleNamespace(write=lambda data: (note(data), handle.write(data))[1])

    @contextlib.contextmanager
    def recording_vdir(folder: Path) -> Iterator[object]:
        with real_vdir_writer(folder) as writer:
            yield SimpleNamespace(add=lambda files: (note(files), writer.add(files))[1])

    monkeypatch.setattr(bulk, "_assemble", counting)
    monkeypatch.setattr(exporting, "atomic_open", recording_open)
    monkeypatch.setattr(vdir, "open_vdir_writer", recording_vdir)
    target = tmp_path / f"out-{fmt}"
    assert nd.exports.export(fmt, target) == 2500
    nd.close()
    assert batches_read_at_first_write == [1] and len(assembled) == 3
