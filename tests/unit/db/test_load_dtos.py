"""repository.load_dtos, the export's batch reader on the session's connection: read in one batch and in batches of
37 (the export's way), real cards from other programs come back alike, in the order asked for, photos, dates without a
year, parameters and unknown properties included; and it sees the session's changes not yet flushed."""

from __future__ import annotations

from pathlib import Path

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.db import repository as repo
from netdesk.db.bulk import iter_contact_batches
from netdesk.services import NetDesk

DATA = Path(__file__).resolve().parents[2] / "data"


def test_load_dtos_agrees_with_the_batch_reader_on_real_cards(nd: NetDesk) -> None:
    cards = sorted(p for p in (DATA / "peer").rglob("*") if p.suffix.lower() in (".vcf", ".vcard"))
    nd.imports.import_paths([*cards, DATA / "linkedin"])
    with nd.sessions() as s:
        ids = repo.search_ids(s)
        loaded = repo.load_dtos(s, ids)
        batched = [dto for batch in iter_contact_batches(s, ids, batch_size=37) for dto in batch]
    assert len(ids) > 100 and len(loaded) == len(ids)
    assert [d.id for d in loaded] == ids  # in the order asked for
    assert loaded == batched
    # The corpus covers what the loader types: photos, partial dates, parameters, unknown properties, stars.
    assert any(d.photo for d in loaded) and any(d.birthday for d in loaded) and any(d.extra for d in loaded)
    assert any(d.addresses for d in loaded) and any(d.connected_on for d in loaded) and any(d.tags for d in loaded)


def test_load_dtos_sees_the_sessions_unflushed_changes(nd: NetDesk) -> None:
    created = nd.contacts.create(ContactDTO(given_name="Ada", emails=(ContactPoint("ada@example.org"),))).value
    assert created.id is not None
    with nd.sessions() as s:
        row = repo.live_contact(s, created.id)
        row.organization = "Analytical Engines"  # pending in the session, not flushed
        assert repo.load_dtos(s, [created.id])[0].organization == "Analytical Engines"
        s.rollback()
