"""Reading a large vCard file in bounded memory: segment by segment, parsed in a process pool kept for the file.

``read_vcard_file`` holds the whole file, its lines, its cards and every parsed contact at once: a 1,000,000-card
file took 2.7 GB. Here the file is read in segments of about ``SEGMENT_BYTES``, each cut after an ``END:VCARD`` line
that closes a top-level card and is followed by a ``BEGIN:VCARD`` line, so no card is split. Each segment is read
with the same rules as a whole file (``split_card_lines``, ``parse_card_checked``); its cards are parsed by a pool of
worker processes while the caller stores the previous segment, and a ``finish`` function (the importer's
``prepare_contact``) runs in the workers too, so only plain rows cross back. At most ``PREFETCH`` segments are in
flight, so memory does not grow with the file. When the caller needs a segment that is not parsed yet, it parses the
chunks no worker has started itself (``CardParser``) rather than wait.

A file whose encoding cannot be cut safely at a byte boundary (UTF-16/32) or whose nesting never returns to the top
level is read as one segment, as before.
"""

from __future__ import annotations

import codecs
import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, BinaryIO

from netdesk.core.model import ContactDTO
from netdesk.core.normalize import default_region, set_default_region
from netdesk.io._vcard_lines import split_physical_lines
from netdesk.io.background import yield_to_interactive
from netdesk.io.orphans import exit_with_parent
from netdesk.io.report import ImportReport
from netdesk.io.vcard import (
    CHUNK_CARDS,
    EMPTY_FILE_REASON,
    NO_CARDS_REASON,
    PARALLEL_THRESHOLD,
    CardError,
    decode_vcard_bytes,
    parse_card_checked,
    refuse_if_too_large,
    split_card_lines,
)

SEGMENT_BYTES = 512 * 1024
PREFETCH = 2  # segments parsed ahead of the one being stored

_MARKER = re.compile(rb"^[ \t]*(BEGIN|END):VCARD[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
# The same on a segment's text once its line breaks are "\n".
_TEXT_MARKER = re.compile(r"^[ \t]*(BEGIN|END):VCARD[ \t]*$", re.IGNORECASE | re.MULTILINE)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class ParsedCard:
    """One card that parsed: where it is, its text (to parse again when it has to be merged) and ``finish(dto)``."""

    file: str
    line: int
    text: str
    value: Any


@dataclass(frozen=True, slots=True)
class Segment:
    cards: list[ParsedCard]
    done_bytes: int
    total_bytes: int


def _cut_point(buf: bytes) -> int:
    """Where ``buf`` can be cut between two top-level cards (0: nowhere): after the last END:VCARD line that brings
    the nesting back to the top and whose next marker is a BEGIN:VCARD with only blank lines between."""
    depth = 0
    cut = 0
    after_end = -1  # end of the last END line that closed a top-level card
    for m in _MARKER.finditer(buf):
        if m.group(1).upper() == b"BEGIN":
            if after_end >= 0 and not buf[after_end : m.start()].strip():
                cut = after_end
            depth += 1
            after_end = -1
        else:
            depth = max(0, depth - 1)
            end = m.end() + 1  # past the line's \n
            after_end = end if depth == 0 and buf[m.end() : end] == b"\n" else -1
    return cut


def _segments(f: BinaryIO, segment_bytes: int) -> Iterator[bytes]:
    pending = b""
    want = segment_bytes
    while True:
        block = f.read(want)
        if not block:
            if pending:
                yield pending
            return
        pending += block
        if len(pending) < segment_bytes:
            continue
        cut = _cut_point(pending)
        if cut:
            yield pending[:cut]
            pending = pending[cut:]
            want = segment_bytes
        else:
            want *= 2  # a card larger than a segment, or nesting that does not close: read on, in growing steps


def _simple_cards(text: str) -> tuple[list[tuple[int, str]], int] | None:
    """The cards of a segment that is nothing but cards one after another (what ``split_card_lines`` would give, at
    regex speed), and its number of lines; None for anything else (nesting, stray lines, a marker in a value)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as split_physical_lines + "\n".join
    markers = list(_TEXT_MARKER.finditer(text))
    upper = text.upper()
    if not markers or len(markers) % 2 or upper.count("BEGIN:VCARD") + upper.count("END:VCARD") != len(markers):
        return None
    cards: list[tuple[int, str]] = []
    line = 1
    position = 0
    for k in range(0, len(markers), 2):
        begin, end = markers[k], markers[k + 1]
        if begin.group(1).upper() != "BEGIN" or end.group(1).upper() != "END" or text[position : begin.start()].strip():
            return None
        line += text.count("\n", position, begin.start())
        cards.append((line, text[begin.start() : end.end()]))
        position = end.end()
        line += text.count("\n", begin.start(), end.end())
    if text[position:].strip():
        return None
    return cards, text.count("\n") + 1


def _cannot_cut(head: bytes) -> bool:
    """UTF-16/32 text (with or without a BOM) is not cut at byte boundaries: read whole."""
    if head.startswith(_WIDE_BOMS):
        return True
    return len(head) >= 4 and (head[0] == 0 or head[1] == 0) and head.count(0) * 3 >= len(head)


def segment_items(
    path: Path, report: ImportReport, *, max_bytes: int | None = None, segment_bytes: int | None = None
) -> Iterator[tuple[list[tuple[str, int, str]], int, int]]:
    """(parse items, bytes read so far, file size) per segment of ``path``; file-level problems go to ``report``."""
    name = str(path)
    segment_bytes = segment_bytes or SEGMENT_BYTES
    try:
        size = Path(path).stat().st_size
        if refuse_if_too_large(size, name, report, max_bytes):
            return
        with Path(path).open("rb") as f:
            head = f.read(4096)
            f.seek(0)
            whole = _cannot_cut(head)
            first_line = 1
            done = 0
            found = 0
            content = False
            for raw in _segments(f, size + 1 if whole else segment_bytes):
                done += len(raw)
                content = content or bool(raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"))
                text = decode_vcard_bytes(raw)
                simple = _simple_cards(text)
                if simple is not None:
                    cards, line_count = simple
                else:
                    lines = split_physical_lines(text)
                    cards, problems = split_card_lines(lines)
                    for line, reason in problems:
                        report.error(name, first_line - 1 + line, reason)
                    line_count = len(lines)
                del text
                items = [(name, first_line - 1 + line, card) for line, card in cards]
                first_line += line_count - 1  # the segment ends with a line break: its last "line" is empty
                found += len(items)
                if items:
                    yield items, done, size
    except OSError as exc:
        report.error(name, None, f"cannot read file: {exc.strerror or exc}")
        return
    if not found:
        report.error(name, None, NO_CARDS_REASON if content else EMPTY_FILE_REASON)


# --- parsing in a pool ----------------------------------------------------------------------------------------

# One card's outcome in a worker: (index in its chunk, finish(contact)), or (file, line, reason) for a problem, or
# ("skip", file, line, reason) for a card that could not be imported.
_Outcome = tuple[Any, ...]


def _parse_items(items: Sequence[tuple[str, int, str]], finish: Callable[[ContactDTO], Any] | None) -> list[_Outcome]:
    out: list[_Outcome] = []
    for k, (file, line, text) in enumerate(items):
        try:
            contact, problems = parse_card_checked(text, line=line)
        except CardError as exc:
            out.append(("skip", file, exc.line, exc.reason))
            continue
        out.append((k, contact if finish is None else finish(contact)))
        out.extend((file, problem_line, reason) for problem_line, reason in problems)
    return out


def _init_worker(parent_pid: int, region: str) -> None:
    exit_with_parent(parent_pid)  # no orphans when the app is killed mid-import
    yield_to_interactive()  # a window's repaint does not wait behind a CLI import's parsing
    set_default_region(region)  # phones without a country code mean the same in a worker as in the app


class _Chunk:
    """Cards ``items[start:end]`` of a segment: parsed by a worker (``future``) or, if none has started it when the
    caller needs parsing done, right here (``outcomes``)."""

    __slots__ = ("end", "future", "items", "outcomes", "start")

    def __init__(self, items: list[tuple[str, int, str]], start: int, end: int) -> None:
        self.items, self.start, self.end = items, start, end
        self.future: Future[list[_Outcome]] | None = None
        self.outcomes: list[_Outcome] | None = None


class CardParser:
    """Parses segments of cards, in a pool of spawned processes (one per core) started on the first large one.

    The caller takes its share too: when it needs a segment whose chunks are still being parsed, it parses chunks no
    worker has started yet (the last ones queued, the workers take them from the front) instead of waiting. So it
    never idles while there is work to do, and an import keeps its pace on a busy machine, where the workers (at a
    lower priority, netdesk.io.background) may get little of the CPU.
    """

    def __init__(self, finish: Callable[[ContactDTO], Any] | None = None, workers: int | None = None) -> None:
        self._finish = finish
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._open: deque[_Chunk] = deque()  # submitted, not yet collected, in order

    def __enter__(self) -> CardParser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            # Waiting for the workers to exit (at most a started chunk each): left to end on their own, they raced
            # the exit of a process that returns right after an import, the app's write child. Its exit closed the
            # pool's queue before the stop signals went out, and child and workers then waited on each other for ever.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._open.clear()

    def submit(self, items: list[tuple[str, int, str]], large_file: bool) -> list[_Chunk]:
        """Start parsing ``items``; its chunks, for ``collect``."""
        if self._workers <= 1 or (self._pool is None and not large_file and len(items) <= PARALLEL_THRESHOLD):
            chunk = _Chunk(items, 0, len(items))
            chunk.outcomes = _parse_items(items, self._finish)
            return [chunk]
        if self._pool is None:
            # "spawn": forking a process that runs Qt threads is unsafe; workers import only light modules.
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(), default_region()),
            )
        # Chunks of at most CHUNK_CARDS: unpickling a chunk holds the GIL, which the app's GUI thread shares. Four per
        # worker and segment: the caller waits only for chunks a worker has started (on a busy machine, 0.03-0.24 s
        # of waiting per 10,000 cards against 0.06-0.63 s with two).
        size = max(1, min(CHUNK_CARDS, -(-len(items) // (self._workers * 4))))
        chunks = [_Chunk(items, start, min(start + size, len(items))) for start in range(0, len(items), size)]
        for chunk in chunks:
            chunk.future = self._pool.submit(_parse_items, items[chunk.start : chunk.end], self._finish)
        self._open.extend(chunks)
        return chunks

    def _outcomes(self, chunk: _Chunk) -> list[_Outcome]:
        while chunk.outcomes is None:
            assert chunk.future is not None
            if chunk.future.done() or not self._parse_one_here():
                chunk.outcomes = chunk.future.result()
        return chunk.outcomes

    def _parse_one_here(self) -> bool:
        """Parse the last submitted chunk no worker has started; False when there is none."""
        for chunk in reversed(self._open):
            if chunk.outcomes is None and chunk.future is not None and chunk.future.cancel():
                chunk.outcomes = _parse_items(chunk.items[chunk.start : chunk.end], self._finish)
                return True
        return False

    def collect(self, chunks: list[_Chunk], report: ImportReport) -> list[ParsedCard]:
        """The parsed cards of one ``submit``, in order; their problems go to ``report``."""
        cards: list[ParsedCard] = []
        for chunk in chunks:
            items = chunk.items
            for outcome in self._outcomes(chunk):
                if len(outcome) == 2:
                    file, line, text = items[chunk.start + outcome[0]]
                    cards.append(ParsedCard(file, line, text, outcome[1]))
                elif len(outcome) == 4:
                    report.skip(*outcome[1:])
                else:
                    report.error(*outcome)
            if self._open and self._open[0] is chunk:
                self._open.popleft()
        return cards


def stream_vcard_file(
    path: Path,
    report: ImportReport,
    *,
    finish: Callable[[ContactDTO], Any] | None = None,
    workers: int | None = None,
    max_bytes: int | None = None,
    segment_bytes: int | None = None,
) -> Iterator[Segment]:
    """The cards of ``path`` segment by segment, each parsed (and passed through ``finish``, in the workers)."""
    segment_bytes = segment_bytes or SEGMENT_BYTES
    large = Path(path).is_file() and Path(path).stat().st_size > segment_bytes
    with CardParser(finish, workers) as parser:
        queue: deque[tuple[list[_Chunk], int, int]] = deque()
        for items, done, size in segment_items(path, report, max_bytes=max_bytes, segment_bytes=segment_bytes):
            queue.append((parser.submit(items, large), done, size))
            if len(queue) > PREFETCH:
                chunks, done0, size0 = queue.popleft()
                yield Segment(parser.collect(chunks, report), done0, size0)
        while queue:
            chunks, done0, size0 = queue.popleft()
            yield Segment(parser.collect(chunks, report), done0, size0)
