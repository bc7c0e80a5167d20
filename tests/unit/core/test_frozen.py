"""fast_constructor builds what the frozen dataclass's own constructor builds, and the result stays frozen."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date

import pytest

from netdesk.core.frozen import fast_constructor
from netdesk.core.model import ContactDTO, ContactPoint, PartialDate

new_contact = fast_constructor(ContactDTO)
new_point = fast_constructor(ContactPoint)


def _fields() -> dict[str, object]:
    return {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "organization": "Analytical Engines",
        "emails": (new_point("ada@example.org", "", pref=True),),
        "urls": (ContactPoint("https://www.linkedin.com/in/ada", label="linkedin"),),
        "tags": ("maths",),
        "connected_on": date(2021, 3, 15),
    }


def test_same_object_as_the_constructor_builds() -> None:
    fast, slow = new_contact(**_fields()), ContactDTO(**_fields())
    assert type(fast) is ContactDTO
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert fast.name == "Ada Lovelace" and fast.emails[0] == ContactPoint("ada@example.org", pref=True)
    assert new_contact() == ContactDTO()  # every default filled in
    assert new_point("x", label="work") == ContactPoint("x", "work") != new_point("y", label="work")


def test_result_is_frozen_and_behaves_as_a_dataclass() -> None:
    fast = new_contact(**_fields())
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.given_name = "Grace"
    changed = fast.replace(given_name="Grace")
    assert (changed.given_name, fast.given_name, changed.family_name) == ("Grace", "Ada", "Lovelace")
    assert pickle.loads(pickle.dumps(fast)) == fast
    assert dataclasses.asdict(fast) == dataclasses.asdict(ContactDTO(**_fields()))


def test_wrong_arguments_fail_as_the_constructor_does() -> None:
    with pytest.raises(TypeError):
        new_contact(no_such_field="x")
    with pytest.raises(TypeError):
        new_point()  # value is required


def test_classes_a_twin_cannot_stand_for_are_refused() -> None:
    @dataclasses.dataclass(slots=True)
    class Mutable:
        a: int = 0

    @dataclasses.dataclass(frozen=True)
    class WithoutSlots:
        a: int = 0

    for cls in (Mutable, WithoutSlots, PartialDate):  # PartialDate checks itself in __post_init__
        with pytest.raises(TypeError):
            fast_constructor(cls)


@dataclasses.dataclass(frozen=True, slots=True)
class _WithKeywordOnly:
    first: str
    last: str = dataclasses.field(default="", kw_only=True)
    middle: str = ""


def test_keyword_only_fields_keep_their_place_in_the_arguments() -> None:
    """A keyword-only field moves to the end of the real constructor's parameters: the twin's must match, or a
    positional call would fill the wrong fields."""
    build = fast_constructor(_WithKeywordOnly)
    assert build("a", "b") == _WithKeywordOnly("a", "b") == _WithKeywordOnly(first="a", middle="b")
    assert build("a", "b", last="c") == _WithKeywordOnly("a", "b", last="c")
    with pytest.raises(TypeError):
        build("a", "b", "c")
