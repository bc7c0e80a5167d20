"""vobject behind the wrapper: which lexer read a card, that both give the same contact, that NetDesk's fast path
lexes as vobject's own functions do, and vobject writing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vobject
import vobject.base
from hypothesis import given, settings
from hypothesis import strategies as st

import netdesk.io._vcard_read as vcard_read
from netdesk.core.model import ContactDTO, ExtraProperty
from netdesk.io._vcard_lines import CONTROL_CHARACTERS, CardSyntaxError, ContentLine, fold, split_physical_lines
from netdesk.io._vcard_read import parse_card_text, read_content_lines
from netdesk.io._vcard_vobject import caret_encode, content_lines
from netdesk.io.report import ImportReport
from netdesk.io.vcard import contact_to_vcard, decode_vcard_bytes, parse_card, read_vcard_bytes, split_cards

CLEAN_30 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:clean-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "item1.EMAIL;TYPE=INTERNET,pref:ada@example.org\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
    "TEL;TYPE=CELL:+44 20 7946 0000\r\nNOTE:Hello, world\\nsecond line\r\nX-SOCIALPROFILE;TYPE=x:https://a.example/b,c\r\n"
    "END:VCARD\r\n"
)
# vCard 2.1 with a quoted-printable soft line break: vobject's lexer cannot read it as one property.
QP_SOFT_BREAK_21 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Gump;Forrest\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 and=\r\n more\r\nTEL;WORK;VOICE:123\r\nEND:VCARD\r\n"
)


@pytest.fixture
def vobject_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, for each card, whether the vobject-rules lexer read it (False: it left the card to the tolerant one)."""
    reads: list[bool] = []
    real = vcard_read.vobject_content_lines

    def spy(*args: Any, **kwargs: Any) -> list[ContentLine]:
        try:
            lines = real(*args, **kwargs)
        except Exception:
            reads.append(False)
            raise
        reads.append(True)
        return lines

    monkeypatch.setattr(vcard_read, "vobject_content_lines", spy)
    return reads


def test_a_clean_30_card_is_read_by_vobjects_rules(vobject_reads: list[bool]) -> None:
    lines = split_physical_lines(CLEAN_30)
    props, by_vobject = read_content_lines(lines)
    assert by_vobject and vobject_reads == [True]
    assert props == content_lines(lines, reference=True)  # what vobject's own lexer functions give
    c = parse_card(CLEAN_30)
    assert vobject_reads == [True, True]
    # The raw lexed values keep what vobject's own component layer would cut at the first comma.
    assert c.notes == "Hello, world\nsecond line"
    assert ExtraProperty("X-SOCIALPROFILE", "https://a.example/b,c", (("TYPE", ("x",)),)) in c.extra
    assert c.emails[0].value == "ada@example.org" and c.emails[0].label == "other" and c.emails[0].pref
    assert [p.name for p in props][:3] == ["VERSION", "UID", "FN"]


def test_when_vobject_raises_the_tolerant_tokenizer_gives_the_same_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = parse_card(CLEAN_30)

    def broken(*_args: Any, **_kwargs: Any) -> list[ContentLine]:
        raise vobject.base.ParseError("simulated", 1)

    monkeypatch.setattr(vcard_read, "vobject_content_lines", broken)
    _props, by_vobject = read_content_lines(split_physical_lines(CLEAN_30))
    assert not by_vobject
    assert parse_card(CLEAN_30) == expected


def test_a_21_soft_line_break_falls_back_and_is_decoded(vobject_reads: list[bool]) -> None:
    _props, by_vobject = read_content_lines(split_physical_lines(QP_SOFT_BREAK_21))
    assert not by_vobject and vobject_reads == [False]  # a folded 2.1 card goes to the tolerant tokenizer
    c = parse_card(QP_SOFT_BREAK_21)
    assert c.notes == "café and more"  # the soft break keeps the indented line's space (2.1 rules)
    assert c.phones[0].value == "123" and c.phones[0].label == "work"


# --- NetDesk's unfolding and head splitting against vobject's own lexer functions --------------------------------


def _lexed(lines: list[str], reference: bool) -> list[ContentLine] | str:
    try:
        return content_lines(lines, reference=reference)
    except Exception:  # VobjectRejected, or anything vobject's functions trip over: the tolerant tokenizer's card
        return "rejected"


def test_the_fast_path_lexes_every_card_of_the_corpus_as_vobject_does(peer_fixtures: Path) -> None:
    lexed = 0
    for path, line, text in _corpus_cards(peer_fixtures):
        for variant in (text, text + "\r\n", text.replace("\r\n", "\n")):
            lines = split_physical_lines(variant)
            fast = _lexed(lines, reference=False)
            assert fast == _lexed(lines, reference=True), (path, line)
            lexed += fast != "rejected"
    assert lexed >= 3 * 1100


@pytest.mark.parametrize(
    "line",
    [
        "TEL;TYPE=CELL,VOICE:+49 170 1",
        "item1.EMAIL;TYPE=INTERNET,pref:a@b.example",
        "item1.X-ABLabel:_$!<Other>!$_",
        "TEL;WORK;VOICE:123",  # bare 2.1 parameters
        "EMAIL;type=INTERNET;type=WORK:x@y.example",  # a parameter twice
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n SkZJRg==",  # folded
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4A==é",  # not base64 as it stands
        "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:caf=C3=A9",
        "NOTE;ENCODING=QUOTED-PRINTABLE:soft=\r\n break",
        'TEL;TYPE="a,b":1',  # quoted: vobject's grammar
        "TEL;TYPE=a b:1",  # a space in a parameter value: vobject's grammar
        "TEL;TYPE=^n:1",  # a caret: vobject's grammar
        "TEL;;TYPE=x:1",
        "TEL;TYPE=:1",
        "a.b.TEL:1",
        "BEGIN:VCARD",  # nested without AGENT
        "begin;X=1:VCARD",
        "NOTE:a\x00b\x1fc",  # control characters
        "NOTE:folded\r\n\tby a tab\r\n  and a space",
        "X-EMPTY:",
        "NOTE:\u2028\x85 odd separators",
    ],
)
def test_the_fast_path_lexes_odd_lines_as_vobject_does(line: str) -> None:
    for version in ("2.1", "3.0", "4.0"):
        text = f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Edge\r\n{line}\r\nEND:VCARD"
        lines = split_physical_lines(text)
        assert _lexed(lines, reference=False) == _lexed(lines, reference=True), (version, line)


_HEAD_PIECES = ("TEL", "item2.EMAIL", "X-A", "PHOTO", "NOTE", "a.b", "BEGIN", "END", ";", ",", "=", ":", '"', "^")
_PARAM_PIECES = ("TYPE", "type", "ENCODING", "CHARSET", "QUOTED-PRINTABLE", "b", "BASE64", "pref", "", " ", "\t")


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_HEAD_PIECES),
            st.lists(st.tuples(st.sampled_from(_PARAM_PIECES), st.text(max_size=6)), max_size=3),
            st.sampled_from((":", ":", ";", "")),
            st.text(max_size=20),
            st.lists(st.sampled_from((" ", "\t", "", "=")).flatmap(lambda lead: st.text(max_size=8).map(lead.__add__))),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(("2.1", "3.0", "4.0")),
    st.booleans(),
)
def test_the_fast_path_lexes_generated_lines_as_vobject_does(
    properties: list[tuple[str, list[tuple[str, str]], str, str, list[str]]], version: str, trailing_break: bool
) -> None:
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    for name, params, colon, value, continuations in properties:
        lines.append(name + "".join(f";{key}={text}" if text else f";{key}" for key, text in params) + colon + value)
        lines += continuations
    lines += ["END:VCARD"] + ([""] if trailing_break else [])
    lines = split_physical_lines("\n".join(lines))  # as a file gives them: no CR left inside a line
    assert _lexed(lines, reference=False) == _lexed(lines, reference=True)


def _corpus_cards(peer_fixtures: Path) -> Iterator[tuple[Path, int, str]]:
    for path in sorted(peer_fixtures.rglob("*.vcf")):
        for line, text in split_cards(decode_vcard_bytes(path.read_bytes())):
            yield path, line, text


def _parse_either(text: str, use_vobject: bool) -> ContactDTO | tuple[str, int]:
    try:
        return parse_card_text(text, use_vobject=use_vobject)
    except CardSyntaxError as exc:
        return (exc.reason, exc.offset)


def _lexed_by_vobject(text: str) -> bool:
    try:
        return read_content_lines(split_physical_lines(text))[1]
    except CardSyntaxError:
        return False  # neither lexer can read it


def test_both_lexers_agree_on_every_card_of_the_corpus(peer_fixtures: Path) -> None:
    by_vobject = fallback = 0
    for path, line, text in _corpus_cards(peer_fixtures):
        if _lexed_by_vobject(text):
            by_vobject += 1
        else:
            fallback += 1
        assert _parse_either(text, True) == _parse_either(text, False), (path, line)
    # vobject does the work for almost every card; the tolerant tokenizer handles the odd ones.
    assert by_vobject >= 1100 and 0 < fallback < 60, (by_vobject, fallback)


@pytest.mark.parametrize(
    "line",
    [
        "TEL;FAX,WORK:123",  # a bare 2.1 list: vobject's grammar would keep FAX only
        "TEL;TYPE=;WORK:123",  # an empty value: vobject cannot tell it from a bare TYPE
        'TEL;TYPE=TYPE="a,b:c",PREF:123',  # a chain of values vobject accepts
        "TEL;TYPE= work , home :123",
        "TEL;TYPE=\" padded \";X-P=a^nb^'c':123",
        "X_UNDER_SCORE;X_P=1:kept as written",
        "TEL;WORK;QUOTED-PRINTABLE:=31=32",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ",
        "item-1.URL:http://x.example/a,b",
        "NOTE:a\r\n\r\n b",  # a blank line, then a folded line
        "NOTE:a\r\n \r\nTEL:1",  # a whitespace-only line
        "# a comment\r\nTEL:1",
    ],
)
def test_both_lexers_agree_on_edge_cases(line: str) -> None:
    text = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Edge\r\n{line}\r\nEND:VCARD\r\n"
    assert _parse_either(text, True) == _parse_either(text, False)


def test_continuation_of_begin_or_end_is_left_to_the_tolerant_tokenizer() -> None:
    for text in (
        "BEGIN:VC\n ARD\nFN:X\nEND:VCARD",
        "BEGIN:VCARD\nFN:X\nEND:VCA\n RD",
        "BEGIN:VCARD\n VERSION:3.0\nFN:X\nEND:VCARD",
    ):
        assert not _lexed_by_vobject(text)
        assert _parse_either(text, True) == _parse_either(text, False)


# A 2.1 export cut off after an inline AGENT card: the agent's END:VCARD is the last line, the card's own is missing.
TRUNCATED_AGENT = (
    "BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Bob Boss\r\nAGENT:BEGIN:VCARD\r\nFN:Ann Assistant\r\n"
    "TEL;WORK:+1 555 0123\r\nEND:VCARD\r\n"
)


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_an_unclosed_inline_agent_card_is_left_to_the_tolerant_tokenizer(version: str) -> None:
    text = TRUNCATED_AGENT.format(version=version)
    lines = split_physical_lines(text)
    assert _lexed(lines, reference=False) == _lexed(lines, reference=True) == "rejected"
    # The same card whichever lexer reads it (vobject's grammar alone would give Bob the assistant's phone).
    assert _parse_either(text, True) == _parse_either(text, False)
    # A file that ends this way: Bob keeps the agent card whole, as when any other line sends the card to the
    # tolerant tokenizer, and gets none of its properties.
    report = ImportReport()
    (bob,) = read_vcard_bytes(text.encode(), "truncated.vcf", report, workers=1)
    assert bob.formatted_name == "Bob Boss" and bob.phones == ()
    agent = next(e for e in bob.extra if e.name == "AGENT")
    assert "Ann Assistant" in agent.value and "555 0123" in agent.value
    assert any("nested card (AGENT)" in str(e) for e in report.errors)


def test_an_agent_line_that_does_not_open_a_card_stays_on_the_fast_path() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Boss\r\nAGENT:urn:uuid:ann\r\nAGENT;VALUE=uri:CID:a\r\nEND:VCARD\r\n"
    lines = split_physical_lines(text)
    lexed = _lexed(lines, reference=False)
    assert lexed == _lexed(lines, reference=True) != "rejected"
    assert [(p.name, p.value) for p in lexed][-2:] == [("AGENT", "urn:uuid:ann"), ("AGENT", "CID:a")]


# --- writing ---------------------------------------------------------------------------------------------


class _OrderedCard(vobject.base.Component):  # type: ignore[misc]
    """vobject's card component, keeping its properties in the order added (vobject sorts them by name)."""

    def __init__(self) -> None:
        super().__init__("VCARD")
        object.__setattr__(self, "_order", [])

    def add(self, obj: Any, group: str | None = None) -> Any:
        object.__getattribute__(self, "_order").append(super().add(obj, group))
        return obj

    def getSortedChildren(self) -> list[Any]:
        return list(object.__getattribute__(self, "_order"))


def _vobject_serialised(properties: list[Any]) -> str:
    """The card as vobject's own Component.serialize writes it (then folded by octets, which vobject skips for
    lines under 75 characters)."""
    card = _OrderedCard()
    for name, value, params, group in properties:
        # What vobject cannot do itself is done first, as the writer does: RFC 6868 caret escaping of parameter
        # values and dropping control characters (both have tests of their own).
        value = CONTROL_CHARACTERS.sub("", value)
        line = vobject.base.ContentLine(name, [], value, group=group or None, encoded=True)
        line.params = {key: [caret_encode(v) for v in values] for key, values in params if values}
        card.add(line)
    text: str = card.serialize(lineLength=75)
    out = []
    for physical in text.split("\r\n"):
        if physical and physical[:1] != " " and len(physical.encode()) > 75:
            physical = fold(physical)
        if physical:
            out.append(physical + "\r\n")
    return "".join(out)


def test_cards_are_written_byte_for_byte_as_vobject_serialises_them(
    peer_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NetDesk writes content lines itself for speed; the bytes are vobject's, on every card of the corpus."""
    import netdesk.io._vcard_write as writer

    captured: list[list[Any]] = []
    real = writer.serialize_card

    def capture(properties: Any) -> str:
        captured.append(list(properties))
        return real(captured[-1])

    monkeypatch.setattr(writer, "serialize_card", capture)
    contacts = [parse_card(CLEAN_30), ContactDTO(uid="u", formatted_name="日本語" * 20, notes="Zoë, a;b:c")]
    for path in sorted(peer_fixtures.rglob("*.vcf")):
        contacts += read_vcard_bytes(path.read_bytes(), str(path), ImportReport(), workers=1)
    assert len(contacts) > 100
    for contact in contacts:
        for version in ("3.0", "4.0"):
            written = contact_to_vcard(contact, version)
            assert written == _vobject_serialised(captured[-1]), (contact.uid, version)


def test_short_multibyte_lines_are_folded_by_octets() -> None:
    # Under 75 characters but over 75 octets: vobject alone would leave this line unfolded.
    contact = ContactDTO(uid="u", formatted_name="日本語" * 20, notes="Zoë")
    text = contact_to_vcard(contact, "4.0")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert parse_card(text) == contact


def test_kept_properties_keep_their_order_and_awkward_params_survive() -> None:
    contact = ContactDTO(
        uid="order-1",
        formatted_name="Order",
        extra=(
            ExtraProperty("X-ZULU", "last\\, really", (("Z", ("1",)), ("A", ("2",)))),
            ExtraProperty("X-ALPHA", "first", (("X-P", ('say "hi"',)),), "g1"),
        ),
    )
    text = contact_to_vcard(contact, "3.0")
    assert text.index("X-ZULU") < text.index("X-ALPHA")  # vobject would sort them by name
    assert "g1.X-ALPHA;X-P=say ^'hi^':first\r\n" in text  # vobject refuses " in a parameter: RFC 6868's ^'
    again = parse_card(text)
    assert [e.name for e in again.extra] == ["X-ZULU", "X-ALPHA"]
    assert again.extra[1].params == (("X-P", ('say "hi"',)),)
    assert again.extra[0] == ExtraProperty("X-ZULU", "last\\, really", (("A", ("2",)), ("Z", ("1",))))
    assert vobject.readOne(text).contents["x-zulu"][0].value == "last, really"


def test_written_file_reads_back_through_the_vobject_path(vobject_reads: list[bool]) -> None:
    text = contact_to_vcard(parse_card(CLEAN_30), "4.0")
    report = ImportReport()
    assert read_vcard_bytes(text.encode(), "x.vcf", report, workers=1) == [parse_card(CLEAN_30)]
    assert not report.errors and vobject_reads and all(vobject_reads)
