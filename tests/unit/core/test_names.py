import pytest

from netdesk.core.names import canonical_given_name, given_names_may_match


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bob", "Robert"),
        ("bill", "William"),
        ("Liz", "Elizabeth"),
        ("Jon", "John"),
        ("Katarina", "Katharina"),
        ("Chris", "Christopher"),
        ("José", "Jose"),
        ("Alex", "Alexander"),
    ],
)
def test_near_miss_given_names_match(a: str, b: str) -> None:
    assert given_names_may_match(a, b)


@pytest.mark.parametrize(("a", "b"), [("Bob", "Alice"), ("Anna", "Hannah"), ("Li", "Lu"), ("", "Bob")])
def test_different_given_names_do_not_match(a: str, b: str) -> None:
    assert not given_names_may_match(a, b)


def test_canonical_given_name() -> None:
    assert canonical_given_name("Bobby") == "robert"
    assert canonical_given_name("Zoë") == "zoe"
