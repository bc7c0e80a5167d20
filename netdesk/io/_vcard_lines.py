"""Low-level vCard text handling shared by the reader and the writer.

A tolerant tokenizer: it turns one card's text into content lines (group, name, params, raw value) while
accepting what real exporters produce — vCard 2.1 quoted-printable soft breaks, bare type parameters,
base64 bodies without the closing blank line, comment and garbage lines — and it escapes/folds for writing.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Names of the encodings that mean "decode the value before use".
_QP_NAMES = frozenset({"QUOTED-PRINTABLE", "QP"})
_BASE64_NAMES = frozenset({"B", "BASE64"})
# Bare 2.1 parameters (TEL;WORK;VOICE) that are not types but encodings or charsets.
_BARE_ENCODINGS = _QP_NAMES | _BASE64_NAMES | {"8BIT", "7BIT"}
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
# The start of a property whose parameters are folded onto the next line (``TEL;TYPE=VOICE,M`` + TAB ``SG:…``).
_PROPERTY_START = re.compile(r"^[A-Za-z0-9_.-]+(;|$)")
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=\s]+$")
# A nested card that 2.1 allows: the value of an AGENT property, on the AGENT line itself or right after it.
AGENT_INLINE_BEGIN = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?AGENT(?:;[^:]*)?:\s*BEGIN:VCARD$", re.IGNORECASE)
AGENT_EMPTY_VALUE = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?AGENT(?:;[^:]*)?:$", re.IGNORECASE)


class CardSyntaxError(ValueError):
    """A card whose structure cannot be read; ``offset`` is the 0-based line within the card."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


@dataclass(slots=True)
class ContentLine:
    name: str  # upper-case
    group: str
    params: dict[str, list[str]]  # upper-case keys, values as written (unquoted)
    value: str  # raw value: escapes intact; QP and charsets already decoded
    offset: int  # 0-based line within the card where the property starts
    binary: bytes | None = None  # decoded base64 payload when ENCODING=b/BASE64
    problem: str = ""  # what was repaired on the way (control characters stripped), for the import report

    def types(self) -> list[str]:
        """TYPE values, comma lists flattened, in their original case."""
        return flat_types(self.params.get("TYPE", ()))

    def param(self, key: str) -> str:
        values = self.params.get(key)
        return values[0] if values else ""


_GROUP_PREFIX = re.compile(r"^[A-Z0-9_-]*\.")


def flat_types(values: Iterable[str]) -> list[str]:
    """TYPE parameter values as written (``work,voice``, ``pref``) as one list, comma lists flattened."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def marker(line: str) -> str:
    """``BEGIN:VCARD``/``END:VCARD`` of a line in upper case, ignoring a group prefix (``home.begin:vcard``)."""
    text = line.strip().upper()
    return _GROUP_PREFIX.sub("", text, count=1) if "." in text[:40] else text


def split_physical_lines(text: str) -> list[str]:
    """Split on CRLF, LF or a bare CR (old Mac files and iOS photo bodies use bare CRs)."""
    if "\r" not in text:  # what the file readers hand over: a plain split, several times faster than the regex
        return text.split("\n")
    return re.split(r"\r\n|\r|\n", text)


# --- decoding helpers -------------------------------------------------------------------------


def lookup_codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset.strip().strip('"')).name
    except LookupError:
        return None


def decode_legacy(data: bytes) -> str:
    """cp1252, falling back to Latin-1 for the five bytes cp1252 leaves undefined, so nothing is lost."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(data[i : i + 1].decode("cp1252", errors="ignore") or chr(data[i]) for i in range(len(data)))


def _legacy_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not UTF-8 is read as cp1252 (Latin-1 where cp1252 has a hole)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return decode_legacy(bytes(bad)), error.end


codecs.register_error("netdesk-legacy", _legacy_bytes)


def decode_bytes(data: bytes, charset: str = "") -> str:
    """Bytes of a value in ``charset`` (when known), else UTF-8 with each invalid byte read as cp1252.

    One stray byte costs only itself: ``=C3=91=80`` is "Ñ" plus one odd character, not three garbled ones.
    """
    codec = lookup_codec(charset) if charset else None
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if _mostly_legacy(data):
            return decode_legacy(data)
        return data.decode("utf-8", errors="netdesk-legacy")


def _mostly_legacy(data: bytes) -> bool:
    """No valid multi-byte UTF-8 sequence at all: the value is in a legacy 8-bit charset as a whole."""
    return _UTF8_SEQUENCE.search(data) is None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def decode_quoted_printable(text: str, charset: str) -> str:
    """Lenient QP: ``=XX`` becomes a byte, any other ``=`` stays literal (Outlook writes stray ones)."""
    codec = lookup_codec(charset) if charset else None
    try:
        raw = text.encode(codec or "utf-8")
    except (UnicodeEncodeError, LookupError):
        raw = text.encode("utf-8")
    decoded = _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return decode_bytes(decoded, charset)


def decode_base64_lenient(text: str) -> bytes | None:
    if text and len(text) % 4 == 0:
        # A well-formed body (what real exports write, a photo in nearly every case) decodes as it is: the cleaning
        # below would change nothing in it but cost a copy of the text.
        with contextlib.suppress(ValueError):  # binascii.Error, or a character that is not ASCII
            return binascii.a2b_base64(text, strict_mode=True)
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text.replace("-", "+").replace("_", "/"))
    if not cleaned:
        return None
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]  # a truncated body: one stray character cannot encode a byte
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned)
    except (binascii.Error, ValueError):
        return None


# --- parameters -----------------------------------------------------------------------------


def _split_unquoted(text: str, sep: str) -> list[str]:
    if '"' not in text:
        return text.split(sep)
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def find_value_colon(line: str) -> int:
    """Index of the colon that ends the name and parameters (colons inside quoted params do not count)."""
    colon = line.find(":")
    if colon < 0 or line.find('"', 0, colon) < 0:
        return colon
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def _unquote_caret(value: str) -> str:
    """Drop surrounding quotes and apply RFC 6868 caret escapes (^n, ^', ^^)."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    return decode_caret(value)


def decode_caret(value: str) -> str:
    """RFC 6868 caret escapes in a parameter value (^n, ^', ^^); other carets stay as written."""
    if "^" in value:
        value = re.sub(
            r"\^(.)", lambda m: {"n": "\n", "N": "\n", "'": '"', "^": "^"}.get(m.group(1), m.group(0)), value
        )
    return value


def add_param_values(params: dict[str, list[str]], key: str, values: list[str]) -> None:
    """Add ``KEY=values`` (already unquoted and caret-decoded); empty values are dropped, encodings upper-cased."""
    values = [v for v in values if v]
    if not key or not values:
        return  # TYPE= with nothing after it
    if key == "ENCODING":
        values = [v.upper() for v in values]
    params.setdefault(key, []).extend(values)


def add_bare_param(params: dict[str, list[str]], bare: str) -> None:
    """A 2.1 parameter without a name: an encoding (``;QUOTED-PRINTABLE``) or else a type (``TEL;WORK;VOICE``)."""
    if bare.upper() in _BARE_ENCODINGS:
        params.setdefault("ENCODING", []).append(bare.upper())
    else:
        params.setdefault("TYPE", []).append(bare)


def parse_params(parts: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for part in parts:
        part = part.strip()
        if not part:
            continue  # TAIL;PARAM=value;: and NOPARAM;: — empty parameter, nothing to keep
        if "=" in part:
            key, _, raw = part.partition("=")
            values = [_unquote_caret(v.strip()) for v in _split_unquoted(raw, ",")]
            add_param_values(params, key.strip().upper(), values)
        else:
            add_bare_param(params, _unquote_caret(part))
    return params


# --- tokenizer ------------------------------------------------------------------------------


# Problems that cost a line or a character, not the card: (0-based line within the card, reason).
Problems = list[tuple[int, str]]

NOT_CLOSED_REASON = "card is not closed (missing END:VCARD): read as far as it goes"
NO_BEGIN_REASON = "text outside a vCard (missing BEGIN:VCARD): read as a card"
NESTED_CARD_REASON = "nested card (AGENT) kept as a property of this card, not imported as a contact of its own"
_VERSION_21 = re.compile(r"^VERSION:\s*2\.1\s*$", re.IGNORECASE)


def is_version_21(lines: list[str]) -> bool:
    """Whether a card declares VERSION:2.1 (2.1 unfolding keeps the folding whitespace, RFC 822 style)."""
    return any(_VERSION_21.match(ln) for ln in lines if ln[:1] in "Vv")


def garbage_reason(raw: str) -> str:
    shown = raw.strip()
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return f"line is neither a property nor a continuation, ignored: {shown!r}"


def tokenize_card(lines: list[str], problems: Problems | None = None) -> list[ContentLine]:
    """Content lines of one card given its physical lines (BEGIN/END included).

    A card without BEGIN:VCARD or END:VCARD is read as far as it goes, and so is a card with stray lines; each is
    reported in ``problems``. Raises CardSyntaxError only for a card with no lines at all.
    """
    if problems is None:
        problems = []
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
    if first is None or last is None:
        raise CardSyntaxError("empty card", 0)
    body_start = first + 1
    if marker(lines[first]) != "BEGIN:VCARD":
        problems.append((first, NO_BEGIN_REASON))
        body_start = first
    body_end = last
    if marker(lines[last]) != "END:VCARD" or last == first:
        problems.append((first, NOT_CLOSED_REASON))
        body_end = last + 1
    version_21 = is_version_21(lines)

    # Pass 1: join physical lines into logical ones, remembering where each starts.
    logical: list[_LogicalLine] = []
    nested_depth = 0
    nested_lines: list[str] = []
    in_qp_soft_break = False
    base64_mode = False
    for offset in range(body_start, body_end):
        raw = lines[offset]
        if nested_depth:
            # A card embedded in this one (2.1 AGENT): kept whole as the value of an AGENT property.
            nested_lines.append(raw)
            up = marker(raw)
            nested_depth += (up == "BEGIN:VCARD") - (up == "END:VCARD")
            if not nested_depth:
                _attach_nested(logical, offset, nested_lines)
                nested_lines = []
            continue
        if in_qp_soft_break and logical:
            # 2.1 quoted-printable soft line break: the next physical line continues the value as written (an
            # indented continuation keeps its whitespace: "send the=" + " report" is "send the report").
            logical[-1].drop_last_char()
            logical[-1].add(raw)
            in_qp_soft_break = raw.endswith("=") and _is_qp(logical[-1].head())
            continue
        if not raw.strip():
            continue  # blank lines: 2.1 base64 terminators, iOS CR CR LF artefacts
        if raw[:1] in " \t" and logical:
            # 3.0/4.0 unfolding drops the one whitespace character; 2.1 (RFC 822 folding) keeps it, except in
            # base64, where whitespace means nothing.
            in_value = find_value_colon(logical[-1].head()) >= 0
            logical[-1].add(raw if version_21 and in_value and not base64_mode else raw[1:])
        elif marker(raw) == "BEGIN:VCARD":
            nested_depth = 1
            nested_lines = [raw.strip()]
            problems.append((offset, NESTED_CARD_REASON))
            continue
        elif AGENT_INLINE_BEGIN.match(raw.strip()):
            # ``AGENT:BEGIN:VCARD``: the nested card starts on the AGENT line itself.
            logical.append(_LogicalLine(offset, raw.strip()[: -len("BEGIN:VCARD")].rstrip()))
            nested_depth = 1
            nested_lines = ["BEGIN:VCARD"]
            problems.append((offset, NESTED_CARD_REASON))
            continue
        elif raw.startswith("#"):
            continue  # comment lines some phones write
        elif (find_value_colon(raw) < 0 or not _NAME_RE.match(_name_part(raw))) and not (
            _PROPERTY_START.match(raw) and offset + 1 < body_end and lines[offset + 1][:1] in " \t"
        ):
            if logical and base64_mode and _BASE64_LINE.match(raw):
                logical[-1].add(raw.strip())
            elif logical and logical[-1].ends_with(("\\", "¥")):
                # A device bug: a value continued over a raw line break after a trailing backslash.
                logical[-1].drop_last_char()
                logical[-1].add("\\n" + raw)
            else:
                # Never glued onto the previous value: that would invent a value nobody wrote.
                problems.append((offset, garbage_reason(raw)))
                in_qp_soft_break = False
                continue
        else:
            logical.append(_LogicalLine(offset, raw))
            base64_mode = _is_base64_header(raw)
        in_qp_soft_break = bool(logical) and raw.endswith("=") and _is_qp(logical[-1].head())
    if nested_depth:
        _attach_nested(logical, body_end - 1, nested_lines)

    # Pass 2: split each logical line into its parts.
    out: list[ContentLine] = []
    for entry in logical:
        cl = _parse_content_line(entry.text(), entry.start)
        if cl is not None:
            out.append(cl)
    return out


# How much of a logical line is searched for its name and parameters while lines are still being joined.
_HEAD_CHARS = 4096


class _LogicalLine:
    """A logical line being assembled from physical ones.

    Pieces are collected and joined once: appending to one growing string would copy it for every folded line,
    which is quadratic for a 10 MB photo folded into 75-character lines.
    """

    __slots__ = ("parts", "start")

    def __init__(self, start: int, text: str) -> None:
        self.start = start
        self.parts = [text]

    def add(self, text: str) -> None:
        self.parts.append(text)

    def drop_last_char(self) -> None:
        while len(self.parts) > 1 and not self.parts[-1]:
            self.parts.pop()
        self.parts[-1] = self.parts[-1][:-1]

    def ends_with(self, suffixes: tuple[str, ...]) -> bool:
        last = next((p for p in reversed(self.parts) if p), "")
        return last.endswith(suffixes)

    def head(self) -> str:
        """The start of the line (name and parameters), without joining a long value."""
        pieces: list[str] = []
        size = 0
        for part in self.parts:
            pieces.append(part)
            size += len(part)
            if size >= _HEAD_CHARS:
                break
        return "".join(pieces)[:_HEAD_CHARS]

    def text(self) -> str:
        return "".join(self.parts)


def _attach_nested(logical: list[_LogicalLine], offset: int, nested_lines: list[str]) -> None:
    body = escape("\n".join(ln.strip() for ln in nested_lines if ln.strip()))
    if (
        logical
        and re.match(r"^(?:[^.:;]*\.)?AGENT[;:]", logical[-1].head(), re.IGNORECASE)
        and logical[-1].ends_with((":",))
    ):
        logical[-1].add(body)
    else:
        logical.append(_LogicalLine(offset, "AGENT:" + body))


def _name_part(line: str) -> str:
    head = line[: find_value_colon(line)]
    name = _split_unquoted(head, ";")[0]
    return name.split(".")[-1].strip()


def _header(line: str) -> str:
    idx = find_value_colon(line)
    return line[:idx].upper() if idx >= 0 else ""


def _is_qp(line: str) -> bool:
    return "QUOTED-PRINTABLE" in _header(line)


def _is_base64_header(line: str) -> bool:
    head = _header(line)
    return bool(re.search(r"(ENCODING=(B|BASE64)\b)|(;BASE64\b)", head))


def _parse_content_line(text: str, offset: int) -> ContentLine | None:
    idx = find_value_colon(text)
    if idx <= 0:
        return None
    head, value = text[:idx], text[idx + 1 :]
    parts = _split_unquoted(head, ";")
    full_name = parts[0].strip()
    group, _, name = full_name.rpartition(".")
    if not _NAME_RE.match(name):
        return None
    return finish_content_line(name, group, parse_params(parts[1:]), value, offset)


def finish_content_line(name: str, group: str, params: dict[str, list[str]], value: str, offset: int) -> ContentLine:
    """A content line from its lexed parts: QP and charsets decoded, base64 payload decoded into ``binary``.

    Shared by both lexers (vobject's and the tolerant one) so that a card gives the same lines whichever read it.
    """
    if not params or ("ENCODING" not in params and "CHARSET" not in params):  # most lines: nothing to decode
        if CONTROL_CHARACTERS.search(value):
            value, problem = _without_control_characters(name, value)
            return ContentLine(name.upper(), group, params, value, offset, None, problem)
        return ContentLine(name.upper(), group, params, value, offset)
    encodings = {e.upper() for e in params.get("ENCODING", [])}
    charset = params.get("CHARSET", [""])[0]
    binary: bytes | None = None
    if encodings & _QP_NAMES:
        value = decode_quoted_printable(value, charset)
        # Decoded QP may hold raw line breaks; keep the value in escaped form like every other value.
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
        params.pop("ENCODING", None)
        params.pop("CHARSET", None)
    elif encodings & _BASE64_NAMES:
        value = value.strip()
        if not value.lower().startswith("data:"):
            binary = decode_base64_lenient(value)
    else:
        params.pop("CHARSET", None)  # the text is already decoded
    problem = ""
    if CONTROL_CHARACTERS.search(value):
        value, problem = _without_control_characters(name, value)
    return ContentLine(
        name=name.upper(), group=group, params=params, value=value, offset=offset, binary=binary, problem=problem
    )


def _without_control_characters(name: str, value: str) -> tuple[str, str]:
    """``value`` without control characters, and the problem line that says so."""
    return CONTROL_CHARACTERS.sub("", value), f"control characters (NUL and the like) removed from {name.upper()}"


# C0 controls other than TAB (line breaks never reach a value raw: they are escaped), and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


# --- value escaping -------------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


def unescape(text: str) -> str:
    """Undo vCard text escaping; an unknown escape (``\\.``, Apple's ``\\:``) yields the character itself."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def split_escaped(text: str, sep: str, maxsplit: int = -1) -> list[str]:
    """Split on ``sep`` where it is not escaped by a backslash (at most ``maxsplit`` times); parts stay escaped."""
    if "\\" not in text:
        return text.split(sep, maxsplit)
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


_TO_ESCAPE = re.compile(r"[\\,;\r\n]")


def escape(text: str) -> str:
    if not _TO_ESCAPE.search(text):  # most values: one scan, no copies (an export escapes every text value)
        return text
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line so that no physical line exceeds ``limit`` octets, never splitting a character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= limit:
        return line
    out: list[str] = []
    chunk: list[str] = []
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            out.append("".join(chunk))
            chunk, size, budget = [], 0, limit - 1  # continuation lines start with a space
        chunk.append(ch)
        size += n
    out.append("".join(chunk))
    return "\r\n ".join(out)


def format_param_value(value: str) -> str:
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    if any(c in value for c in ":;,") or value != value.strip():
        return f'"{value}"'
    return value


def format_line(name: str, value: str, params: list[tuple[str, list[str]]] | None = None, group: str = "") -> str:
    head = f"{group}.{name}" if group else name
    for key, values in params or []:
        if values:
            head += f";{key}=" + ",".join(format_param_value(v) for v in values)
        else:
            head += f";{key}"
    return fold(f"{head}:{value}")
