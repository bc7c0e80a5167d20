from netdesk.core.merge import merge_contacts, same_content
from netdesk.core.model import ContactDTO, ContactPoint, PartialDate


def test_merge_unites_values_and_keeps_existing_scalars() -> None:
    old = ContactDTO(given_name="Robert", title="CTO", emails=(ContactPoint("bob@x.org", "work"),), tags=("a",))
    new = ContactDTO(
        given_name="Bob",
        title="CEO",
        organization="ACME",
        emails=(ContactPoint("BOB@x.org", "", pref=True), ContactPoint("b@home.net", "home")),
        tags=("b",),
        notes="Met at PyCon",
    )
    merged, changes = merge_contacts(old, new)
    assert merged.given_name == "Robert" and merged.title == "CTO" and merged.organization == "ACME"
    assert [e.value for e in merged.emails] == ["bob@x.org", "b@home.net"]
    assert merged.emails[0].pref and merged.emails[0].label == "work"
    assert merged.tags == ("a", "b")
    assert merged.notes == "Met at PyCon"
    # The values that lost are reported so that nothing is dropped.
    assert {(c.field, c.old_value) for c in changes} == {("given_name", "Bob"), ("title", "CEO")}


def test_merge_with_incoming_winning_records_the_old_value() -> None:
    old = ContactDTO(given_name="Ada", organization="Old Corp")
    merged, changes = merge_contacts(old, ContactDTO(given_name="Ada", organization="New Corp"), incoming_wins=True)
    assert merged.organization == "New Corp"
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("organization", "Old Corp", "New Corp")]


def test_merge_fills_birthday_year_when_day_matches() -> None:
    old = ContactDTO(given_name="A", birthday=PartialDate(4, 12))
    merged, _ = merge_contacts(old, ContactDTO(given_name="A", birthday=PartialDate(4, 12, 1985)))
    assert merged.birthday == PartialDate(4, 12, 1985)


def test_merging_the_same_record_changes_nothing() -> None:
    c = ContactDTO(given_name="Ada", emails=(ContactPoint("a@b.org"),), notes="hello", tags=("x",))
    merged, changes = merge_contacts(c, c)
    assert same_content(merged, c) and changes == []


def test_union_points_keeps_same_number_under_other_labels_and_fills_missing_labels() -> None:
    from netdesk.core.merge import union_points

    existing = (ContactPoint("+49 30 1234567", "work"), ContactPoint("Fax privat", "home fax"))
    incoming = (
        ContactPoint("+49301234567", "work", pref=True),  # same number, same label: only the pref flag is added
        ContactPoint("+49 30 1234567", "mobile"),  # same number, other label: kept
        ContactPoint("Fax geschäftlich", "work fax"),  # text without digits is compared as text
    )
    merged = union_points("phones", existing, incoming)
    assert merged == (
        ContactPoint("+49 30 1234567", "work", pref=True),
        ContactPoint("Fax privat", "home fax"),
        ContactPoint("+49 30 1234567", "mobile"),
        ContactPoint("Fax geschäftlich", "work fax"),
    )
    assert union_points("phones", merged, incoming) == merged  # idempotent
    assert union_points("emails", (ContactPoint("a@b.org"),), (ContactPoint("A@B.org", "work"),)) == (
        ContactPoint("a@b.org", "work"),
    )


def test_same_person_accepts_name_variants_and_refuses_different_people() -> None:
    from netdesk.core.merge import same_person

    ada = ContactDTO(given_name="Ada", family_name="Lovelace")
    assert same_person(ada, ContactDTO(given_name="Ada", family_name="LOVELACE", title="x"))
    assert same_person(
        ContactDTO(given_name="Robert", family_name="Smith"), ContactDTO(given_name="Bob", family_name="Smith")
    )
    assert same_person(ada, ContactDTO(emails=(ContactPoint("a@b.org"),)))  # no name: fits anyone
    assert same_person(ada, ContactDTO(given_name="Ada"))
    assert same_person(
        ContactDTO(formatted_name="VCard Test", given_name="Roid", family_name="Ando"),
        ContactDTO(given_name="Roid", family_name="Ando"),
    )
    assert not same_person(ada, ContactDTO(given_name="Charles", family_name="Babbage"))
    assert not same_person(ada, ContactDTO(given_name="Ada", family_name="Byron"))


def test_union_extras_keeps_groups_apart_and_is_idempotent() -> None:
    from netdesk.core.merge import union_extras
    from netdesk.core.model import ExtraProperty as X

    mine = (X("X-ABDATE", "2000-01-01", group="item1"), X("X-ABLABEL", "wedding", group="item1"), X("GEO", "1;2"))
    theirs = (
        X("X-ABRELATEDNAMES", "Jane", group="item1"),
        X("X-ABLABEL", "_$!<Spouse>!$_", group="item1"),
        X("GEO", "1;2"),
    )
    merged = union_extras(mine, theirs)
    assert merged[:3] == mine
    renamed = {e.group for e in merged[3:]}
    assert len(merged) == 5 and len(renamed) == 1 and renamed != {"item1"}
    assert union_extras(merged, theirs) == merged  # the same group again is recognised, not added twice
    assert union_extras(merged, merged) == merged


def test_a_record_that_brings_nothing_new_merges_into_the_existing_record_itself() -> None:
    """What a re-import relies on: the existing record is returned as it is (its caller tells "unchanged" by
    identity), and a record that brings one new value gets a new record with only that value changed."""
    existing = ContactDTO(
        given_name="Ada",
        family_name="Lindqvist",
        organization="Nordlicht",
        title="Head of Perception",
        urls=(ContactPoint("https://www.linkedin.com/in/ada", "linkedin"),),
        emails=(ContactPoint("ada@example.org", "work"),),
        tags=("Robotics",),
        notes="met at ICRA",
    )
    same_again = ContactDTO(
        given_name="Ada",
        family_name="Lindqvist",
        organization="Nordlicht",
        title="Head of Perception",
        urls=(ContactPoint("https://www.linkedin.com/in/ada/", "linkedin"),),  # the same URL, written otherwise
    )
    merged, changes = merge_contacts(existing, same_again, incoming_wins_fields=frozenset({"organization", "title"}))
    assert merged is existing and changes == []
    moved = same_again.replace(organization="Globex")
    merged, changes = merge_contacts(existing, moved, incoming_wins_fields=frozenset({"organization", "title"}))
    assert merged is not existing and merged.organization == "Globex"
    assert merged.replace(organization="Nordlicht") == existing  # nothing else moved
    assert not same_content(merged, existing) and same_content(existing, existing)
