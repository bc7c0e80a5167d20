"""NewFolder: a new vdir written beside its target by a helper process and moved into place whole, or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from netdesk.io import atomic_folder
from netdesk.io.atomic_folder import NewFolder, is_new_folder


def _card(name: str) -> bytes:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n".encode()


def _leftovers(parent: Path, target: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p != target)


def test_a_new_folder_appears_whole_and_private(tmp_path: Path) -> None:
    book = tmp_path / "books" / "contacts"
    with NewFolder(book) as folder:
        for batch in range(3):
            folder.add([(f"p{batch}-{n}.vcf", _card(f"Person {batch} {n}")) for n in range(4)])
        assert not book.exists()  # nothing under the target name before the end
    assert sorted(p.name for p in book.iterdir()) == sorted(f"p{b}-{n}.vcf" for b in range(3) for n in range(4))
    assert (book / "p2-3.vcf").read_bytes() == _card("Person 2 3")
    assert stat.S_IMODE(book.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in book.iterdir()} == {0o600}
    assert _leftovers(book.parent, book) == []  # the temporary folder became the target


def test_an_empty_folder_is_replaced_by_the_finished_one(tmp_path: Path) -> None:
    book = tmp_path / "contacts"
    book.mkdir()
    assert is_new_folder(book)
    with NewFolder(book) as folder:
        folder.add([("ada.vcf", _card("Ada Lovelace"))])
    assert [p.name for p in book.iterdir()] == ["ada.vcf"]
    assert _leftovers(tmp_path, book) == []


def test_a_folder_with_files_or_a_link_is_not_new(tmp_path: Path) -> None:
    assert is_new_folder(tmp_path / "absent")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "old.vcf").write_bytes(_card("Old"))
    assert not is_new_folder(tmp_path / "book")
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    assert not is_new_folder(tmp_path / "link")  # a rename would replace the link, not fill the folder
    (tmp_path / "file").write_bytes(b"x")
    assert not is_new_folder(tmp_path / "file")


def test_an_error_in_the_block_leaves_nothing_behind(tmp_path: Path) -> None:
    book = tmp_path / "contacts"
    with pytest.raises(KeyboardInterrupt), NewFolder(book) as folder:
        folder.add([(f"p{n}.vcf", _card(f"Person {n}")) for n in range(50)])
        raise KeyboardInterrupt
    assert not book.exists()
    assert _leftovers(tmp_path, book) == []  # the helper was stopped before its folder was removed


def test_a_file_the_helper_cannot_create_is_one_clear_error_and_nothing_is_left(tmp_path: Path) -> None:
    book = tmp_path / "contacts"
    with pytest.raises(OSError) as raised, NewFolder(book) as folder:
        folder.add([("ada.vcf", _card("Ada")), (os.path.join("no such folder", "x.vcf"), _card("Nobody"))])
        for n in range(20):  # the helper's error reaches a later add or the end of the block
            folder.add([(f"p{n}.vcf", _card(f"Person {n}"))])
    assert isinstance(raised.value, FileNotFoundError)
    assert "no such folder" in str(raised.value.filename)
    assert not book.exists()
    assert _leftovers(tmp_path, book) == []


def test_the_spawned_helper_of_a_frozen_app_writes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A PyInstaller build has no interpreter to run on its own: it spawns a multiprocessing process (setting
    # sys.frozen here would make multiprocessing start this interpreter as a frozen app, which it is not).
    monkeypatch.setattr(atomic_folder, "_ChildHelper", atomic_folder._SpawnedHelper)
    book = tmp_path / "contacts"
    with NewFolder(book) as folder:
        assert type(folder._helper).__name__ == "_SpawnedHelper"
        folder.add([(f"p{n}.vcf", _card(f"Person {n}")) for n in range(30)])
    assert len(list(book.iterdir())) == 30 and (book / "p7.vcf").read_bytes() == _card("Person 7")
    assert _leftovers(tmp_path, book) == []
