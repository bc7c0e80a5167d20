"""The pipeline that brings a book's cards in: batches fetched ahead, parsed while the previous batch is stored.

A source of batches (one streamed addressbook-query, or addressbook-multiget requests a few at a time) feeds
``parsed_batches``, which hands each batch on with its cards read into contacts, one batch behind the source: while
the caller stores a batch, the next is being received and parsed. When the source fails (the server went away), the
batch already in hand is handed on first, so that everything that arrived whole is kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from multiprocessing import get_context

from netdesk.core.model import ContactDTO
from netdesk.sync.cards import parse_server_cards
from netdesk.sync.dav import Card, DavClient

Parsed = dict[str, ContactDTO | str]  # href -> its contact, or why it cannot be read


@contextmanager
def _parse_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    # "spawn": forking a process that runs Qt threads is unsafe; workers import only the vCard modules.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        yield pool


def _start_parse(
    pool: ProcessPoolExecutor | None, workers: int, cards: Sequence[Card], tag: str
) -> Callable[[], Parsed]:
    """Start reading ``cards`` (in ``pool`` when there is one); the returned call waits for the result."""
    items = [(href, text) for href, _etag, text in cards if text is not None]
    hrefs = [href for href, _text in items]
    if pool is None:
        return lambda: dict(zip(hrefs, parse_server_cards(items, tag), strict=True))
    size = -(-len(items) // workers) or 1
    futures = [pool.submit(parse_server_cards, items[i : i + size], tag) for i in range(0, len(items), size)]
    return lambda: dict(zip(hrefs, [x for f in futures for x in f.result()], strict=True))


def parsed_batches(
    batches: Iterator[list[Card]], tag: str, *, workers: int, pool_from: int
) -> Iterator[tuple[list[Card], Parsed]]:
    """Each batch of ``batches`` with its cards read, one batch behind the source. Once ``pool_from`` cards have
    come, the rest are read by ``workers`` worker processes (none when ``workers`` < 2)."""
    with ExitStack() as stack:
        pool: ProcessPoolExecutor | None = None
        pending: tuple[list[Card], Callable[[], Parsed]] | None = None
        received = 0
        while True:
            failure: BaseException | None = None
            current = None
            try:
                cards = next(batches, None)
            except BaseException as exc:  # raised again below, after the batch in hand
                failure, cards = exc, None
            if cards is not None:
                received += len(cards)
                if pool is None and workers > 1 and received >= pool_from:
                    pool = stack.enter_context(_parse_pool(workers))
                current = (cards, _start_parse(pool, workers, cards, tag))
            if pending is not None:
                yield pending[0], pending[1]()
            if failure is not None:
                raise failure
            if current is None:
                return
            pending = current


def multiget_batches(
    client: DavClient, url: str, hrefs: Sequence[str], *, size: int, ahead: int
) -> Iterator[list[Card]]:
    """The cards of ``hrefs``, one addressbook-multiget of ``size`` per batch, ``ahead`` requests in flight at once
    (servers answer requests in parallel; httpx keeps the connections alive between them)."""
    chunks = [list(hrefs[i : i + size]) for i in range(0, len(hrefs), size)]
    if not chunks:
        return
    with ThreadPoolExecutor(ahead) as net:
        asked = deque(net.submit(client.multiget, url, c) for c in chunks[:ahead])
        waiting = deque(chunks[ahead:])
        try:
            while asked:
                cards = asked.popleft().result()
                if waiting:
                    asked.append(net.submit(client.multiget, url, waiting.popleft()))
                yield cards
        finally:
            for future in asked:
                future.cancel()
