"""Rules a contact must satisfy before it is saved."""

from __future__ import annotations

from netdesk.core.errors import ValidationError
from netdesk.core.model import ContactDTO, ContactKind, display_name
from netdesk.core.normalize import is_valid_email


def validate_contact(c: ContactDTO) -> None:
    """Raise ValidationError naming the first offending field."""
    if c.kind is ContactKind.ORGANIZATION and not (c.organization.strip() or c.formatted_name.strip()):
        raise ValidationError("organization", "An organisation needs a name.")
    has_name = any(s.strip() for s in (c.formatted_name, c.given_name, c.family_name, c.additional_name, c.nickname))
    if not has_name and not c.organization.strip() and not any(e.value.strip() for e in c.emails):
        raise ValidationError("name", "Enter a name, an organisation or an email address.")
    for e in c.emails:
        if e.value.strip() and not is_valid_email(e.value):
            raise ValidationError("emails", f"“{e.value}” is not a valid email address.")
    if not display_name(c):
        raise ValidationError("name", "Enter a name.")
