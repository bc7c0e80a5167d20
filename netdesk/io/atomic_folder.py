"""A new folder of many files (a vdir export into a folder that does not exist yet), moved into place whole.

There is nothing to replace file by file: every file is written under its final name inside a private temporary
folder beside the target (``.<name>.<token>.tmp``), everything is flushed to disk once, and that folder is renamed
onto the target (which is absent or an empty folder), then the parent folder is flushed so the rename itself
lasts. Whether a signal ends the export or the machine loses power, the target is absent (or the empty folder it
was) or complete: no reader ever sees a partial file under a target name, and no file needs a rename or an fsync
of its own (on a busy disk those cost milliseconds each: minutes for 100,000 cards).

The files are created by a spawned helper process, not by threads: creating a file is three system calls, and a
writer thread takes the GIL back after each of them while the exporting thread renders cards. On the 2-core test
machine four writer threads slowed the renderer about threefold (each waits for the GIL's switch interval), so
rendering and writing ran one after the other. The helper has an interpreter of its own and creates the files on
the other core; the exporting process sends it each batch's (name, bytes) list over a pipe, and a full pipe stops
the sender, so at most a few batches are in flight and memory stays flat.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from netdesk.io.atomic import hold_termination, release_termination

__all__ = ["NewFolder", "is_new_folder"]

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# On Linux one sync() at the end puts everything on disk; elsewhere sync() may return before it has, so the helper
# flushes each file itself.
_SYNC_AT_END = sys.platform == "linux"
_QUEUED_BATCHES = 1  # batches received ahead of the one being written (each is about 2 MB)


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
        self._conn: Connection | None = None
        self._process: BaseProcess | None = None

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
            context = get_context("spawn")  # forking a process that runs Qt or SQLAlchemy threads is unsafe
            self._conn, child_end = context.Pipe()
            process = context.Process(
                target=_write_files, args=(child_end, staging), name="netdesk-file-writer", daemon=True
            )
            process.start()
            self._process = process
            child_end.close()
        except BaseException:
            self._discard()
            raise
        return self

    def add(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Write ``files`` (name inside the folder, contents); waits while the helper is a few batches behind."""
        assert self._conn is not None, "use NewFolder as a context manager"
        if self._conn.poll():  # the helper has stopped with an error
            self._raise_helper_error()
        try:
            self._conn.send(list(files))
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
        assert self._conn is not None and self._staging is not None
        try:
            self._conn.send(None)
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
        assert self._conn is not None
        try:
            reply: tuple[object, ...] = self._conn.recv()
        except (EOFError, OSError):
            return ("error", None, "the file writer stopped unexpectedly", str(self._target))
        return reply

    def _raise_helper_error(self) -> None:
        reply = self._receive()
        raise OSError(*reply[1:])

    def _stop_helper(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the helper reads the end of the pipe and stops
            self._conn = None
        process = self._process
        if process is not None:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
            self._process = None

    def _discard(self) -> None:
        # No file may still be created when the folder goes.
        self._stop_helper()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


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


def _write_files(conn: Connection, folder: str) -> None:
    """The helper process: create each received file in ``folder`` until the end mark; report back how it went."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the exporting process, which ends this one
    batches: queue.Queue[Any] = queue.Queue(maxsize=_QUEUED_BATCHES)

    def receive() -> None:  # reads the next batches while the current one is written
        try:
            while (batch := conn.recv()) is not _END:
                batches.put(batch)
            batches.put(_END)
        except (EOFError, OSError):  # the exporting process stopped (or was killed): write nothing more
            batches.put(_GONE)

    threading.Thread(target=receive, name="receive", daemon=True).start()
    count = 0
    try:
        while (batch := batches.get()) is not _END:
            if batch == _GONE:
                return
            for name, data in batch:
                _write_new_file(os.path.join(folder, name), data)
                count += 1
    except OSError as exc:
        conn.send(("error", exc.errno, exc.strerror, exc.filename))
        return
    conn.send(("done", count))


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
