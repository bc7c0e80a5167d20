"""The contact list's in-memory index answers exactly as the full-text search, also after edits."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.core.normalize import fold
from netdesk.io.report import ImportReport
from netdesk.services import open_netdesk
from netdesk.services.demo import generate_contacts


def as_set(mask: np.ndarray | None) -> frozenset[int] | None:
    return None if mask is None else frozenset(np.flatnonzero(mask).tolist())


def test_index_matches_the_full_text_search_before_and_after_edits(tmp_path: Path) -> None:
    nd = open_netdesk(tmp_path / "network.sqlite3")
    try:
        people = list(generate_contacts(300, seed=4))
        people.append(ContactDTO(given_name="Zoë", family_name="Ørsted-Ñúñez", notes="Met at the Zürich meetup"))
        nd.imports.import_contacts(people, ImportReport())
        rng = random.Random(9)
        words = sorted({w for c in nd.contacts.search("") for w in re.findall(r"\w+", fold(c.name + " " + c.title))})
        queries = [w[: rng.randint(1, len(w))] for w in rng.sample(words, 40)]
        queries += ["zoe", "ØRSTED", "nunez zur", "@", "o'", "+1", "com", "mentor", "x y z"]

        index = nd.contacts.search_index()
        for query in queries:
            assert as_set(index.matching(query)) == nd.contacts.match_ids(query), query

        someone = nd.contacts.search("zoe")[0]
        renamed = nd.contacts.update(someone.replace(family_name="Okonkwo", notes="")).value
        gone = nd.contacts.search_ids("")[5:8]
        nd.contacts.delete(gone)
        added = nd.contacts.create(
            ContactDTO(given_name="Thandiwe", family_name="Mokoena", emails=(ContactPoint("t@lumen.example"),))
        ).value
        changed = [renamed.id or 0, *gone, added.id or 0]
        index = index.updated(nd.contacts.search_documents(changed))
        for query in [*queries, "okonkwo", "thandiwe mok", "lumen"]:
            assert as_set(index.matching(query)) == nd.contacts.match_ids(query), query
        assert as_set(index.matching("orsted")) == frozenset()
    finally:
        nd.close()
