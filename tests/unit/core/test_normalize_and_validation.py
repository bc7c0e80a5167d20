import pytest

from netdesk.core.errors import ValidationError
from netdesk.core.model import ContactDTO, ContactKind, ContactPoint
from netdesk.core.normalize import fold, is_valid_email, normalize_email, normalize_phone
from netdesk.core.validation import validate_contact


def test_fold_removes_case_and_accents() -> None:
    assert fold("Müller") == "muller"
    assert fold("ÉMILE Zoë") == "emile zoe"


def test_email_normalisation_and_validation() -> None:
    assert normalize_email("  Ada@Example.COM ") == "ada@example.com"
    assert is_valid_email("ada@example.com")
    assert not is_valid_email("ada@example")
    assert not is_valid_email("ada example@x.org")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+49 171 1234567", "+491711234567"),
        ("+49 (0)171-123 4567", "+491711234567"),
        ("tel:+1-617-555-0100", "+16175550100"),
        ("(617) 555-0100", "+16175550100"),
    ],
)
def test_phone_numbers_normalise_to_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_unparseable_phone_keeps_its_digits() -> None:
    assert normalize_phone("ext. 12") == "12"


def test_contact_needs_a_name_an_organisation_or_an_email() -> None:
    with pytest.raises(ValidationError) as err:
        validate_contact(ContactDTO())
    assert err.value.field == "name"
    validate_contact(ContactDTO(organization="ACME"))
    validate_contact(ContactDTO(emails=(ContactPoint("a@b.org"),)))


def test_malformed_email_is_rejected_with_its_field() -> None:
    with pytest.raises(ValidationError) as err:
        validate_contact(ContactDTO(given_name="Ada", emails=(ContactPoint("not-an-email"),)))
    assert err.value.field == "emails"
    assert "not-an-email" in err.value.message


def test_organisation_needs_a_name() -> None:
    with pytest.raises(ValidationError):
        validate_contact(ContactDTO(kind=ContactKind.ORGANIZATION, given_name="x"))
