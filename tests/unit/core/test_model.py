from datetime import date

import pytest

from netdesk.core.model import ContactDTO, ContactPoint, PartialDate, PostalAddress, display_name, sorted_tags


def test_partial_date_round_trips_with_and_without_year() -> None:
    assert PartialDate.parse("1985-04-12") == PartialDate(4, 12, 1985)
    assert PartialDate.parse("--04-12").year is None
    assert PartialDate(4, 12).iso() == "--04-12"
    assert PartialDate(4, 12, 1985).iso() == "1985-04-12"


def test_partial_date_accepts_leap_day_without_year_and_rejects_nonsense() -> None:
    assert PartialDate.parse("--02-29").day == 29
    with pytest.raises(ValueError):
        PartialDate.parse("2023-02-29")
    with pytest.raises(ValueError):
        PartialDate.parse("12/04/1985")


def test_display_name_falls_back_in_order() -> None:
    assert display_name(ContactDTO(formatted_name="Dr. Ada L.", given_name="Ada")) == "Dr. Ada L."
    assert display_name(ContactDTO(prefix="Dr.", given_name="Ada", family_name="Lovelace")) == "Dr. Ada Lovelace"
    assert display_name(ContactDTO(organization="ACME")) == "ACME"
    assert display_name(ContactDTO(emails=(ContactPoint("a@b.c"),))) == "a@b.c"


def test_sorted_tags_dedupes_case_insensitively_and_sorts() -> None:
    assert sorted_tags(["beta", " Alpha", "alpha", "", "Gamma"]) == ("Alpha", "beta", "Gamma")
    assert sorted_tags(()) == sorted_tags([]) == sorted_tags(set()) == ()
    assert sorted_tags(t for t in ("b", "A")) == ("A", "b")  # an iterator is always read


def test_address_one_line_skips_empty_parts() -> None:
    a = PostalAddress(street="1 Main St", locality="Springfield", postal_code="12345", country="USA")
    assert a.one_line() == "1 Main St, 12345 Springfield, USA"
    assert PostalAddress(label="home").is_empty()


def test_dto_replace_returns_a_new_object() -> None:
    c = ContactDTO(given_name="Ada", connected_on=date(2021, 3, 15))
    d = c.replace(family_name="Lovelace")
    assert (c.family_name, d.family_name, d.connected_on) == ("", "Lovelace", date(2021, 3, 15))
