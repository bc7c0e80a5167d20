"""AtomicFiles: many files, each replacing its target whole, or none of a failed group's."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesk.io.atomic import AtomicFiles


def _card(name: str) -> bytes:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n".encode()


def test_files_replace_their_targets_across_barriers(tmp_path: Path) -> None:
    (tmp_path / "ada.vcf").write_bytes(b"old")
    with AtomicFiles(barrier_files=3, max_pending_bytes=64) as files:
        for batch in range(4):
            files.add([(tmp_path / f"p{batch}-{n}.vcf", _card(f"Person {batch} {n}")) for n in range(2)])
        files.add([(tmp_path / "ada.vcf", _card("Ada Lovelace"))])
    assert (tmp_path / "ada.vcf").read_bytes() == _card("Ada Lovelace")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["ada.vcf", *(f"p{b}-{n}.vcf" for b in range(4) for n in range(2))]
    )
    assert (tmp_path / "p3-1.vcf").read_bytes() == _card("Person 3 1")


def test_a_failure_before_the_barrier_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "ada.vcf").write_bytes(b"old")
    with pytest.raises(FileNotFoundError), AtomicFiles() as files:
        files.add([(tmp_path / "ada.vcf", _card("Ada Lovelace")), (tmp_path / "grace.vcf", _card("Grace Hopper"))])
        files.add([(tmp_path / "no such folder" / "x.vcf", _card("Nobody"))])  # its write fails
        files.flush()
    assert (tmp_path / "ada.vcf").read_bytes() == b"old"  # not replaced: the group never reached its barrier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ada.vcf"]  # no temporary file and no half-new one
