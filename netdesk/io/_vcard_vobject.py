"""The one place NetDesk talks to vobject (khard's ``VCardWrapper`` idea: vobject behind one narrow wrapper).

Reading uses vobject's *lexer*: ``vobject.base.getLogicalLines`` unfolds a card and vobject's content-line grammar
(``vobject.base.line_re``, ``params_re``, ``param_values_re``) splits each logical line into group, name, parameters
and raw value. vobject's component layer (``readOne``/``readComponents``) is deliberately not used: when a card ends it
attaches vobject's vCard behaviours, which — even with ``transform=False`` — unescape every text value and keep only
the part before its first unescaped comma (``NOTE:Hello, world`` becomes ``Hello``, ``TEL:+1 555,22`` becomes
``+1 555``) and decode base64 in place. That loses data, whereas the raw lexed lines feed NetDesk's own mapping
unchanged. It is also about five times faster than ``readOne`` (~1.2 s against ~6 s per 10,000 cards on one core),
which is what lets a whole import stay within the time vobject alone needs to parse the file.

The common lines are lexed by NetDesk itself with the same result (``content_lines``): a card without empty lines is
unfolded as ``getLogicalLines`` would, and a line whose head is plain (name, optional group, parameters with plain
values) is split by one regex of the same grammar; other lines still go through vobject's functions. That halves
the parse (vobject's unfolding and grammar were half of it). ``content_lines(reference=True)`` uses vobject's for
everything; tests/unit/io/test_vcard_vobject.py holds both equal on the corpus and on generated lines.

Whatever vobject's lexer cannot read exactly as the tolerant tokenizer would (2.1 quoted-printable soft breaks,
comment or garbage lines, nested AGENT cards, empty ``TYPE=`` parameters …) raises ``VobjectRejected`` and the caller
falls back to the tolerant tokenizer for that card alone.

Writing takes properties whose values are already escaped by NetDesk (vobject's vCard behaviours would re-escape URIs
and structured values and have no notion of 4.0) and serialises them by vobject's rules for such lines (parameter
quoting and order, CRLF), in the order given (vobject would sort them by name) and folded by octets (vobject skips
lines under 75 *characters*): see ``serialize_card``, which writes them out directly for speed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

import vobject.base

from netdesk.io._vcard_lines import (
    AGENT_INLINE_BEGIN,
    CONTROL_CHARACTERS,
    ContentLine,
    add_bare_param,
    add_param_values,
    decode_caret,
    find_value_colon,
    finish_content_line,
    is_version_21,
    marker,
)

# Parameters as the tolerant tokenizer splits them too. vobject's grammar is looser: it accepts a bare 2.1 list
# (``TEL;FAX,WORK``, reported as FAX only) and chains of values (``TYPE=a="b,c"``), which the two read differently.
_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_PLAIN_PARAMS = re.compile(rf";?(?:;[A-Za-z0-9_-]+(?:={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)?)*")
# A parameter given with "=" but no value (``TYPE=;``): vobject reports it like a bare ``;TYPE``.
_EMPTY_PARAM = re.compile(r"=(?=[;,]|$)")
# Group, name and parameters of a content line, in a grammar without nested quantifiers over the same text. vobject's
# ``line_re`` backtracks exponentially on a line it cannot match (a 1 KB line without a colon took 90 s): only lines
# whose head matches this are handed to it, and then its first attempt succeeds.
_SAFE_HEAD = re.compile(rf"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+{_PLAIN_PARAMS.pattern}")


# vobject's logical-line regex backtracks per character and needs ~140 bytes of memory for each one: a card with a
# 10 MB photo would cost 1.4 GB. Bigger cards go to the tolerant tokenizer, which reads them the same in linear memory.
VOBJECT_MAX_CARD_CHARS = 100_000


class VobjectRejected(Exception):
    """vobject's lexer cannot read this card (or not exactly as the tolerant tokenizer would)."""


def content_lines(lines: Sequence[str], *, reference: bool = False) -> list[ContentLine]:
    """Content lines of one card (its physical lines as ``split_physical_lines`` gives them, BEGIN/END included)
    lexed by vobject's rules.

    Raises VobjectRejected for anything but a plain, well-formed card, so that the caller can use the tolerant
    tokenizer instead; that tokenizer also produces the precise error for a card that is really broken.

    Lines are unfolded here and a line whose head is plain (``_FAST_HEAD``) is split here too, both exactly as
    vobject's ``getLogicalLines`` and ``line_re`` would (half the time of a whole import's parse went to them);
    anything else goes through vobject's own functions. ``reference=True`` uses vobject's for every line (the tests
    hold both equal over the corpus).
    """
    if sum(map(len, lines)) > VOBJECT_MAX_CARD_CHARS:
        raise VobjectRejected("card too large for vobject's lexer")
    # Where each logical line starts: a non-empty line that is not a folded continuation.
    starts: list[int] = []
    for index, line in enumerate(lines):
        if not line:
            continue
        if line[0] in " \t":
            if not line.strip() or not starts:
                # A whitespace-only line (skipped by the tolerant tokenizer, a fold for vobject) or a fold with
                # nothing to continue.
                raise VobjectRejected("blank or leading continuation line")
            continue
        starts.append(index)
    empty_lines = lines.count("")
    if len(starts) < len(lines) - empty_lines and is_version_21(list(lines)):
        # 2.1 folding keeps the folding whitespace (RFC 822); vobject's unfolding drops it.
        raise VobjectRejected("folded 2.1 card")
    if len(starts) < 2 or marker(lines[starts[0]]) != "BEGIN:VCARD" or marker(lines[starts[-1]]) != "END:VCARD":
        raise VobjectRejected("not a single BEGIN:VCARD … END:VCARD")
    if any(lines[starts[0] + 1 : starts[1]]) or any(lines[starts[-1] + 1 :]):
        raise VobjectRejected("folded BEGIN:VCARD or END:VCARD line")
    out: list[ContentLine] = []
    if reference or empty_lines > (lines[-1] == ""):
        # An empty line is a logical line of its own for vobject (the card is then rejected below), unless it is the
        # one after the text's last line break: left to vobject's unfolding.
        logical = [text for text, _number in vobject.base.getLogicalLines(io.StringIO("\n".join(lines)), False)]
        if len(logical) != len(starts):
            raise VobjectRejected("logical lines do not match the physical ones")
        for number, text in enumerate(logical[1:-1], start=1):
            out.append(_content_line(text, starts[number], lines, starts[number + 1]))
        return out
    # Without empty lines vobject's unfolding is: a logical line is its first line plus each continuation without
    # its first character (the space or tab).
    append = out.append
    fast_head = _FAST_HEAD.match
    for number in range(1, len(starts) - 1):
        start, next_start = starts[number], starts[number + 1]
        text = lines[start]
        if next_start > start + 1:
            text = "".join([text, *[ln[1:] for ln in lines[start + 1 : next_start]]])
        head = fast_head(text)
        if head is None:
            append(_content_line(text, start, lines, next_start))
            continue
        group, name, raw_params = head.groups()
        name = name.upper()
        if name in _NESTING_NAMES:
            _reject_nesting(name, lines[start], start)
        if not raw_params:
            append(finish_content_line(name, group or "", {}, text[head.end() :], start))
        elif "QUOTED-PRINTABLE" in raw_params.upper():
            append(_content_line(text, start, lines, next_start))  # checked for soft line breaks there
        else:
            params: dict[str, list[str]] = {}
            for key, raw_values in _FAST_PARAM.findall(raw_params):
                if raw_values:
                    add_param_values(params, key.upper(), raw_values.split(","))
                else:
                    add_bare_param(params, key)
            append(finish_content_line(name, group or "", params, text[head.end() :], start))
    return out


# A plain head (group, name, parameters with plain values, then the colon): what vobject's ``line_re``,
# ``params_re`` and ``param_values_re`` split the same way, read here without them. A value here has no quote,
# comma, semicolon, colon, caret, "=", whitespace or backslash, so vobject's stripping and caret decoding leave it as
# it is, and the first colon of the line ends the head for both.
_FAST_PARAM_VALUE = r"[A-Za-z0-9_./+-]+"
_FAST_PARAM = re.compile(rf";([A-Za-z0-9_-]+)(?:=({_FAST_PARAM_VALUE}(?:,{_FAST_PARAM_VALUE})*))?")
_FAST_HEAD = re.compile(
    rf"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)((?:;[A-Za-z0-9_-]+(?:={_FAST_PARAM_VALUE}(?:,{_FAST_PARAM_VALUE})*)?)*):"
)


# Names whose line may open a nested card: BEGIN and END always; AGENT when its value starts one on the line itself.
_NESTING_NAMES = frozenset({"BEGIN", "END", "AGENT"})


def _reject_nesting(name: str, first_line: str, offset: int) -> None:
    """Raise VobjectRejected for a line of ``_NESTING_NAMES`` that nests a card (``first_line``: its physical line).

    ``AGENT:BEGIN:VCARD`` opens a nested card for the tolerant tokenizer (2.1), which keeps the lines up to its
    END:VCARD inside the AGENT value. Without its own END:VCARD (a truncated export: the card's one END:VCARD closes
    the agent) vobject's grammar would read it as a plain AGENT and give the agent's TEL, EMAIL … to the card itself.
    """
    if name != "AGENT" or AGENT_INLINE_BEGIN.match(first_line.strip()):
        raise VobjectRejected(f"line {offset}: nested component")


def _content_line(text: str, offset: int, lines: Sequence[str], next_start: int) -> ContentLine:
    colon = find_value_colon(text)
    if colon < 0 or not _SAFE_HEAD.fullmatch(text, 0, colon):
        raise VobjectRejected(f"line {offset}: not a plain content line")
    match = vobject.base.line_re.match(text)
    if match is None:
        raise VobjectRejected(f"line {offset}: not a content line")
    name = match.group("name").upper()  # taken from the match: vobject's parseLine would turn "_" into "-"
    if name in _NESTING_NAMES:
        _reject_nesting(name, lines[offset], offset)
    raw_params = match.group("params")
    if not raw_params:  # the common case: nothing more to check or split
        return finish_content_line(name, match.group("group") or "", {}, match.group("value"), offset)
    if "QUOTED-PRINTABLE" in raw_params.upper() and any(ln.endswith("=") for ln in lines[offset:next_start]):
        # A 2.1 soft line break: vobject (without allowQP) would read the continuation as a property of its own.
        raise VobjectRejected(f"line {offset}: quoted-printable soft line break")
    if not _PLAIN_PARAMS.fullmatch(raw_params) or _EMPTY_PARAM.search(raw_params):
        raise VobjectRejected(f"line {offset}: ambiguous parameters")
    params: dict[str, list[str]] = {}
    for key, raw_values in vobject.base.params_re.findall(raw_params):
        if not raw_values:  # "KEY=" with nothing after it was rejected above: this is a bare 2.1 parameter
            add_bare_param(params, key)
            continue
        values = [
            decode_caret(quoted if quoted else plain.strip())
            for quoted, plain in vobject.base.param_values_re.findall(raw_values)
        ]
        add_param_values(params, key.upper(), values)
    return finish_content_line(name, match.group("group") or "", params, match.group("value"), offset)


# --- writing -------------------------------------------------------------------------------------------------

# One property to write: (name, value already escaped, [(param, values)], group).
PropertySpec = tuple[str, str, list[tuple[str, list[str]]], str]


# What a property name, group or parameter name may be; anything else could smuggle ":" or a line break into a card.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_RAW_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def serialize_card(properties: Iterable[PropertySpec]) -> str:
    """One card as text: BEGIN/END, each property as ``group.NAME;PARAM=a,b:value`` (parameters sorted by name,
    a parameter value quoted when it holds ``,;:``), folded at 75 octets, CRLF line ends.

    These are vobject's serialisation rules for a content line whose value is already encoded, written out here:
    building vobject's ContentLine objects to serialise them cost 5 µs a property, most of an export's time, and
    its folding went one character at a time. A test holds the output byte-identical to vobject's own
    ``Component.serialize`` on real-world and synthetic cards. An export writes every line of every card through
    here, so the common case (a known name, no parameters, a short clean ASCII value) costs a dictionary look-up,
    one regex search and a length check; only what needs it is cleaned, quoted or folded.

    Values arrive escaped. As a last line of defence against injected properties (a value holding CRLF + "TEL:…"
    or a whole BEGIN:VCARD), any raw line break left in a value is written as the escape backslash-n, and a
    property whose name, group or parameter name is not a plain vCard name is not written at all.
    """
    lines = ["BEGIN:VCARD"]
    append = lines.append
    for name, value, params, group in properties:
        head = _head(name, group)
        if head is None:
            continue
        if params:
            head += _param_text(params)
        if _UNCLEAN.search(value):
            # Control characters cannot travel in a vCard (an import strips them with a problem line): not written.
            value = CONTROL_CHARACTERS.sub("", _RAW_LINE_BREAK.sub(r"\\n", value))
        line = f"{head}:{value}"
        if len(line) <= 75 and line.isascii():
            append(line)
        else:
            append(_fold_long(line))
    append("END:VCARD\r\n")
    return "\r\n".join(lines)


# Control characters and raw line breaks (CONTROL_CHARACTERS covers both): what a value must not carry as it is.
_UNCLEAN = CONTROL_CHARACTERS
# "NAME" or "group.NAME" for the (name, group) pairs met so far; None for one that is not a plain vCard name. A few
# dozen distinct pairs in a real address book; the cap keeps a hostile file's thousands of names from piling up.
_HEADS: dict[tuple[str, str], str | None] = {}
_HEADS_CAP = 4096


def _head(name: str, group: str) -> str | None:
    key = (name, group)
    try:
        return _HEADS[key]
    except KeyError:
        pass
    head: str | None = None
    if _SAFE_NAME.match(name) and (not group or _SAFE_NAME.match(group)):
        head = f"{group}.{name.upper()}" if group else name.upper()
    if len(_HEADS) < _HEADS_CAP:
        _HEADS[key] = head
    return head


def _param_text(params: list[tuple[str, list[str]]]) -> str:
    """``;KEY=a,b`` for each parameter with values and a plain name, sorted by name (the last of a repeated name
    wins, as in vobject's parameter dictionary)."""
    if len(params) == 1:  # the common case (TYPE=work), without the dictionary and the sort
        key, values = params[0]
        return f";{key}={_param_values(values)}" if values and _SAFE_NAME.match(key) else ""
    cleaned = {key: values for key, values in params if values and _SAFE_NAME.match(key)}
    return "".join([f";{key}={_param_values(cleaned[key])}" for key in sorted(cleaned)])


# What makes a parameter value need RFC 6868 caret escaping (vobject refuses double quotes in parameter values and
# knows no caret escaping) or quotes: looked for once in all the values of a parameter.
_PARAM_SPECIAL = re.compile('[\\^"\r\n,;:]')


def _param_values(values: list[str]) -> str:
    joined = ",".join(values)
    if not _PARAM_SPECIAL.search(joined):
        return joined
    return ",".join([_quote_param(caret_encode(v)) for v in values])


def _quote_param(value: str) -> str:
    return f'"{value}"' if ("," in value or ";" in value or ":" in value) else value


def _fold_long(line: str) -> str:
    """``line`` folded at 75 octets (continuations start with a space and hold 74 more), without its line end."""
    if line.isascii():  # one octet a character: slices (a photo's base64 is most of the bytes of an export)
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    # Cut the octets at the last character boundary within each line's budget (a UTF-8 continuation octet is
    # 0b10xxxxxx): the same cuts as going character by character, in a step per physical line.
    parts = []
    start, budget, size = 0, 75, len(encoded)
    while size - start > budget:
        end = start + budget
        while encoded[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(encoded[start:end])
        start, budget = end, 74
    parts.append(encoded[start:])
    return b"\r\n ".join(parts).decode("utf-8")


_CARET_SPECIAL = re.compile('[\\^"\r\n]')


def caret_encode(value: str) -> str:
    """RFC 6868: ^ as ^^, a line break as ^n, a double quote as ^' (the reader's decode_caret undoes them all)."""
    if not _CARET_SPECIAL.search(value):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
