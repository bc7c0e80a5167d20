"""Every schema version NetDesk ever shipped has a fixture database; each upgrades to the current one intact."""

import shutil
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from netdesk.core.model import PartialDate
from netdesk.db.migrate import MIGRATIONS_DIR, _config, current_revision, head_revision
from netdesk.services import open_netdesk

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "migrations"


def _all_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_config())
    return {rev.revision for rev in script.walk_revisions()}


def test_there_is_a_fixture_for_every_revision() -> None:
    assert MIGRATIONS_DIR.is_dir()
    have = {p.stem.removeprefix("schema-") for p in FIXTURES.glob("schema-*.sqlite3")}
    assert have == _all_revisions(), "add tests/data/migrations/schema-<rev>.sqlite3 made by that revision"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.sqlite3")), ids=lambda p: p.stem)
def test_fixture_upgrades_with_no_data_lost(fixture: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    shutil.copy(fixture, db)
    nd = open_netdesk(db)
    assert current_revision(nd.engine) == head_revision()
    rows = {r.name: r for r in nd.contacts.rows()}
    assert set(rows) == {"Ada Lovelace", "Analytical Engines", "Charles Babbage"}
    ada = nd.contacts.get(rows["Ada Lovelace"].id)
    assert [e.value for e in ada.emails] == ["ada@engines.org"] and ada.emails[0].pref
    assert [p.value for p in ada.phones] == ["+44 20 7946 0000"]
    assert ada.addresses[0].locality == "London"
    assert ada.birthday == PartialDate(12, 10, 1815)
    assert ada.tags == ("math", "pioneer")
    assert ada.photo == b"\x89PNG\r\n\x1a\nfake"
    assert [x.name for x in ada.extra] == ["X-CUSTOM"]
    assert nd.contacts.search_ids("lovelace") == [ada.id]
    (meeting,) = nd.timeline.for_contact(ada.id)  # type: ignore[arg-type]
    assert meeting.summary == "Met at a party" and len(meeting.participants) == 2
    assert [i.summary for i in nd.timeline.search("difference")] == ["Met at a party"]
    nd.close()
