from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk
from netdesk.services.importing import ImportService


def _import(nd: NetDesk, contacts: list[ContactDTO], **kw: object) -> ImportReport:
    report = ImportReport()
    ImportService(nd.sessions).import_contacts(contacts, report, **kw)  # type: ignore[arg-type]
    return report


def test_new_contacts_are_created_with_a_uid(nd: NetDesk) -> None:
    report = _import(nd, [ContactDTO(given_name="Ada"), ContactDTO(uid="u-2", given_name="Bob")])
    assert report.created == ["Ada", "Bob"]
    uids = {c.name: c.uid for c in nd.contacts.search()}
    assert uids["Bob"] == "u-2" and len(uids["Ada"]) == 36


def test_same_uid_updates_and_keeps_the_old_value_in_history(nd: NetDesk) -> None:
    _import(nd, [ContactDTO(uid="u-1", given_name="Ada", organization="Old Corp")])
    report = _import(nd, [ContactDTO(uid="u-1", given_name="Ada", organization="New Corp")])
    assert report.updated == ["Ada"] and report.created == []
    (ada,) = nd.contacts.search()
    assert ada.organization == "New Corp"
    history = nd.contacts.history(ada.id)  # type: ignore[arg-type]
    assert [(h.field, h.old_value, h.new_value) for h in history] == [("organization", "Old Corp", "New Corp")]


def test_matching_email_or_phone_merges_without_losing_values(nd: NetDesk) -> None:
    _import(nd, [ContactDTO(uid="a", given_name="Ada", emails=(ContactPoint("Ada@X.org"),), tags=("one",))])
    _import(nd, [ContactDTO(uid="b", given_name="Bob", phones=(ContactPoint("+1 617 555 0100"),))])
    report = _import(
        nd,
        [
            ContactDTO(
                uid="c",
                given_name="Ada L.",
                emails=(ContactPoint("ada@x.org"), ContactPoint("al@y.org")),
                tags=("two",),
            ),
            ContactDTO(uid="d", given_name="Bobby", phones=(ContactPoint("(617) 555-0100"),), title="CTO"),
        ],
    )
    assert sorted(report.merged) == ["Ada", "Bob"]
    contacts = {c.name: c for c in nd.contacts.search()}
    assert set(contacts) == {"Ada", "Bob"}
    assert [e.value for e in contacts["Ada"].emails] == ["Ada@X.org", "al@y.org"]
    assert contacts["Ada"].tags == ("one", "two")
    assert contacts["Bob"].title == "CTO"


def test_duplicates_inside_one_batch_become_one_contact(nd: NetDesk) -> None:
    report = _import(
        nd,
        [
            ContactDTO(given_name="Ada", emails=(ContactPoint("ada@x.org"),)),
            ContactDTO(
                given_name="Ada", emails=(ContactPoint("ADA@x.org"),), phones=(ContactPoint("+44 20 7946 0000"),)
            ),
        ],
    )
    assert report.created == ["Ada"]
    (ada,) = nd.contacts.search()
    assert [p.value for p in ada.phones] == ["+44 20 7946 0000"]


def test_importing_the_same_batch_twice_changes_nothing(nd: NetDesk) -> None:
    batch = [ContactDTO(uid=f"u{i}", given_name=f"P{i}", emails=(ContactPoint(f"p{i}@x.org"),)) for i in range(20)]
    _import(nd, batch)
    before = nd.contacts.search()
    report = _import(nd, batch)
    assert report.created == [] and report.updated == [] and report.merged == []
    assert len(report.unchanged) == 20
    assert nd.contacts.search() == before


def test_cancel_rolls_back_everything(nd: NetDesk) -> None:
    nd.contacts.create(ContactDTO(given_name="Existing"))
    report = _import(nd, [ContactDTO(given_name=f"P{i}") for i in range(500)], cancel=lambda: True)
    assert report.cancelled
    assert [r.name for r in nd.contacts.rows()] == ["Existing"]


def test_trashed_contact_with_same_uid_is_revived(nd: NetDesk) -> None:
    _import(nd, [ContactDTO(uid="u-1", given_name="Ada")])
    (ada,) = nd.contacts.rows()
    nd.contacts.delete([ada.id])
    _import(nd, [ContactDTO(uid="u-1", given_name="Ada")])
    assert [r.id for r in nd.contacts.rows()] == [ada.id]
    assert nd.contacts.search_ids("ada") == [ada.id]


def test_name_and_organisation_match_only_when_asked(nd: NetDesk) -> None:
    _import(nd, [ContactDTO(given_name="Ada", family_name="Lovelace", organization="ACME")])
    _import(nd, [ContactDTO(given_name="Ada", family_name="Lovelace", organization="ACME")])
    assert nd.contacts.count() == 2
    report = _import(
        nd, [ContactDTO(given_name="Ada", family_name="Lovelace", organization="acme", title="CTO")], match_names=True
    )
    assert report.merged == ["Ada Lovelace"] and nd.contacts.count() == 2


def test_shared_office_phone_does_not_merge_two_people(nd: NetDesk) -> None:
    office = ContactPoint("+1 617 555 0100", "work")
    report = _import(
        nd,
        [
            ContactDTO(given_name="Ada", family_name="Lovelace", phones=(office,)),
            ContactDTO(given_name="Charles", family_name="Babbage", phones=(office,)),
        ],
    )
    assert sorted(report.created) == ["Ada Lovelace", "Charles Babbage"]
    assert any("shares the phone" in s for s in report.suggestions)


def test_a_new_contact_named_by_its_duplicate_in_the_batch_is_written_and_indexed_by_the_merged_name(
    nd: NetDesk,
) -> None:
    report = _import(
        nd,
        [
            ContactDTO(emails=(ContactPoint("ada@x.org"),)),
            ContactDTO(given_name="Ada", emails=(ContactPoint("ADA@x.org"),)),
        ],
    )
    assert report.created == ["Ada"]
    assert [c.name for c in nd.contacts.search("ada")] == ["Ada"]
    assert [r.sort_key for r in nd.contacts.rows()] == ["ada"]


def test_a_new_contact_replaced_after_matching_is_written_with_its_own_name(nd: NetDesk) -> None:
    from netdesk.db.engine import write_transaction
    from netdesk.services.contact_import import match_contacts, write_contacts

    report = ImportReport()
    with write_transaction(nd.sessions) as s:
        plan = match_contacts(s, [ContactDTO(given_name="Ada"), ContactDTO(given_name="Bob")], report)
        plan.new_dtos[1] = plan.new_dtos[1].replace(given_name="Grace", family_name="Hopper")
        write_contacts(s, plan, report)
    assert report.created == ["Ada", "Grace Hopper"]
    assert sorted(r.sort_key for r in nd.contacts.rows()) == ["ada", "grace hopper"]
    assert [c.name for c in nd.contacts.search("hopper")] == ["Grace Hopper"]
