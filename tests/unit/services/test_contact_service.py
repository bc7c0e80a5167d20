from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    InteractionDTO,
    InteractionKind,
    PartialDate,
    Participant,
    PostalAddress,
)
from netdesk.services import NetDesk


def _ada(**kw: object) -> ContactDTO:
    base = ContactDTO(
        prefix="Dr.",
        given_name="Ada",
        family_name="Lovelace",
        nickname="Countess",
        organization="Analytical Engines Ltd",
        title="Mathematician",
        emails=(ContactPoint("ada@engines.co.uk", "work", True), ContactPoint("ada@home.org", "home")),
        phones=(ContactPoint("+44 20 7946 0000", "mobile"),),
        urls=(ContactPoint("https://ada.example", "homepage"),),
        ims=(ContactPoint("xmpp:ada@jabber.org", "xmpp"),),
        addresses=(PostalAddress(label="home", street="12 St James's Square", locality="London", country="UK"),),
        birthday=PartialDate(12, 10),
        notes="Wrote the first program.",
        tags=("math", "Pioneers"),
        photo=b"\x89PNG fake",
        photo_mime="image/png",
    )
    return base.replace(**kw)


def test_create_then_get_returns_every_field(nd: NetDesk) -> None:
    created = nd.contacts.create(_ada()).value
    got = nd.contacts.get(created.id)  # type: ignore[arg-type]
    assert got.uid and got.id == created.id
    for name in (
        "prefix",
        "given_name",
        "family_name",
        "nickname",
        "organization",
        "title",
        "emails",
        "phones",
        "urls",
        "ims",
        "addresses",
        "birthday",
        "notes",
        "photo",
        "photo_mime",
    ):
        assert getattr(got, name) == getattr(_ada(), name), name
    assert got.tags == ("math", "Pioneers")
    assert got.name == "Dr. Ada Lovelace"


def test_invalid_contact_is_refused_and_nothing_is_saved(nd: NetDesk) -> None:
    with pytest.raises(ValidationError):
        nd.contacts.create(ContactDTO(given_name="X", emails=(ContactPoint("broken@"),)))
    assert nd.contacts.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "mull",
        "MÜLLER",
        "jurg",
        "acme",
        "engineer",
        "j.mueller@acme",
        "+49 171",
        "491711234567",
        "berlin",
        "cheese",
        "friends",
    ],
)
def test_search_finds_by_every_field_prefix_and_accent_insensitive(nd: NetDesk, query: str) -> None:
    target = nd.contacts.create(
        ContactDTO(
            given_name="Jürgen",
            family_name="Müller",
            organization="ACME",
            title="Engineer",
            emails=(ContactPoint("j.mueller@acme.de"),),
            phones=(ContactPoint("+49 171 1234567"),),
            addresses=(PostalAddress(locality="Berlin"),),
            notes="Loves cheese",
            tags=("friends",),
        )
    ).value
    nd.contacts.create(ContactDTO(given_name="Zed", family_name="Other", organization="Elsewhere"))
    assert nd.contacts.search_ids(query) == [target.id]
    assert nd.contacts.match_ids(query) == {target.id}


def test_search_treats_fts_operators_as_text(nd: NetDesk) -> None:
    nd.contacts.create(ContactDTO(given_name="Ada"))
    for q in ['"', "NEAR(", "a*", "AND OR", "-", "ada)"]:
        nd.contacts.search_ids(q)  # must not raise


def test_empty_query_lists_all_sorted_by_name(nd: NetDesk) -> None:
    for name in ("Zoë", "adam", "Émile"):
        nd.contacts.create(ContactDTO(given_name=name))
    rows = nd.contacts.rows()
    assert [r.name for r in rows] == ["adam", "Émile", "Zoë"]
    assert nd.contacts.search_ids("") == [r.id for r in rows]


def test_tag_filter_and_counts(nd: NetDesk) -> None:
    a = nd.contacts.create(ContactDTO(given_name="A", tags=("vip", "fintech"))).value
    nd.contacts.create(ContactDTO(given_name="B", tags=("VIP",)))
    nd.contacts.create(ContactDTO(given_name="C"))
    assert [(t.name, t.count) for t in nd.contacts.tags()] == [("fintech", 1), ("vip", 2)]
    assert nd.contacts.search_ids("", tag="fintech") == [a.id]
    assert len(nd.contacts.search_ids("", tag="vip")) == 2
    assert nd.contacts.match_ids("", tag="FinTech") == {a.id}
    assert nd.contacts.match_ids("zzz", tag="vip") == frozenset()
    assert nd.contacts.match_ids("") is None


def test_update_reindexes_and_drops_unused_tags(nd: NetDesk) -> None:
    c = nd.contacts.create(ContactDTO(given_name="Ada", tags=("old",))).value
    nd.contacts.update(c.replace(given_name="Grace", tags=("new",)))
    assert nd.contacts.search_ids("ada") == []
    assert nd.contacts.search_ids("grace") == [c.id]
    assert [t.name for t in nd.contacts.tags()] == ["new"]


def test_delete_moves_to_trash_and_restore_brings_back(nd: NetDesk) -> None:
    assert not nd.contacts.has_contacts()
    c = nd.contacts.create(_ada()).value
    assert nd.contacts.has_contacts()
    assert nd.contacts.delete([c.id]).value == [c.id]  # type: ignore[list-item]
    assert not nd.contacts.has_contacts()  # only a contact in the trash
    assert nd.contacts.rows() == [] and nd.contacts.search_ids("ada") == []
    assert nd.contacts.match_ids("ada") == frozenset()
    assert [t.name for t in nd.contacts.trash()] == ["Dr. Ada Lovelace"]
    with pytest.raises(NotFoundError):
        nd.contacts.update(c)
    assert nd.contacts.restore([c.id]).value == [c.id]  # type: ignore[list-item]
    assert nd.contacts.search_ids("lovelace") == [c.id]
    assert nd.contacts.get(c.id).photo == b"\x89PNG fake"  # type: ignore[arg-type]


def test_purge_trash_deletes_old_entries_for_good(nd: NetDesk) -> None:
    old = nd.contacts.create(ContactDTO(given_name="Old")).value
    recent = nd.contacts.create(ContactDTO(given_name="Recent")).value
    nd.contacts.delete([old.id, recent.id])  # type: ignore[list-item]
    with nd.engine.begin() as conn:
        conn.execute(
            text("UPDATE contacts SET deleted_at = :d WHERE id = :i"),
            {"d": datetime.now() - timedelta(days=40), "i": old.id},
        )
    assert nd.contacts.purge_trash().value == 1
    assert [t.name for t in nd.contacts.trash()] == ["Recent"]


def test_organisation_lists_its_people(nd: NetDesk) -> None:
    nd.contacts.create(ContactDTO(kind=ContactKind.ORGANIZATION, organization="ACME", formatted_name="ACME"))
    nd.contacts.create(ContactDTO(given_name="Wile", organization="acme"))
    nd.contacts.create(ContactDTO(given_name="Road", organization="Runner Inc"))
    assert [r.name for r in nd.contacts.members_of("ACME")] == ["Wile"]


def test_timeline_newest_first_and_last_contacted(nd: NetDesk) -> None:
    a = nd.contacts.create(ContactDTO(given_name="Ada")).value
    b = nd.contacts.create(ContactDTO(given_name="Bob")).value
    assert a.id is not None and b.id is not None
    t1, t2 = datetime(2024, 1, 1, 9), datetime(2024, 6, 1, 9)
    nd.timeline.log(InteractionDTO(t1, InteractionKind.CALL, summary="first", participants=(Participant(a.id),)))
    second = nd.timeline.log(
        InteractionDTO(
            t2,
            InteractionKind.MEETING,
            summary="lunch",
            notes="talked about Zürich",
            participants=(Participant(a.id), Participant(b.id)),
        )
    ).value
    assert [i.summary for i in nd.timeline.for_contact(a.id)] == ["lunch", "first"]
    assert {r.name: r.last_contacted for r in nd.contacts.rows()} == {"Ada": t2, "Bob": t2}
    assert [i.summary for i in nd.timeline.search("zurich")] == ["lunch"]
    nd.timeline.delete(second.id)  # type: ignore[arg-type]
    assert {r.name: r.last_contacted for r in nd.contacts.rows()} == {"Ada": t1, "Bob": None}


def test_interaction_needs_a_participant(nd: NetDesk) -> None:
    with pytest.raises(ValidationError):
        nd.timeline.log(InteractionDTO(datetime(2024, 1, 1), InteractionKind.CALL))


def test_bulk_added_interactions_advance_last_contacted_as_a_full_refresh_would(nd: NetDesk) -> None:
    """Imports refresh the exchange facts of the contacts they touched; a refresh of everyone must agree."""
    from netdesk.core.model import Participant, ParticipantRole
    from netdesk.db.tables import Contact
    from netdesk.services.exchanges import refresh_exchange_facts
    from netdesk.services.timeline import bulk_insert_interactions, refresh_last_contacted

    ids = [nd.contacts.create(ContactDTO(given_name=n)).value.id or 0 for n in ("Ann", "Ben", "Cid", "Dee")]
    ann, ben, cid, dee = ids
    nd.timeline.log(InteractionDTO(datetime(2025, 3, 1, 9), InteractionKind.CALL, participants=(Participant(ann),)))
    added = [
        InteractionDTO(datetime(2024, 1, 1, 9), InteractionKind.MESSAGE, participants=(Participant(ann),)),  # older
        InteractionDTO(datetime(2025, 1, 1, 9), InteractionKind.MESSAGE, participants=(Participant(ben),)),
        InteractionDTO(datetime(2025, 2, 1, 9), InteractionKind.MESSAGE, participants=(Participant(ben),)),
        InteractionDTO(
            datetime(2025, 2, 2, 9),
            InteractionKind.INTRODUCTION,
            participants=(Participant(cid), Participant(dee, ParticipantRole.INTRODUCER)),
        ),
    ]

    def last_contacted() -> dict[int, object]:
        with nd.sessions() as s:
            return {c.id: c.last_contacted for c in s.query(Contact).filter(Contact.id.in_(ids))}

    with nd.sessions.begin() as s:
        bulk_insert_interactions(s, added)
        refresh_exchange_facts(s, {p.contact_id for i in added for p in i.participants})
    advanced = last_contacted()
    assert advanced == {
        ann: datetime(2025, 3, 1, 9),  # the older message does not move it back
        ben: datetime(2025, 2, 1, 9),
        cid: datetime(2025, 2, 2, 9),
        dee: datetime(2025, 2, 2, 9),  # an introduction involves the introducer too
    }
    with nd.sessions.begin() as s:
        refresh_last_contacted(s, ids)
    assert last_contacted() == advanced
