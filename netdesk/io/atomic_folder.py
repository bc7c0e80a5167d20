"""A new folder of many files (a vdir export into a folder that does not exist yet), moved into place whole.

There is nothing to replace file by file: every file is written under its final name inside a private temporary
folder beside the target (``.<name>.<token>.tmp``), everything is flushed to disk once, and that folder is renamed
onto the target (which is absent or an empty folder), then the parent folder is flushed so the rename itself
lasts. Whether a signal ends the export or the machine loses power, the target is absent (or the empty folder it
was) or complete: no reader ever sees a partial file under a target name, and no file needs a rename or an fsync
of its own (on a busy disk those cost milliseconds each: minutes for 100,000 cards).

The files are created by a helper process (a child interpreter), not by threads: creating a file is three system
calls, and a writer thread takes the GIL back after each of them while the exporting thread renders cards. On the
2-core test machine four writer threads slowed the renderer about fourfold (each waits out the GIL's switch
interval), so rendering and writing ran one after the other. The helper has an interpreter of its own and creates
the files on the other core; the exporting process sends it each batch's (name, bytes) list over a pipe, and a full
pipe stops the sender, so at most a couple of batches are in flight and memory stays flat.

Durability: on Linux one ``sync()`` before the folder's rename puts every file on disk (elsewhere the helper
flushes each file); the rename is then flushed with an fsync of the parent folder. A signal needs neither: the
helper has finished every file before the rename, and an interrupted export removes the temporary folder (SIGKILL
leaves it behind, under its temporary name only).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from netdesk.io.atomic import hold_termination, release_termination

__all__ = ["NewFolder", "is_new_folder"]

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# On Linux one sync() at the end puts everything on disk; elsewhere sync() may return before it has, so the helper
# flushes each file itself.
_SYNC_AT_END = sys.platform == "linux"
_QUEUED_BATCHES = 1  # batches received ahead of those being written (each is about 2 MB)
# Writer threads in the helper: its kernel work (creating files) runs on both cores when the renderer waits, and on
# a machine shared with other work two threads get two shares of the CPU. They hardly contend for the helper's GIL:
# each spends its time in system calls.
_WRITERS = 2


def is_new_folder(folder: Path) -> bool:
    """True when ``folder`` does not exist yet or is an empty folder (not a link to one): ``NewFolder`` can write
    it."""
    if os.path.islink(folder):
        return False
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return not os.path.lexists(folder)
    except OSError:
        return False


class NewFolder:
    """Writes ``target`` (absent or empty) as a whole: ``add`` batches of (file name, contents) inside the block;
    leaving it normally moves the finished folder into place, leaving it with an exception (SIGTERM, a full disk)
    removes everything written and leaves the target as it was."""

    def __init__(self, target: Path) -> None:
        self._target = Path(target)
        self._staging: Path | None = None
        self._helper: _Helper | None = None

    def __enter__(self) -> NewFolder:
        self._target.parent.mkdir(parents=True, exist_ok=True)
        # SIGTERM (an exception in the CLI) is held back until ``__exit__`` can remove what was created.
        held = hold_termination()
        try:
            staging = tempfile.mkdtemp(dir=self._target.parent, prefix=f".{self._target.name}.", suffix=".tmp")
            self._staging = Path(staging)  # mkdtemp makes it 0700: the vdir is private, whatever the umask
        finally:
            release_termination(held)
        try:
            self._helper = _SpawnedHelper(staging) if getattr(sys, "frozen", False) else _ChildHelper(staging)
        except BaseException:
            self._discard()
            raise
        return self

    def add(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Write ``files`` (name inside the folder, contents); waits while the helper is a batch behind."""
        assert self._helper is not None, "use NewFolder as a context manager"
        try:
            self._helper.send(list(files))
        except OSError:  # the helper ended (its error, if it sent one, says why)
            self._raise_helper_error()

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self._discard()
            return
        try:
            self._finish()
        except BaseException:
            self._discard()
            raise

    def _finish(self) -> None:
        assert self._helper is not None and self._staging is not None
        try:
            self._helper.send(_END)
        except OSError:
            self._raise_helper_error()
        reply = self._receive()
        if reply[0] != "done":
            raise OSError(*reply[1:])
        self._stop_helper()
        if _SYNC_AT_END:
            os.sync()  # on Linux sync() returns once everything written so far is on disk: one barrier for all
        if sys.platform == "win32" and self._target.is_dir():
            self._target.rmdir()  # Windows renames no folder over another, even an empty one
        os.replace(self._staging, self._target)  # POSIX: replaces an empty folder in one step
        self._staging = None
        _flush_folder(self._target.parent)

    def _receive(self) -> tuple[object, ...]:
        assert self._helper is not None
        try:
            reply: tuple[object, ...] = self._helper.receive()
        except (EOFError, OSError, pickle.UnpicklingError):
            return ("error", None, "the file writer stopped unexpectedly", str(self._target))
        return reply

    def _raise_helper_error(self) -> None:
        reply = self._receive()
        raise OSError(*reply[1:])

    def _stop_helper(self) -> None:
        if self._helper is not None:
            self._helper.stop()
            self._helper = None

    def _discard(self) -> None:
        # No file may still be created when the folder goes.
        self._stop_helper()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


class _Helper(Protocol):
    def send(self, batch: object) -> None: ...
    def receive(self) -> Any: ...
    def stop(self) -> None: ...


_CHILD_MAIN = "import sys; sys.path.insert(0, sys.argv[2]); import netdesk.io.atomic_folder as f; f.serve(sys.argv[1])"


class _ChildHelper:
    """The helper as a plain child interpreter that imports only this module (``multiprocessing`` would also start
    its resource tracker: one more Python process, 12 MB); batches and the reply travel pickled over its stdin and
    stdout."""

    def __init__(self, folder: str) -> None:
        package_root = str(Path(__file__).resolve().parents[2])  # so the child finds this netdesk, installed or not
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD_MAIN, folder, package_root], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def send(self, batch: object) -> None:
        assert self._process.stdin is not None
        pickle.dump(batch, self._process.stdin, pickle.HIGHEST_PROTOCOL)
        self._process.stdin.flush()

    def receive(self) -> Any:
        assert self._process.stdout is not None
        return pickle.load(self._process.stdout)

    def stop(self) -> None:
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()  # the helper reads the end of its input and stops
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class _SpawnedHelper:
    """The helper in a frozen app (no interpreter to run on its own): a ``multiprocessing`` spawned process."""

    def __init__(self, folder: str) -> None:
        context = get_context("spawn")  # forking a process that runs Qt or SQLAlchemy threads is unsafe
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_serve_connection, args=(child_end, folder), daemon=True)
        self._process.start()
        child_end.close()

    def send(self, batch: object) -> None:
        self._conn.send(batch)

    def receive(self) -> Any:
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _flush_folder(folder: Path) -> None:
    """Put ``folder``'s entries (the rename just made) on disk; Windows has no way to open a folder for that."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_END = None
_GONE = "gone"


def serve(folder: str) -> None:
    """The helper's main (``_ChildHelper``): batches from stdin, the reply to stdout."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer

    def reply(message: object) -> None:
        pickle.dump(message, sink)
        sink.flush()

    _write_files(lambda: pickle.load(source), reply, folder)


def _serve_connection(conn: Connection, folder: str) -> None:
    _write_files(conn.recv, conn.send, folder)


def _write_files(receive_batch: Callable[[], Any], reply: Callable[[object], None], folder: str) -> None:
    """Create each received file in ``folder`` until the end mark; report back how it went."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the exporting process, which ends this one
    batches: queue.Queue[Any] = queue.Queue(maxsize=_QUEUED_BATCHES)

    def receive() -> None:  # reads the next batch while the current one is written
        try:
            while (batch := receive_batch()) is not _END:
                batches.put(batch)
            batches.put(_END)
        except (EOFError, OSError, pickle.UnpicklingError):  # the exporting process stopped: write nothing more
            batches.put(_GONE)

    threading.Thread(target=receive, name="receive", daemon=True).start()
    counts: list[int] = []
    errors: list[OSError] = []
    writers = [threading.Thread(target=_write_batches, args=(batches, folder, counts, errors)) for _ in range(_WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    if errors:
        exc = errors[0]
        reply(("error", exc.errno, exc.strerror, exc.filename))
    elif len(counts) == _WRITERS:  # every writer reached the end mark (none saw the exporting process go)
        reply(("done", sum(counts)))


def _write_batches(batches: queue.Queue[Any], folder: str, counts: list[int], errors: list[OSError]) -> None:
    """One writer thread of the helper: batches until the end mark (passed on to the other writers) or an error."""
    count = 0
    while (batch := batches.get()) is not _END and batch is not _GONE and not errors:
        try:
            for name, data in batch:
                _write_new_file(os.path.join(folder, name), data)
                count += 1
        except OSError as exc:
            errors.append(exc)  # the helper then reports it and ends: the exporting process sees its pipe close
            return
    if batch is _END or batch is _GONE:
        batches.put(batch)
        if batch is _END:
            counts.append(count)


def _write_new_file(path: str, data: bytes) -> None:
    fd = os.open(path, _NEW_FILE, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if not _SYNC_AT_END:
            os.fsync(fd)
    finally:
        os.close(fd)
