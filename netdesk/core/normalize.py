"""Normalisation of names, emails and phone numbers for search, matching and de-duplication."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# phonenumbers (a fifth of a second to import) is imported by the functions that use it: the app's window shows
# before anything asks for a number or a region.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _WithoutCombiningMarks(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks, filled in as each character is first seen (a join over
    a per-character test cost more than the rest of an import's name handling)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_DROP_COMBINING = _WithoutCombiningMarks()


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Müller" -> "muller")."""
    if text.isascii():  # the common case, and ten times faster
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_DROP_COMBINING)


def normalize_email(email: str) -> str:
    return email.strip().casefold()


def is_valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip()))


# Where numbers written without a country code are assumed to be: the user's setting (Preferences, set at first start
# from the system locale; the CLI falls back to LANG). Set once at start by the composition root.
FALLBACK_REGION = "US"
_default_region = FALLBACK_REGION


def default_region() -> str:
    return _default_region


def is_phone_region(code: str) -> bool:
    import phonenumbers

    return code.strip().upper() in phonenumbers.SUPPORTED_REGIONS


def set_default_region(region: str) -> None:
    """Make ``region`` (an ISO 3166 alpha-2 code phonenumbers knows) the default for national numbers."""
    import phonenumbers

    global _default_region
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {region!r} (expected a two-letter country code such as GB or DE)")
    _default_region = code


def region_from_locale(locale_name: str) -> str | None:
    """The country of a locale name such as ``en_GB.UTF-8`` or ``de-AT`` (None for C/POSIX or an unknown one)."""
    import phonenumbers

    base = locale_name.split(".")[0].split("@")[0].replace("-", "_")
    _, _, country = base.partition("_")
    code = country.upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


# Country names that pycountry's ISO lists do not spell this way, as address books write them.
_COUNTRY_ALIASES = {
    "usa": "US", "u.s.a.": "US", "u.s.a": "US", "u.s.": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
    "deutschland": "DE", "österreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH", "españa": "ES",
    "italia": "IT", "nederland": "NL", "belgië": "BE", "belgique": "BE", "sverige": "SE", "norge": "NO",
    "danmark": "DK", "suomi": "FI", "polska": "PL", "česko": "CZ", "россия": "RU", "nippon": "JP", "日本": "JP",
    "中国": "CN", "brasil": "BR", "méxico": "MX", "south korea": "KR", "korea": "KR", "russia": "RU",
}  # fmt: skip


@lru_cache(maxsize=1024)
def region_for_country(country: str) -> str | None:
    """The phone region of an address's country, written as a code ("DE", "DEU") or a name; None when unknown."""
    import phonenumbers
    import pycountry  # its data loads on first use: only when an address names a country

    text = " ".join(country.split()).strip()
    if not text:
        return None
    alias = _COUNTRY_ALIASES.get(text.casefold())
    if alias:
        return alias
    try:
        code = str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def contact_region(countries: Iterable[str]) -> str:
    """The region for a contact's national numbers: the country of its first address that names a known one,
    else the default region."""
    for country in countries:
        region = region_for_country(country)
        if region:
            return region
    return _default_region


def normalize_phone(raw: str, region: str | None = None) -> str:
    """E.164 form of a phone number when it can be parsed, else its digits (with a leading +), else its text.

    ``region`` (default: ``default_region()``) is where a number written without a country code is assumed to be.
    A number that cannot be parsed is matched by its digits, and one without digits ("Fax privat") by its text.
    """
    # A number written with its country code ("+49 …") reads the same in every region: one cache entry for it
    # whatever the contact's region (phonenumbers' parse costs ~0.1 ms, and an import asks for a number up to
    # three times: to match, to store and to index it).
    if raw.lstrip()[:1] == "+" or raw.lstrip()[:5].lower() == "tel:+":
        return _normalize_phone(raw, "ZZ")
    return _normalize_phone(raw, region or _default_region)


@lru_cache(maxsize=65536)
def _normalize_phone(raw: str, region: str) -> str:
    import phonenumbers

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
    if not digits:
        return fold(text)
    return ("+" + digits) if text.startswith("+") else digits


def sort_key(name: str) -> str:
    return fold(name).strip()
