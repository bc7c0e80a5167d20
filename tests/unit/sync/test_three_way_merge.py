from netdesk.core.model import ContactDTO, ContactPoint, ExtraProperty
from netdesk.sync.merge import FieldConflict, merge_three_way

BASE = ContactDTO(
    uid="g",
    given_name="Grace",
    family_name="Hopper",
    title="Rear Admiral",
    emails=(ContactPoint("grace@navy.mil"),),
    phones=(ContactPoint("+1 202 555 0100", "work"),),
    extra=(ExtraProperty("X-PHONE-ONLY", "kept"),),
)


def test_a_field_changed_on_one_side_takes_that_side() -> None:
    local = BASE.replace(id=7, organization="US Navy")
    remote = BASE.replace(title="Commodore")
    merged, conflicts = merge_three_way(BASE, local, remote)
    assert (merged.id, merged.organization, merged.title, conflicts) == (7, "US Navy", "Commodore", [])


def test_lists_merge_item_by_item_with_removals_on_either_side() -> None:
    local = BASE.replace(emails=(*BASE.emails, ContactPoint("grace@yale.edu")), phones=())  # removed the phone
    remote = BASE.replace(emails=(), extra=(*BASE.extra, ExtraProperty("X-NEW", "1")))  # removed the email
    merged, conflicts = merge_three_way(BASE, local, remote)
    assert [e.value for e in merged.emails] == ["grace@yale.edu"]
    assert merged.phones == ()
    assert [x.name for x in merged.extra] == ["X-PHONE-ONLY", "X-NEW"]
    assert conflicts == []


def test_a_true_conflict_keeps_netdesks_value_and_returns_the_servers() -> None:
    merged, conflicts = merge_three_way(
        BASE, BASE.replace(title="Professor", notes="a"), BASE.replace(title="Commodore", notes="b")
    )
    assert merged.title == "Professor" and merged.notes == "a\n\nb"
    assert conflicts == [FieldConflict("title", "Professor", "Commodore"), FieldConflict("notes", "a", "b")]


def test_without_a_base_the_import_rules_apply() -> None:
    merged, conflicts = merge_three_way(None, BASE.replace(title="Professor"), BASE.replace(nickname="Amazing"))
    assert (merged.title, merged.nickname) == ("Professor", "Amazing")
    assert conflicts == [FieldConflict("title", "Professor", "Rear Admiral")]
