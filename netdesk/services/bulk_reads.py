"""Whole-network reads for `list`, `export` and every pass over all contacts: DTOs in batches, streamed.

``read_batches`` opens one read transaction (a consistent snapshot) and yields the chosen contacts in list order a
batch at a time, each read with a handful of set-based queries (``netdesk.db.bulk``; the whole network is paged
along the name index, a search or a selection by its ids). A consumer that writes each batch before asking for
the next starts its output at once and holds one batch in memory. ``render_batches`` hands each batch to a render
function (JSON lines, vCards, CSV rows, vdir files) and yields the results in order.

Extra per-contact values that are not part of a ContactDTO (``list --json`` keys such as the day of the last
exchange) are *facts*: a function computes one for every contact of a batch with a set-based query in the batch's
session, and the batch carries the result. Add a key to ``LIST_FACTS`` (or to the facts a command passes, as
``cli_networking.list_facts`` does) and `list --json` prints it; nothing else changes.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.model import ContactDTO
from netdesk.db import bulk
from netdesk.db import repository as repo
from netdesk.io.orphans import exit_with_parent

DEFAULT_BATCH = bulk.DEFAULT_BATCH
T = TypeVar("T")

# A fact: (session, ids of a batch) -> {contact id: JSON-ready value}; ids missing from the map get None.
BatchFact = Callable[[Session, Sequence[int]], Mapping[int, object]]

# The extra keys of `netdesk list --json`, each computed per batch (keys are a contract: add, never rename). They
# are applied over the contact's own keys, which lets `list` skip reading photos and still say which contacts have one.
LIST_FACTS: dict[str, BatchFact] = {}


def _has_photo(session: Session, ids: Sequence[int]) -> Mapping[int, object]:
    with_photo = set(bulk.ids_with_photo(session, ids))
    return {i: i in with_photo for i in ids}


LIST_FACTS["has_photo"] = _has_photo


def last_contacted_fact(session: Session, ids: Sequence[int]) -> Mapping[int, object]:
    """The day of the last exchange with each contact (YYYY-MM-DD), or None: `list --json`'s ``last_contacted``."""
    days = bulk.last_contacted_days(session, ids)
    return {i: days.get(i) for i in ids}


@dataclass(frozen=True, slots=True)
class ContactBatch:
    contacts: list[ContactDTO]
    done: int  # contacts read so far, this batch included
    total: int  # contacts chosen in all
    facts: Mapping[str, Mapping[int, object]] = field(default_factory=dict)


def read_batches(
    sessions: sessionmaker[Session],
    *,
    ids: Sequence[int] | None = None,
    query: str = "",
    tag: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    with_photo: bool = True,
    facts: Mapping[str, BatchFact] | None = None,
) -> Iterator[ContactBatch]:
    """The chosen contacts (``ids`` in that order, else those matching ``query`` and ``tag`` by name), in batches.

    Lazy: nothing is read before the first ``next``, and each batch only when asked for. The session stays open
    until the iterator is exhausted or closed.
    """
    with sessions() as s:
        if ids is None and not query and not tag:
            # The whole network: paged along the name index, no list of ids held.
            total = bulk.count_live(s)
            reader = bulk.iter_all_batches(s, batch_size=batch_size, with_photo=with_photo)
        else:
            chosen = list(ids) if ids is not None else repo.search_ids(s, query, tag)
            total = len(chosen)
            reader = bulk.iter_contact_batches(s, chosen, batch_size=batch_size, with_photo=with_photo)
        done = 0
        for contacts in reader:
            done = min(total, done + batch_size)
            batch_ids = [c.id for c in contacts if c.id is not None]
            computed = {key: fact(s, batch_ids) for key, fact in (facts or {}).items()}
            yield ContactBatch(contacts, done, total, computed)


# --- rendered on every core --------------------------------------------------------------------------------

# Turns a batch of contacts and their facts into output (text, bytes, a count of files written). A module-level
# function of io/ or a functools.partial of one: worker processes receive it by name.
Render = Callable[[list[ContactDTO], Mapping[str, Mapping[int, object]]], T]


@dataclass(frozen=True, slots=True)
class Rendered(Generic[T]):
    value: T
    count: int  # contacts rendered in this batch
    done: int  # contacts chosen up to and including this batch
    total: int  # contacts chosen in all


def render_batches(
    sessions: sessionmaker[Session],
    render: Render[T],
    *,
    ids: Sequence[int] | None = None,
    query: str = "",
    tag: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    with_photo: bool = True,
    facts: Mapping[str, BatchFact] | None = None,
    workers: int = 1,
) -> Iterator[Rendered[T]]:
    """``render`` applied to the chosen contacts a batch at a time, results in list order, as they are ready.

    By default everything runs in this process. With ``workers`` > 1, worker processes each read (from the
    database file) and render their own batches while this process only pages through the ids, computes the facts
    and hands results on in order; at most two batches per worker are in flight. Measured on the 2-core test
    machine (bench_bulk_reads.py), that gained little for `list --json` and exports (rendering is no longer the
    bottleneck) and cost about 40 MB per worker, so the command line does not use it; it is there for a caller with
    cores to spare and heavier rendering. Each worker reads in its own transaction: a contact changed meanwhile may
    appear as it is after the change.
    """
    facts = facts or {}
    with sessions() as s:
        whole = ids is None and not query and not tag
        total = (
            bulk.count_live(s)
            if whole
            else len(chosen := list(ids) if ids is not None else repo.search_ids(s, query, tag))
        )
        count = workers
        db_path = _database_file(s)
        if count <= 1 or db_path is None:
            for batch in read_batches(
                sessions, ids=ids, query=query, tag=tag, batch_size=batch_size, with_photo=with_photo, facts=facts
            ):
                yield Rendered(render(batch.contacts, batch.facts), len(batch.contacts), batch.done, total)
            return
        if whole:
            id_batches: Iterator[list[int]] = bulk.iter_all_id_batches(s, batch_size=batch_size)
        else:
            id_batches = (chosen[i : i + batch_size] for i in range(0, len(chosen), batch_size))
        # "spawn": forking a process that runs Qt or SQLAlchemy threads is unsafe; workers import only db.bulk and io.
        pool = ProcessPoolExecutor(
            max_workers=count,
            mp_context=get_context("spawn"),
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )
        try:
            in_flight: deque[tuple[int, Future[tuple[int, T]]]] = deque()
            done = 0
            for chunk in id_batches:
                computed = {key: fact(s, chunk) for key, fact in facts.items()}
                done += len(chunk)
                in_flight.append((done, pool.submit(bulk.map_batch, db_path, chunk, render, computed, with_photo)))
                if len(in_flight) >= 2 * count:
                    yield _result(in_flight.popleft(), total)
            while in_flight:
                yield _result(in_flight.popleft(), total)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(entry: tuple[int, Future[tuple[int, T]]], total: int) -> Rendered[T]:
    done, future = entry
    found, value = future.result()
    return Rendered(value, found, min(done, total), total)


def _database_file(session: Session) -> str | None:
    """The database file the workers open (None for an in-memory database: nothing to share)."""
    name = session.get_bind().engine.url.database
    return name if name and name != ":memory:" else None
