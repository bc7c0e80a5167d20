"""Issue 17, items 3 and 7: every property kept and written back in the right dialect, measured over the corpus."""

from __future__ import annotations

import base64
from pathlib import Path
from types import ModuleType

import pytest
import vobject

from netdesk.io._vcard_lines import split_physical_lines
from netdesk.io._vcard_read import read_content_lines
from netdesk.io.vcard import contact_to_vcard, parse_card

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))


def _lines(text: str) -> list[str]:
    return [line for line in text.replace("\r\n ", "").split("\r\n") if line]


def _props(text: str) -> list[tuple[str, dict[str, list[str]], str]]:
    props, _ = read_content_lines(split_physical_lines(text))
    return [(p.name, p.params, p.value) for p in props]


def _vobject_round_trip(text: str) -> None:
    again = vobject.readOne(vobject.readOne(text).serialize())
    for child in again.getChildren():
        _ = child.value


def test_corpus_round_trip_keeps_every_property(peer_fixtures: Path, vcard_fidelity: ModuleType) -> None:
    tallies = vcard_fidelity.run(vcard_fidelity.corpus_files())
    for version, tally in tallies.items():
        assert tally.cards >= 1150, version
        assert tally.vobject_failures == [], version
        assert (tally.counts["changed"], tally.counts["lost"], tally.counts["refused"]) == (0, 0, 0), (
            version,
            tally.details,
        )
        assert tally.details == [], version  # khard's second N (ALTID) and AOSP's non-image PHOTO are kept too
        assert tally.kept_share() == 1.0


def test_an_altid_alternative_n_is_kept_and_vobject_still_reads_the_card(peer_fixtures: Path) -> None:
    """RFC 6350 section 5.4: N;ALTID=1 twice is one N in two representations. vobject refuses two N, so the
    alternative is written as X-NETDESK-ALT-N (FN's too in 3.0, which has no ALTID) and read back as the same one."""
    card = parse_card((peer_fixtures / "khard" / "altid.vcf").read_text())
    assert card.family_name == "representation" and card.given_name == "one"
    assert [(e.name, e.value, e.params) for e in card.extra] == [("N", "representation;two;;;", (("ALTID", ("1",)),))]
    japanese = parse_card(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN;ALTID=1:Hiroshi Tanaka\r\nFN;ALTID=1;LANGUAGE=ja:田中 弘\r\n"
        "N;ALTID=1:Tanaka;Hiroshi;;;\r\nN;ALTID=1;LANGUAGE=ja:田中;弘;;;\r\nEND:VCARD\r\n"
    )
    for version in ("3.0", "4.0"):
        for contact in (card, japanese):
            text = contact_to_vcard(contact, version)
            assert sum(1 for line in _lines(text) if line.startswith("N;") or line.startswith("N:")) == 1
            _vobject_round_trip(text)
            assert parse_card(text).extra == contact.extra  # the alternative comes back as the alternative
        lines = _lines(contact_to_vcard(japanese, version))
        assert "X-NETDESK-ALT-N;ALTID=1;LANGUAGE=ja:田中;弘;;;" in lines
        alternative_fn = "FN;ALTID=1;LANGUAGE=ja:田中 弘"
        assert (alternative_fn in lines) == (version == "4.0")
        assert ("X-NETDESK-ALT-" + alternative_fn in lines) == (version == "3.0")


def test_tel_email_adr_url_keep_every_type_and_parameter() -> None:
    card = parse_card(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Types\r\n"
        "TEL;TYPE=work,cell:+1 555 0100\r\nTEL;TYPE=msg,text,video,x-satellite:+1 555 0101\r\n"
        "EMAIL;TYPE=internet,x-school:t@example.edu\r\n"
        "ADR;TYPE=postal,parcel,home:;;1 Main St;Springfield;;12345;USA\r\n"
        "URL;TYPE=x-blog;X-SERVICE=mastodon:https://blog.example\r\nEND:VCARD\r\n"
    )
    for version in ("3.0", "4.0"):
        text = contact_to_vcard(card, version)
        assert "TEL;TYPE=work,cell:+1 555 0100" in _lines(text)
        assert "TEL;TYPE=msg,text,video,x-satellite:+1 555 0101" in _lines(text)
        assert "EMAIL;TYPE=internet,x-school:t@example.edu" in _lines(text)
        assert "ADR;TYPE=postal,parcel,home:;;1 Main St;Springfield;;12345;USA" in _lines(text)
        assert "URL;TYPE=x-blog;X-SERVICE=mastodon:https://blog.example" in _lines(text)
        _vobject_round_trip(text)


def test_a_changed_label_is_written_from_the_label_not_the_old_types() -> None:
    card = parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:T\r\nTEL;TYPE=home,voice:+1 555 0100\r\nEND:VCARD\r\n")
    edited = card.replace(phones=(card.phones[0].__class__("+1 555 0100", "work", False, card.phones[0].params),))
    assert "TEL;TYPE=work:+1 555 0100" in _lines(contact_to_vcard(edited, "3.0"))


def test_pref_is_spelt_as_each_dialect_spells_it() -> None:
    card = parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P\r\nEMAIL;TYPE=internet,pref:p@example.org\r\nEND:VCARD\r\n")
    assert "EMAIL;TYPE=internet,pref:p@example.org" in _lines(contact_to_vcard(card, "3.0"))
    assert "EMAIL;PREF=1;TYPE=internet:p@example.org" in _lines(contact_to_vcard(card, "4.0"))


def test_adr_label_is_a_parameter_in_4_0_and_a_property_in_3_0() -> None:
    from_4 = parse_card(
        'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:L\r\nADR;TYPE=work;LABEL="1 Main St^nSpringfield":;;1 Main St;Springfield;;;'
        "\r\nEND:VCARD\r\n"
    )
    v3 = contact_to_vcard(from_4, "3.0")
    assert "ADR;TYPE=work:;;1 Main St;Springfield;;;" in _lines(v3)
    assert "LABEL;TYPE=work:1 Main St\\nSpringfield" in _lines(v3)
    from_3 = parse_card(v3)
    assert [p for p in _props(contact_to_vcard(from_3, "4.0")) if p[0] == "ADR"] == [
        ("ADR", {"TYPE": ["work"], "LABEL": ["1 Main St\nSpringfield"]}, ";;1 Main St;Springfield;;;")
    ]
    _vobject_round_trip(v3)


def test_repeated_notes_source_profile_gender_and_legacy_im_are_written_as_they_came() -> None:
    card = parse_card(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPROFILE:VCARD\r\nFN:Ada\r\nNOTE:first\r\nNOTE:second\r\n"
        "SOURCE:https://example.org/ada.vcf\r\nGENDER:F\r\nX-JABBER;TYPE=home:ada@jabber.example\r\nEND:VCARD\r\n"
    )
    v3 = _lines(contact_to_vcard(card, "3.0"))
    assert [line for line in v3 if line.startswith("NOTE")] == ["NOTE:first", "NOTE:second"]
    assert "SOURCE:https://example.org/ada.vcf" in v3 and "PROFILE:VCARD" in v3
    assert "GENDER:F" in v3 and "X-GENDER:Female" in v3  # 3.0 readers know the X- form
    assert "X-JABBER;TYPE=home:ada@jabber.example" in v3
    assert "IMPP;TYPE=home:xmpp:ada@jabber.example" in v3
    v4 = _lines(contact_to_vcard(card, "4.0"))
    assert "GENDER:F" in v4 and "X-JABBER;TYPE=home:ada@jabber.example" in v4
    again = parse_card(contact_to_vcard(card, "3.0"))
    assert [im.value for im in again.ims] == ["xmpp:ada@jabber.example"]  # one handle, not two
    assert again.gender == "F" and [e.name for e in again.extra] == ["PROFILE", "NOTE", "SOURCE"]


def test_unknown_base64_property_is_translated_between_dialects() -> None:
    payload = base64.b64encode(JPEG).decode()
    card = parse_card(
        f"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\nX-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:{payload}\r\n\r\n"
        "END:VCARD\r\n"
    )
    v3 = contact_to_vcard(card, "3.0")
    assert any(line.startswith("X-MS-CARDPICTURE;ENCODING=b;TYPE=JPEG:") for line in _lines(v3))
    v4 = contact_to_vcard(card, "4.0")
    assert f"X-MS-CARDPICTURE:data:image/jpeg;base64,{payload}" in _lines(v4)
    for text in (v3, v4):
        _vobject_round_trip(text)


def test_exactly_one_n_fn_and_version() -> None:
    card = parse_card(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nVERSION:3.0\r\nFN:One\r\nFN:Two\r\nN:One;A;;;\r\nN:Two;B;;;\r\nEND:VCARD\r\n"
    )
    for version in ("3.0", "4.0"):
        names = [line.split(":")[0].split(";")[0] for line in _lines(contact_to_vcard(card, version))]
        assert (names.count("N"), names.count("FN"), names.count("VERSION")) == (1, 1, 1)


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_the_fidelity_script_reports_a_loss(tmp_path: Path, vcard_fidelity: ModuleType, version: str) -> None:
    """The measuring stick itself: a property the writer would drop is counted as lost, not as kept."""
    before = vcard_fidelity.lex("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nX-KEEP:1\r\nTEL;TYPE=cell:1\r\nEND:VCARD\r\n")
    after = vcard_fidelity.lex("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL;TYPE=work:1\r\nEND:VCARD\r\n")
    tally = vcard_fidelity.Tally()
    vcard_fidelity.compare(before, after, version, tally, "t.vcf:1")
    assert (tally.counts["kept"], tally.counts["changed"], tally.counts["lost"]) == (1, 1, 1)
