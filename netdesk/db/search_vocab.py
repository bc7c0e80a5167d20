"""Read the full-text index's own vocabulary into an in-memory prefix index (netdesk.core.search_index).

SQLite's ``fts5vocab`` lists every (word, contact) pair of ``contacts_fts`` in word order, which is exactly the
layout of a Segment; reading it is several times faster than re-tokenising 100,000 documents in Python, and the
words are the tokenizer's own. Read in slices of words, so that no single step holds the GIL for long (the GUI
thread keeps running while a worker builds the index).
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from netdesk.core.search_index import PackedTerms, SearchIndex, Segment

PAIRS_PER_SLICE = 25_000  # each slice's parse holds the GIL: a few ms at most


def _vocab_tables(cursor: sqlite3.Cursor) -> None:
    # temp tables live in the connection, so the pool may hand a connection that already has them
    cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.nd_vocab_row USING fts5vocab(main, contacts_fts, 'row')")
    cursor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.nd_vocab_instance USING fts5vocab(main, contacts_fts, 'instance')"
    )


def read_search_index(session: Session) -> SearchIndex:
    """The in-memory index of every contact in ``contacts_fts`` (one read transaction: a consistent snapshot)."""
    raw = session.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    cursor = raw.cursor()
    began = not raw.in_transaction
    if began:
        cursor.execute("BEGIN")  # one snapshot for the vocabulary and its pairs
    try:
        _vocab_tables(cursor)
        # The vocabulary in slices: 400,000 (word, count) tuples at once cost 60 MB more at the app's peak.
        pieces: list[str] = []
        offsets = array("q", [0])
        counts = array("q")
        cursor.execute("SELECT term, cnt FROM temp.nd_vocab_row")
        while batch := cursor.fetchmany(20_000):
            pieces.append("".join(term for term, _count in batch))
            for term, count in batch:
                offsets.append(offsets[-1] + len(term))
                counts.append(count)
        del batch
        terms = PackedTerms("".join(pieces), offsets)
        del pieces
        starts = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(counts, dtype=np.int64), out=starts[1:])
        del counts
        ids = np.empty(int(starts[-1]), dtype=np.int32)
        filled = 0
        first = 0
        while first < len(terms):
            # The words whose pairs fill about one slice.
            last = int(np.searchsorted(starts, starts[first] + PAIRS_PER_SLICE, side="right")) - 1
            last = max(last, first + 1)
            select = "SELECT group_concat(doc, ' ') FROM temp.nd_vocab_instance WHERE term >= ?"
            if last >= len(terms):
                sql, params = select, (terms[first],)
            else:
                sql, params = select + " AND term < ?", (terms[first], terms[last])
            (text,) = cursor.execute(sql, params).fetchone()
            # Parsed in C without a list of 100,000 strings: that list and its conversion held the GIL for tens of
            # milliseconds a slice, which the GUI thread waited out.
            chunk = np.fromstring(text, dtype=np.int32, sep=" ") if text else np.empty(0, dtype=np.int32)
            ids[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
            first = last
        if filled != len(ids):  # the index changed under us (cannot happen inside one read transaction)
            raise RuntimeError("the full-text index changed while it was read")
        live = [cid for (cid,) in cursor.execute("SELECT rowid FROM contacts_fts")]
        cursor.execute("PRAGMA shrink_memory")  # the whole index went through this connection's cache: free it
    finally:
        cursor.close()
        if began:
            raw.rollback()
    return SearchIndex(Segment(terms, starts, ids), live)


def search_documents(session: Session, ids: Sequence[int]) -> dict[int, str | None]:
    """The search document of each of ``ids``, None for a contact not in the index (deleted, or gone)."""
    found: dict[int, str | None] = dict.fromkeys(ids)
    raw = session.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection)
    for start in range(0, len(ids), 900):
        chunk = list(ids[start : start + 900])
        marks = ",".join("?" * len(chunk))
        for cid, body in raw.execute(f"SELECT rowid, body FROM contacts_fts WHERE rowid IN ({marks})", chunk):
            found[cid] = body
    return found
