"""The streamed reader's pool: the caller parses what no worker has started, with the same outcome in the same order."""

from __future__ import annotations

import multiprocessing
import multiprocessing.process

from netdesk.io.report import ImportReport
from netdesk.io.vcard import split_cards
from netdesk.io.vcard_stream import CardParser


def _cards(count: int) -> str:
    cards = []
    for i in range(count):
        note = "NOTE:bell\x07 rung\r\n" if i % 97 == 0 else ""  # a repaired property: a problem line in the report
        email = f"EMAIL;TYPE=INTERNET:p{i}@example.org\r\n"
        cards.append(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\n{email}{note}END:VCARD\r\n")
    cards.append("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n")  # nothing to import: skipped with its reason
    return "".join(cards)


def test_the_caller_parses_the_chunks_no_worker_has_started() -> None:
    items = [("book.vcf", line, text) for line, text in split_cards(_cards(2000))]
    alone = ImportReport()
    with CardParser(workers=1) as parser:
        expected = parser.collect(parser.submit(items, large_file=True), alone)

    shared = ImportReport()
    with CardParser(workers=2) as parser:
        chunks = parser.submit(items, large_file=True)
        cards = parser.collect(chunks, shared)
    # Collected right away: the workers were still starting, so the caller parsed the last chunks itself.
    here = [c for c in chunks if c.future is not None and c.future.cancelled()]
    assert here and len(chunks) >= 8
    assert cards == expected and len(cards) == 2000
    assert [str(e) for e in shared.errors] == [str(e) for e in alone.errors] != []
    assert shared.skipped == alone.skipped != []


def _pool_workers() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_closing_the_parser_leaves_no_worker_running() -> None:
    """A process that returns right after an import (the app's write child) must not exit while the pool's workers
    still wait for their stop signal: its exit closed their queue first, and both then waited for ever."""
    items = [("book.vcf", line, text) for line, text in split_cards(_cards(2000))]
    before = _pool_workers()
    with CardParser(workers=2) as parser:
        parser.collect(parser.submit(items, large_file=True), ImportReport())
        assert len(_pool_workers()) > len(before)  # the pool did start
    assert _pool_workers() == before

    with CardParser(workers=2) as parser:  # left before anything was collected, as a cancel or an error leaves it
        parser.submit(items, large_file=True)
    assert _pool_workers() == before
