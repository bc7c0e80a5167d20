"""The in-memory prefix index the contact list searches as the user types."""

from __future__ import annotations

import numpy as np

from netdesk.core.search_index import SearchIndex, mask_ids


def found(index: SearchIndex, query: str) -> set[int] | None:
    mask = index.matching(query)
    return None if mask is None else set(np.flatnonzero(mask).tolist())


DOCUMENTS = {
    3: "Jürgen Müller\nNorthwind Traders\nHead of Sales\njuergen.mueller@northwind.example\n+49 30 1234567",
    7: "Siobhan O'Brien\nBlue Harbor\nCTO\nsiobhan@blueharbor.example\nmentor",
    12: "Mariana Silva\nLumen Analytics\nData Scientist\nLisbon, Portugal",
    40: "Marco Rossi\nGreenline Energy\nFounder\nmarco@greenline.example",
}


def test_every_typed_word_must_start_a_word_case_and_accents_ignored() -> None:
    index = SearchIndex.from_documents(DOCUMENTS)
    assert found(index, "mar") == {12, 40}
    assert found(index, "MÜLL") == {3}
    assert found(index, "muller jur") == {3}
    assert found(index, "o'brien") == {7}  # the apostrophe splits words, as in the full-text index
    assert found(index, "+49 30") == {3}
    assert found(index, "sci lisbon") == {12}
    assert found(index, "ientist") == set()  # a word's middle is not a match
    assert found(index, "marco silva") == set()
    assert found(index, "  ") is None  # no words: nothing filters


def test_an_updated_index_sees_edits_deletions_and_new_contacts_and_leaves_the_old_one_as_it_was() -> None:
    index = SearchIndex.from_documents(DOCUMENTS)
    updated = index.updated({12: "Mariana Costa\nLumen Analytics", 7: None, 250: "Ingrid Hansen\nOslo"})
    assert found(updated, "silva") == set()
    assert found(updated, "costa") == {12}
    assert found(updated, "siobhan") == set()
    assert found(updated, "oslo ingr") == {250}
    assert found(updated, "mar") == {12, 40}
    # A reader holding the old index (the GUI thread while a worker updates) still gets its answers.
    assert found(index, "silva") == {12}
    assert found(index, "siobhan") == {7}


def test_mask_ids_keeps_the_lists_order_and_ignores_ids_beyond_the_mask() -> None:
    index = SearchIndex.from_documents(DOCUMENTS)
    mask = index.matching("mar")
    assert mask is not None
    assert mask_ids(mask, [40, 3, 999_999, 12]).tolist() == [40, 12]
