from datetime import datetime

import pytest

from netdesk.core.errors import ValidationError
from netdesk.core.model import ContactDTO, ContactPoint, InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk


def _setup(nd: NetDesk) -> tuple[int, int, int]:
    robert = nd.contacts.create(
        ContactDTO(
            given_name="Robert",
            family_name="Smith",
            title="CTO",
            emails=(ContactPoint("rob@acme.org", "work"),),
            tags=("acme",),
        )
    ).value
    bob = nd.contacts.create(
        ContactDTO(
            given_name="Bob",
            family_name="Smith",
            title="Founder",
            phones=(ContactPoint("+1 617 555 0100", "mobile"),),
            tags=("golf",),
        )
    ).value
    other = nd.contacts.create(ContactDTO(given_name="Ada")).value
    assert robert.id and bob.id and other.id
    nd.timeline.log(
        InteractionDTO(
            datetime(2025, 5, 1, 9),
            InteractionKind.CALL,
            summary="golf call",
            participants=(Participant(bob.id), Participant(other.id)),
        )
    )
    nd.timeline.log(
        InteractionDTO(
            datetime(2024, 1, 1, 9),
            InteractionKind.MEETING,
            summary="both there",
            participants=(Participant(bob.id), Participant(robert.id)),
        )
    )
    return robert.id, bob.id, other.id


def test_merge_unites_values_moves_the_timeline_and_trashes_the_other(nd: NetDesk) -> None:
    robert, bob, _ = _setup(nd)
    nd.contacts.merge(robert, [bob])
    merged = nd.contacts.get(robert)
    assert merged.given_name == "Robert" and merged.title == "CTO"
    assert [p.value for p in merged.phones] == ["+1 617 555 0100"] and merged.tags == ("acme", "golf")
    assert {(h.field, h.old_value) for h in nd.contacts.history(robert)} == {
        ("given_name", "Bob"),
        ("title", "Founder"),
    }
    assert sorted(i.summary for i in nd.timeline.for_contact(robert)) == ["both there", "golf call"]
    assert [r.id for r in nd.contacts.rows() if r.name.endswith("Smith")] == [robert]
    assert [t.id for t in nd.contacts.trash()] == [bob]
    assert {r.name: r.last_contacted for r in nd.contacts.rows()}["Robert Smith"] == datetime(2025, 5, 1, 9)
    assert nd.contacts.match_ids("golf") == {robert}


def test_undoing_a_merge_restores_everything_exactly(nd: NetDesk) -> None:
    robert, bob, other = _setup(nd)
    before = {c.id: c for c in nd.contacts.search()}
    timelines = {cid: nd.timeline.for_contact(cid) for cid in (robert, bob, other)}
    with nd.undo.recording() as rec:
        written = nd.contacts.merge(robert, [bob])
    assert written.changes.label == "merge into Robert Smith" and written.changes.contacts == {robert, bob}
    nd.undo.undo(rec.step(written.changes))
    after = {c.id: c for c in nd.contacts.search()}
    assert set(after) == set(before)
    for cid, c in before.items():
        assert after[cid].replace(updated_at=None, version=0) == c.replace(updated_at=None, version=0)
    # Versions move forward on an undo (it is a change); everything else is as it was.
    unversioned = {cid: [i.replace(version=0) for i in items] for cid, items in timelines.items()}
    assert {
        cid: [i.replace(version=0) for i in nd.timeline.for_contact(cid)] for cid in (robert, bob, other)
    } == unversioned
    assert nd.contacts.history(robert) == [] and nd.contacts.trash() == []
    assert nd.contacts.match_ids("golf") == {bob}


def test_merge_needs_two_live_contacts(nd: NetDesk) -> None:
    robert, _, _ = _setup(nd)
    with pytest.raises(ValidationError):
        nd.contacts.merge(robert, [robert])
