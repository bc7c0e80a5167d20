"""Change-sets combine without losing what either write changed."""

from netdesk.core.changes import NO_CHANGE, ChangeSet, Written


def test_union_keeps_every_part_and_the_first_label() -> None:
    a = ChangeSet(contacts=frozenset({1}), tags=True, label="edit Priya")
    b = ChangeSet(contacts=frozenset({2}), interactions=frozenset({7}), records=frozenset({"goal"}), label="log")
    both = a | b
    assert both.contacts == {1, 2} and both.interactions == {7} and both.tags and not both.networking
    assert both.records == {"goal"} and both.label == "edit Priya"


def test_empty() -> None:
    assert NO_CHANGE.empty and Written(3).changes.empty
    assert not ChangeSet(networking=True).empty and not ChangeSet(records=frozenset({"owner"})).empty


def test_a_change_to_contacts_fields_wins_over_a_change_to_their_activity_only() -> None:
    logged = ChangeSet(contacts=frozenset({1}), interactions=frozenset({7}), contact_fields=False, label="log")
    assert not (logged | logged).contact_fields  # two logs: still only activity
    assert not (logged | ChangeSet(tags=True)).contact_fields  # a change naming no contact adds nothing to theirs
    assert (logged | ChangeSet(contacts=frozenset({2}))).contact_fields  # an edit of someone: fields may differ
    assert ChangeSet(contacts=frozenset({1})).contact_fields  # unless a write says otherwise
