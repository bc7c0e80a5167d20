"""Short fuzz run (a few hundred inputs, a few seconds): hostile vCard and CSV input never crashes a reader.

Every input must be read without an exception other than the documented UnsupportedFormatError (CSV APIs), within
fuzzlib.TIME_LIMIT seconds, with every problem naming its file, a line inside the file and a reason, and with good
cards surviving a broken neighbour. The long run (>= 100,000 inputs) is tests/benchmarks/bench_fuzz.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fuzzlib import (
    HypothesisChooser,
    check_csv_bytes,
    check_good_cards_survive,
    check_vcard_bytes,
    corpus_files,
    csv_file,
    mutate,
    vcard_file,
    vcard_text,
)

# Fixed examples (derandomize) so that CI sees the same inputs every run; no example database between runs.
FUZZ = settings(
    max_examples=100,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.data())
def test_generated_vcards_read_safely(data: Any) -> None:
    chooser = HypothesisChooser(data)
    raw = vcard_file(chooser)
    if chooser.boolean():
        raw = mutate(chooser, raw, huge_line=20_000)
    assert check_vcard_bytes(raw) == []


@FUZZ
@given(st.data())
def test_a_broken_card_never_costs_its_neighbours(data: Any) -> None:
    chooser = HypothesisChooser(data)
    broken = vcard_text(chooser).encode("utf-8", errors="replace")
    if chooser.boolean():
        broken = mutate(chooser, broken, huge_line=20_000)
    assert check_good_cards_survive(broken) == []


@FUZZ
@given(st.data())
def test_mutated_corpus_files_read_safely(peer_fixtures: Path, data: Any) -> None:
    corpus = _corpus(peer_fixtures)
    chooser = HypothesisChooser(data)
    original = corpus[chooser.integer(0, len(corpus) - 1)]
    raw = mutate(chooser, original, huge_line=20_000)
    assert check_vcard_bytes(raw) == []
    assert check_csv_bytes(raw) == []


@FUZZ
@given(st.data())
def test_generated_csv_files_read_safely(data: Any) -> None:
    chooser = HypothesisChooser(data)
    raw = csv_file(chooser)
    if chooser.integer(0, 3) == 0:
        raw = mutate(chooser, raw, huge_line=20_000)
    assert check_csv_bytes(raw) == []


_CORPUS: list[bytes] = []


def _corpus(root: Path) -> list[bytes]:
    if not _CORPUS:
        _CORPUS.extend(corpus_files(root))
    if not _CORPUS:
        pytest.skip("fixture corpus is empty")
    return _CORPUS


def test_the_checks_catch_what_they_claim_to(monkeypatch: pytest.MonkeyPatch) -> None:
    """The properties can fail: a reader that raises, and one that drops a card, are both reported."""
    from . import fuzzlib

    good = b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n"
    assert check_vcard_bytes(good, name="x.vcf") == []
    real_reader = fuzzlib.read_vcard_bytes

    def drops_the_last_card(*args: Any, **kwargs: Any) -> list[Any]:
        return real_reader(*args, **kwargs)[:-1]

    monkeypatch.setattr(fuzzlib, "read_vcard_bytes", drops_the_last_card)
    assert check_good_cards_survive(b"BEGIN:VCARD\r\nFN:Broken") == [
        "good card 'Good Card Omega' lost (got ['Good Card Alpha', 'Broken'])"
    ]

    def raises(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise ZeroDivisionError

    monkeypatch.setattr(fuzzlib, "read_vcard_bytes", raises)
    assert any("ZeroDivisionError" in failure for failure in check_vcard_bytes(good))
