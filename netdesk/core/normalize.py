"""Normalisation of names, emails and phone numbers for search, matching and de-duplication."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Müller" -> "muller")."""
    if text.isascii():  # the common case, and ten times faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_email(email: str) -> str:
    return email.strip().casefold()


def is_valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip()))


@lru_cache(maxsize=65536)
def normalize_phone(raw: str, region: str = "US") -> str:
    """E.164 form of a phone number when it can be parsed, else its digits (with a leading +).

    ``region`` is the default for numbers written without a country code.
    """
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    try:
        number = phonenumbers.parse(text, region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = "".join(ch for ch in text if ch.isdigit())
    return ("+" + digits) if text.startswith("+") and digits else digits


def sort_key(name: str) -> str:
    return fold(name).strip()
