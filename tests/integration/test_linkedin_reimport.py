"""Importing a newer LinkedIn export again: only what changed is written, and nothing at all when nothing did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from netdesk.services import NetDesk
from netdesk.services.linkedin_import import BULK_ROWS
from tests.linkedin_exports import connections_export
from tests.unit.services.test_undo import record, snapshot

PEOPLE = 1000  # connections, each with one message: 2,000 rows, the size from which an import writes in bulk


def _data_version(database: sqlite3.Connection) -> int:
    """SQLite's count of the transactions other connections committed with a change (a write of any page)."""
    return int(database.execute("PRAGMA data_version").fetchone()[0])


def test_a_reimport_of_the_same_export_writes_nothing(nd: NetDesk, tmp_path: Path) -> None:
    assert 2 * PEOPLE >= BULK_ROWS  # the bulk path, which sets triggers and indexes aside when it writes
    export = connections_export(tmp_path / "export", PEOPLE)
    nd.imports.import_paths([export])
    assert nd.path is not None
    watcher = sqlite3.connect(nd.path)
    try:
        before_version, before = _data_version(watcher), snapshot(nd)
        schema = watcher.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        again = nd.imports.import_paths([export]).value
        assert again.created == [] and again.updated == [] and again.merged == []
        assert len(again.unchanged) == PEOPLE and again.interactions_added == 0
        # Not one page written: no row, no trigger or index dropped and created again, no search-index setting.
        assert _data_version(watcher) == before_version
        assert watcher.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
        assert snapshot(nd) == before
    finally:
        watcher.close()


def test_a_reimport_where_one_connection_changed_company_updates_that_contact_and_undoes(
    nd: NetDesk, tmp_path: Path
) -> None:
    nd.imports.import_paths([connections_export(tmp_path / "first", PEOPLE)])
    moved = next(c for c in nd.contacts.search() if c.name == "Given7 Family7")
    assert moved.id is not None and moved.organization == "Acme"
    before = snapshot(nd)
    newer = connections_export(tmp_path / "newer", PEOPLE, {7: "Globex"})
    report, step = record(nd, lambda: nd.imports.import_paths([newer]))
    assert report.merged == ["Given7 Family7"] and report.created == [] and report.interactions_added == 0
    assert len(report.unchanged) == PEOPLE - 1
    after = snapshot(nd)
    changed = {table: set(after[table]) ^ set(before[table]) for table in after if after[table] != before[table]}
    # Given7's row, its points (written again as a whole), search document and history, and the job-change note on
    # their timeline (services/job_changes.py): nobody else's.
    assert {row[0] for row in changed.pop("contacts")} == {moved.id}
    assert {row[0] for row in changed.pop("contacts_fts")} == {moved.id}
    assert {row[2] for row in changed.pop("contact_points")} == {moved.id}
    assert {row[2] for row in changed.pop("contact_history")} == {moved.id}
    assert {row[2] for row in changed.pop("interaction_participants")} == {moved.id}
    notes = changed.pop("interactions")
    assert len(notes) == 1 and len(changed.pop("interactions_fts")) == 1
    assert changed == {}, changed
    assert nd.contacts.get(moved.id).organization == "Globex"
    history = [(h.field, h.old_value, h.new_value) for h in nd.contacts.history(moved.id)]
    assert history == [("organization", "Acme", "Globex")]
    nd.undo.undo(step)
    assert snapshot(nd) == before
    assert nd.contacts.get(moved.id).organization == "Acme"
