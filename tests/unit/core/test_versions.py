from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.core.versions import three_way

BASE = ContactDTO(id=1, given_name="Priya", family_name="Raman", title="Engineer", notes="", version=3)


def test_changes_on_either_side_only_are_both_kept() -> None:
    mine = BASE.replace(notes="Met at PyCon")
    theirs = BASE.replace(title="CTO", emails=(ContactPoint("priya@example.org"),), version=4)
    merged, conflicts = three_way(BASE, mine, theirs)
    assert conflicts == []
    assert (merged.notes, merged.title, merged.emails, merged.version) == (
        "Met at PyCon",
        "CTO",
        (ContactPoint("priya@example.org"),),
        4,  # based on what is stored now
    )


def test_the_same_field_changed_both_ways_is_a_conflict_with_both_values() -> None:
    mine = BASE.replace(title="VP Engineering", notes="x")
    theirs = BASE.replace(title="CTO", version=4)
    merged, conflicts = three_way(BASE, mine, theirs)
    assert conflicts == [("title", "VP Engineering", "CTO")]
    assert merged.title == "CTO" and merged.notes == "x"


def test_the_same_change_on_both_sides_and_reordered_tags_are_no_conflict() -> None:
    base = BASE.replace(tags=("conference", "python"))
    mine = base.replace(title="CTO", tags=("Python", "conference"))
    theirs = base.replace(title="CTO", version=9)
    merged, conflicts = three_way(base, mine, theirs)
    assert conflicts == [] and merged.title == "CTO" and merged.version == 9
