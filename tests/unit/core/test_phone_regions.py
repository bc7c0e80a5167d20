"""Issue 17, item 4: phone numbers matched in the user's region, a contact's own country first."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdesk.core.model import ContactDTO, ContactPoint, PostalAddress
from netdesk.core.normalize import (
    default_region,
    normalize_phone,
    region_for_country,
    region_from_locale,
    set_default_region,
)
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk


@pytest.fixture(autouse=True)
def _restore_region() -> Iterator[None]:
    before = default_region()
    yield
    set_default_region(before)


def test_national_and_e164_forms_match_in_the_region() -> None:
    assert normalize_phone("020 7946 0958", "GB") == normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("030 1234567", "DE") == "+49301234567"  # not "+10301234567"
    assert normalize_phone("Fax privat", "DE") == "fax privat"  # kept as written, matched as text
    with pytest.raises(ValueError, match="unknown phone region"):
        set_default_region("XX")


def test_regions_from_countries_and_locales() -> None:
    assert [region_for_country(c) for c in ("Germany", "DEU", "United Kingdom", "U.S.A.", "Narnia", "")] == [
        "DE", "DE", "GB", "US", None, None,
    ]  # fmt: skip
    assert (region_from_locale("en_GB.UTF-8"), region_from_locale("de-AT"), region_from_locale("C.UTF-8")) == (
        "GB", "AT", None,
    )  # fmt: skip


def _import(nd: NetDesk, contacts: list[ContactDTO]) -> ImportReport:
    report = ImportReport()
    nd.imports.import_contacts(contacts, report)
    return report


def test_stored_region_matches_national_numbers(nd: NetDesk) -> None:
    written = nd.settings.set_phone_region("gb")
    assert written.value == "GB" and nd.settings.phone_region() == "GB" and default_region() == "GB"
    _import(nd, [ContactDTO(uid="a", given_name="Olu", family_name="Ade", phones=(ContactPoint("+44 20 7946 0958"),))])
    olu = ContactDTO(uid="b", given_name="Olu", family_name="Ade", phones=(ContactPoint("020 7946 0958"),))
    report = _import(nd, [olu.replace(emails=(ContactPoint("olu@example.org"),))])
    assert len(report.merged) == 1 and nd.contacts.count() == 1


def test_a_contacts_own_country_overrides_the_region(nd: NetDesk) -> None:
    nd.settings.set_phone_region("US")
    berlin = PostalAddress(locality="Berlin", country="Deutschland")
    _import(nd, [ContactDTO(uid="a", given_name="Jan", phones=(ContactPoint("030 1234567"),), addresses=(berlin,))])
    report = _import(nd, [ContactDTO(uid="b", given_name="Jan", phones=(ContactPoint("+49 30 1234567"),))])
    assert len(report.merged) == 1


def test_changing_the_region_normalises_stored_numbers_again(nd: NetDesk) -> None:
    _import(nd, [ContactDTO(uid="a", given_name="Olu", family_name="Ade", phones=(ContactPoint("020 7946 0958"),))])
    changed = nd.settings.set_phone_region("GB")
    assert len(changed.changes.contacts) == 1 and changed.changes.label == "phone region"
    olu = ContactDTO(uid="b", given_name="Olu", family_name="Ade", phones=(ContactPoint("+44 20 7946 0958"),))
    report = _import(nd, [olu.replace(emails=(ContactPoint("olu@example.org"),))])
    assert len(report.merged) == 1


@pytest.mark.parametrize(("lang", "merged"), [("en_GB.UTF-8", "0 created, 0 updated, 1 merged"), ("C", "1 created")])
def test_cli_uses_lang_when_the_database_has_no_region(tmp_path: Path, lang: str, merged: str) -> None:
    first, second = tmp_path / "a.vcf", tmp_path / "b.vcf"
    first.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Olu Ade\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n")
    second.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:b\r\nFN:Olu Ade\r\nTEL:020 7946 0958\r\nEMAIL:o@example.org\r\nEND:VCARD\r\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG")} | {"LANG": lang}
    db = str(tmp_path / "cli.sqlite3")
    for path in (first, second):
        result = subprocess.run(
            [sys.executable, "-m", "netdesk", "import", "--db", db, str(path)], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
    assert merged in result.stdout
