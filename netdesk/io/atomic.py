"""Atomic file writes: a temporary file beside the target, fsync'ed, then renamed over it.

Readers (khard, a spreadsheet, a sync tool) never see half a file, and a crash leaves the old file intact.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_open(path: Path, mode: str = "wb", **open_args: Any) -> Iterator[IO[Any]]:
    """A file handle whose contents replace ``path`` only when the block ends without an exception."""
    path = Path(path)
    # SIGTERM (which the CLI turns into an exception) is held back until the clean-up below is in place: arriving
    # between creating the temporary file and the ``try``, it would leave the file behind.
    held = hold_termination()
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except BaseException:
        release_termination(held)
        raise
    try:
        release_termination(held)
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def hold_termination() -> bool:
    """Hold SIGTERM back (until ``release_termination``) while a temporary file or folder is created and its
    clean-up is not in place yet; True when it was held."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks, and no SIGTERM handler to race
        return False
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    return True


def release_termination(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


_WRITERS = 4  # threads that create and rename files
_CHUNK = 64  # files a thread writes or renames per task (one task a file cost more in Python than in the kernel)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class AtomicFiles:
    """Many files (a vdir's cards), each replacing its target atomically, written by a few threads while the caller
    prepares the next ones, with one durability barrier per ``barrier_files`` files.

    Each file is written under a temporary name beside its target (``.<name>.<token>.tmp``) and renamed over the
    target only after a barrier has flushed everything written so far to disk: whether the process is killed or
    the machine loses power, every target holds its old or its new content, never a part. The barrier is one
    ``sync()`` for thousands of files (an fsync per file costs milliseconds on a busy disk: minutes for 100,000
    cards). Creating files waits on the file system more than on Python, so ``threads`` threads create and rename
    them side by side; at most ``max_pending_bytes`` of contents wait for a thread, which keeps memory flat.

    Use as a context manager: leaving the block normally renames what is left into place; leaving it with an
    exception (SIGTERM, a full disk) removes every temporary file, and targets not yet renamed stay as they were.
    """

    def __init__(
        self, *, threads: int = _WRITERS, barrier_files: int = 5000, max_pending_bytes: int = 4 * 1024 * 1024
    ) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="atomic-files")
        self._barrier_files = barrier_files
        self._max_pending_bytes = max_pending_bytes
        self._writing: deque[tuple[Future[None], int]] = deque()  # chunks being written, with their sizes
        self._writing_bytes = 0
        self._unrenamed: list[tuple[str, str]] = []  # (temporary name, target), written or being written
        self._token = f"{os.getpid():x}-{os.urandom(4).hex()}"
        self._count = 0

    def add(self, items: Sequence[tuple[Path, bytes]]) -> None:
        """Write ``items`` (target, contents) under temporary names; they replace their targets at the next
        barrier."""
        chunk: list[tuple[str, bytes]] = []
        for path, data in items:
            self._count += 1
            tmp_name = os.path.join(path.parent, f".{path.name}.{self._token}-{self._count:x}.tmp")
            self._unrenamed.append((tmp_name, str(path)))
            chunk.append((tmp_name, data))
        for start in range(0, len(chunk), _CHUNK):
            part = chunk[start : start + _CHUNK]
            size = sum(len(data) for _, data in part)
            self._writing.append((self._pool.submit(_write_new_files, part), size))
            self._writing_bytes += size
        while self._writing and self._writing_bytes > self._max_pending_bytes:
            future, size = self._writing.popleft()
            future.result()
            self._writing_bytes -= size
        if len(self._unrenamed) >= self._barrier_files:
            self.flush()

    def flush(self) -> None:
        """Wait for every file, flush them to disk, rename them into place."""
        while self._writing:
            self._writing.popleft()[0].result()
        self._writing_bytes = 0
        if not self._unrenamed:
            return
        _flush_to_disk([tmp for tmp, _ in self._unrenamed])
        pairs = self._unrenamed
        list(self._pool.map(_rename_all, (pairs[i : i + _CHUNK] for i in range(0, len(pairs), _CHUNK))))
        self._unrenamed = []

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            # After an error (or SIGTERM): no thread may still be creating a file when the temporary ones go.
            self._pool.shutdown(wait=True, cancel_futures=True)
            for tmp_name, _ in self._unrenamed:
                Path(tmp_name).unlink(missing_ok=True)


def _write_new_files(chunk: Sequence[tuple[str, bytes]]) -> None:
    for tmp_name, data in chunk:
        fd = os.open(tmp_name, _NEW_FILE, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)


def _rename_all(pairs: Sequence[tuple[str, str]]) -> None:
    for tmp_name, path in pairs:
        os.replace(tmp_name, path)


def _flush_to_disk(names: Sequence[str]) -> None:
    if sys.platform == "linux":
        os.sync()  # on Linux sync() waits until everything written so far is on disk: one barrier for all
        return
    for name in names:
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
