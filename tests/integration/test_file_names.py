"""A database file is opened by its name as written, whatever characters a URL would read otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO
from netdesk.services import open_netdesk


@pytest.mark.parametrize("name", ["a?b.sqlite3", "a?mode=ro.sqlite3", "café #2 %20 & co.sqlite3"])
def test_a_database_named_with_url_characters_is_that_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    nd = open_netdesk(path)
    try:
        nd.contacts.create(ContactDTO(given_name="Grace", family_name="Hopper"))
    finally:
        nd.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [name]
    again = open_netdesk(path)
    try:
        assert [r.name for r in again.contacts.rows()] == ["Grace Hopper"]
    finally:
        again.close()


def test_backups_of_such_a_database_are_read_and_restored(tmp_path: Path) -> None:
    nd = open_netdesk(tmp_path / "team?#1.sqlite3")
    try:
        assert nd.backups is not None
        nd.contacts.create(ContactDTO(given_name="Grace", family_name="Hopper"))
        made = nd.backups.create("manual")
        assert [b.contact_count for b in nd.backups.list()] == [1]  # read from the backup file itself
        nd.contacts.create(ContactDTO(given_name="Alan", family_name="Kay"))
        nd.backups.restore(made.path)
        assert [r.name for r in nd.contacts.rows()] == ["Grace Hopper"]
    finally:
        nd.close()
