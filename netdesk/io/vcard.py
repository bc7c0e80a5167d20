"""vCard files: tolerant reading of 2.1/3.0/4.0 and writing of 3.0/4.0, with vobject behind one wrapper.

Reading splits a file into cards first and parses each card on its own, so one broken card becomes an
entry in the import report and never sinks the rest. Each card is lexed by vobject's rules (``_vcard_vobject``:
``vobject.base.getLogicalLines`` and vobject's content-line grammar, the common lines read the same way by
NetDesk's own faster code) and mapped to a ContactDTO by
``_vcard_read``; a card vobject's lexer rejects or would read differently (2.1 quoted-printable soft breaks,
bare parameter lists, comment lines, nested AGENT cards …, about 3% of the real-world corpus) is read by
NetDesk's tolerant tokenizer (``_vcard_lines``) instead. Both give the same content lines for a card
that both can read (tests/unit/io/test_vcard_vobject.py compares them card by card over the corpus).

Why the lexer and not ``vobject.readOne``: vobject attaches its vCard behaviours when a card ends, even
with ``transform=False``, and they cut every text value at its first unescaped comma (``NOTE:Hello, world``
reads as ``Hello``) — a data loss — and cost five times the lexer's time (about 6 s against 1.2 s per
10,000 cards on one core). The import target (issue 12: a whole 10,000-card import, parse + match + write + index,
within half the time vobject alone needs to parse the file, tests/benchmarks/bench_vcard_parse.py) leaves no room
for ``readOne``. Large files are parsed in parallel in a process pool (one worker per core), and a streamed import
(``vcard_stream``) writes each segment while the next ones are parsed.

Writing builds a vobject component and lets vobject serialise it (``_vcard_write``, ``_vcard_vobject``).

Hostile input (tests/unit/io/test_limits.py, tests/fuzz/): a file over MAX_VCARD_FILE_BYTES is refused before it is
read; a card without END:VCARD ends where the next card begins (``split_cards_checked``); a PHOTO that is not an
image, or whose header declares too many pixels, is refused and reported (``_image_check``); cards over
``VOBJECT_MAX_CARD_CHARS`` skip vobject's lexer, whose memory grows ~140 bytes per character of a logical line.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from netdesk.core.model import ContactDTO
from netdesk.io._vcard_lines import (
    AGENT_EMPTY_VALUE,
    AGENT_INLINE_BEGIN,
    CardSyntaxError,
    decode_bytes,
    decode_legacy,
    lookup_codec,
    marker,
    split_physical_lines,
)
from netdesk.io._vcard_read import parse_card_text_checked
from netdesk.io._vcard_write import contact_to_vcard_text
from netdesk.io.atomic import atomic_open
from netdesk.io.orphans import exit_with_parent
from netdesk.io.report import ImportReport

__all__ = [
    "MAX_VCARD_FILE_BYTES",
    "PARALLEL_THRESHOLD",
    "CardError",
    "contact_to_vcard",
    "decode_vcard_bytes",
    "looks_like_vcard",
    "parse_card",
    "read_vcard_bytes",
    "read_vcard_file",
    "split_cards",
    "split_cards_checked",
    "write_vcard_file",
]

# Below this many cards a process pool costs more (worker start-up, pickling) than it saves.
PARALLEL_THRESHOLD = 500
CHUNK_CARDS = 250  # see parse_cards
# Larger vCard files are refused before they are read. Reading holds the file's bytes, its decoded text, its lines
# and its cards at once (about five times its size at the peak, see tests/unit/io/test_limits.py); 100 MB is far
# beyond any real address book without photos (10,000 cards are ~3 MB) and leaves room for photo-heavy exports.
MAX_VCARD_FILE_BYTES = 100 * 1024 * 1024
EMPTY_FILE_REASON = "file is empty"
NO_CARDS_REASON = "no vCard found in the file"
NOT_CLOSED_BEFORE_NEXT_REASON = "card not closed: END:VCARD missing before the next BEGIN:VCARD"


class CardError(Exception):
    """A card that cannot be imported; ``line`` is the absolute line in its file where possible."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(f"line {line}: {reason}")
        self.reason = reason
        self.line = line

    def __reduce__(self) -> tuple[type[CardError], tuple[str, int]]:
        return (CardError, (self.reason, self.line))


# --- decoding --------------------------------------------------------------------------------

_CHARSET_PARAM = re.compile(rb"CHARSET=([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def decode_vcard_bytes(data: bytes) -> str:
    """Text of a vCard file: BOMs, UTF-16/32 without BOM, UTF-8, per-property CHARSET=, else cp1252.

    Nothing is ever replaced by U+FFFD: bytes that are not valid UTF-8 are read in the charset the
    property names, else as cp1252 (Latin-1 for the few bytes cp1252 leaves undefined).
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                return _decode_mixed(body) if codec == "utf-8" else body.decode(codec, errors="replace")
    if len(data) >= 4 and data[0] == 0 and data[1] != 0 and data.count(0) * 3 >= len(data):
        return data.decode("utf-16-be", errors="replace")  # "\0B\0E…": UTF-16 without a BOM (Roundcube sample)
    if len(data) >= 4 and data[1] == 0 and data[0] != 0 and data.count(0) * 3 >= len(data):
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_mixed(data)


def _decode_mixed(data: bytes) -> str:
    """Line by line: 2.1 files may carry raw 8-bit values in different charsets, named by CHARSET=."""
    out: list[str] = []
    charset = ""
    for raw in re.split(rb"(\r\n|\r|\n)", data):
        if raw in (b"\r\n", b"\r", b"\n"):
            out.append(raw.decode("ascii"))
            continue
        if raw[:1] not in (b" ", b"\t"):
            head = raw.split(b":", 1)[0] if b":" in raw else b""
            match = _CHARSET_PARAM.search(head)
            quoted_printable = b"QUOTED-PRINTABLE" in head.upper()
            charset = match.group(1).decode("ascii") if match and not quoted_printable else ""
        if charset and lookup_codec(charset):
            out.append(decode_bytes(raw, charset))
        else:
            try:
                out.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(decode_legacy(raw))
    return "".join(out)


def looks_like_vcard(data: bytes) -> bool:
    """True when BEGIN:VCARD (any case, any common encoding) appears near the start of ``data``."""
    head = data[:4096]
    if b"\x00" in head[:64]:
        head = decode_vcard_bytes(head[: len(head) // 4 * 4]).encode("utf-8", errors="ignore")
    return b"BEGIN:VCARD" in head.upper()


# --- splitting and parsing ------------------------------------------------------------------


def split_cards(text: str) -> list[tuple[int, str]]:
    """Cards of a file as (1-based start line, card text); see ``split_cards_checked``."""
    return split_cards_checked(text)[0]


# BEGIN/END markers are short; longer lines (photos, huge values) are not upper-cased just to find that out.
_MAX_MARKER_LENGTH = 200


def _card_markers(lines: Sequence[str]) -> list[tuple[int, bool, bool]]:
    """(line index, is BEGIN, is an AGENT's nested card) for every BEGIN:VCARD / END:VCARD line."""
    events: list[tuple[int, bool, bool]] = []
    previous = ""  # the last non-blank short line: a BEGIN right after an empty ``AGENT:`` is its value
    for index, line in enumerate(lines):
        if len(line) > _MAX_MARKER_LENGTH:
            previous = ""
            continue
        stripped = line.strip()
        if not stripped:
            continue
        tag = marker(stripped)
        if tag == "BEGIN:VCARD":
            events.append((index, True, bool(AGENT_EMPTY_VALUE.match(previous))))
        elif tag == "END:VCARD":
            events.append((index, False, False))
        elif AGENT_INLINE_BEGIN.match(stripped):
            events.append((index, True, True))
        previous = stripped
    return events


def split_cards_checked(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Cards of a file as (1-based start line, card text), and (line, reason) for cards that were not closed.

    BEGIN/END lines are matched like brackets. A card nested in another stays inside it (2.1 AGENT cards, and
    ``v21_nest``-style nesting inside a card that is closed). A card that is never closed ends where the next
    card that is not its AGENT begins: it is returned as far as it goes (closed here) and reported, and the cards
    after it read normally — otherwise one missing END:VCARD would swallow every following card. A card still
    open at the end of the file is returned as it is (the parser reports the missing END:VCARD).

    Stray text between cards that ends in END:VCARD (a card that lost its BEGIN) is returned as a chunk of its
    own so that the parser reports it; other stray lines are ignored.
    """
    return split_card_lines(split_physical_lines(text))


def split_card_lines(lines: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """``split_cards_checked`` for a file already split into physical lines (so the caller need not keep its text)."""
    events = _card_markers(lines)
    end_of: dict[int, int] = {}  # line index of a BEGIN -> line index of its END
    parent_of: dict[int, int | None] = {}
    open_begins: list[int] = []
    via_agent: set[int] = set()
    for index, is_begin, agent in events:
        if is_begin:
            parent_of[index] = open_begins[-1] if open_begins else None
            open_begins.append(index)
            if agent:
                via_agent.add(index)
        elif open_begins:
            end_of[open_begins.pop()] = index
    unclosed = set(open_begins)

    def is_top_level(begin: int) -> bool:
        parent = parent_of[begin]
        if parent is None or begin in unclosed:
            return True
        # Inside a card that is never closed, only an AGENT's card is nested; any other BEGIN starts a new card.
        return parent in unclosed and begin not in via_agent

    tops = [index for index, is_begin, _agent in events if is_begin and is_top_level(index)]
    cards: list[tuple[int, str]] = []
    problems: list[tuple[int, str]] = []
    cursor = 0
    for position, begin in enumerate(tops):
        _collect_orphan(lines, cursor, begin, cards)
        if begin in end_of:
            cards.append((begin + 1, "\n".join(lines[begin : end_of[begin] + 1])))
            cursor = end_of[begin] + 1
        elif position + 1 < len(tops):
            stop = tops[position + 1]
            body = lines[begin:stop]
            while len(body) > 1 and not body[-1].strip():
                body.pop()
            cards.append((begin + 1, "\n".join([*body, "END:VCARD"])))
            problems.append((begin + 1, NOT_CLOSED_BEFORE_NEXT_REASON))
            cursor = stop
        else:
            cards.append((begin + 1, "\n".join(lines[begin:])))
            cursor = len(lines)
    _collect_orphan(lines, cursor, len(lines), cards)
    return cards, problems


def _collect_orphan(lines: Sequence[str], start: int, stop: int, cards: list[tuple[int, str]]) -> None:
    """Stray lines between cards: those that end in END:VCARD form a card that lost its BEGIN:VCARD."""
    orphan_start = 0
    orphan: list[str] = []
    for index in range(start, stop):
        line = lines[index]
        if not line.strip():
            continue
        if len(line) <= _MAX_MARKER_LENGTH and marker(line) == "END:VCARD":
            if orphan:
                cards.append((orphan_start, "\n".join([*orphan, line])))
                orphan = []
            continue
        if not orphan:
            orphan_start = index + 1
        orphan.append(line)


def parse_card(card_text: str, *, file: str = "", line: int = 1) -> ContactDTO:
    """Parse one card (its text from BEGIN:VCARD to END:VCARD); ``line`` is where it starts in ``file``."""
    return parse_card_checked(card_text, line=line)[0]


def parse_card_checked(card_text: str, *, line: int = 1) -> tuple[ContactDTO, list[tuple[int, str]]]:
    """``parse_card`` plus (absolute line, reason) for each property refused on the way (e.g. a photo)."""
    try:
        contact, problems = parse_card_text_checked(card_text)
        return contact, [(line + offset, reason) for offset, reason in problems]
    except CardSyntaxError as exc:
        raise CardError(exc.reason, line + exc.offset) from None
    except Exception as exc:  # a parser bug must cost one card, not the import
        raise CardError(f"unreadable card ({type(exc).__name__}: {exc})", line) from None


# One parse outcome: a contact, (file, line, reason) for a problem, or ("skip", file, line, reason) for a card that
# could not be imported at all (counted as skipped, with its reason).
_Outcome = ContactDTO | tuple[str, int, str] | tuple[str, str, int, str]


def _parse_chunk(chunk: Sequence[tuple[str, int, str]]) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    for file, line, text in chunk:
        try:
            contact, problems = parse_card_checked(text, line=line)
        except CardError as exc:
            outcomes.append(("skip", file, exc.line, exc.reason))
            continue
        outcomes.append(contact)
        outcomes.extend((file, problem_line, reason) for problem_line, reason in problems)
    return outcomes


def parse_cards(items: Sequence[tuple[str, int, str]], report: ImportReport, workers: int | None) -> list[ContactDTO]:
    """Parse (file, line, card text) items, in a process pool when there are many; errors go to ``report``."""
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if len(items) <= PARALLEL_THRESHOLD or worker_count <= 1:
        outcomes = _parse_chunk(items)
    else:
        # A few chunks per worker balance uneven cards (photos) without paying per-card pickling overhead; at most
        # CHUNK_CARDS each, because unpickling a chunk's contacts holds the GIL, which an import in the app shares
        # with the GUI thread: 2,500 parsed cards took 0.85 s to unpickle on the busy test machine, 250 took 36 ms.
        chunk_count = worker_count * 4
        size = max(1, min(CHUNK_CARDS, -(-len(items) // chunk_count)))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        # "spawn": forking a process that runs Qt threads is unsafe; workers import only this light module.
        with ProcessPoolExecutor(
            max_workers=worker_count,
            mp_context=get_context("spawn"),
            initializer=exit_with_parent,  # no orphans when the app is killed mid-import
            initargs=(os.getpid(),),
        ) as pool:
            outcomes = [o for part in pool.map(_parse_chunk, chunks) for o in part]
    contacts: list[ContactDTO] = []
    for outcome in outcomes:
        if isinstance(outcome, ContactDTO):
            contacts.append(outcome)
        elif len(outcome) == 4:
            report.skip(*outcome[1:])
        else:
            report.error(*outcome)
    return contacts


def too_large_reason(size: int, limit: int) -> str:
    return (
        f"file is too large to import ({size:,} bytes; the limit for a vCard file is {limit:,} bytes): "
        "split it into smaller files"
    )


def refuse_if_too_large(size: int, name: str, report: ImportReport, limit: int | None = None) -> bool:
    """Report a file over the size limit (and list it as unreadable); True when it was refused."""
    limit = MAX_VCARD_FILE_BYTES if limit is None else limit
    if size <= limit:
        return False
    report.error(name, None, too_large_reason(size, limit))
    report.unreadable_files.append(name)
    return True


def cards_of_bytes(
    data: bytes, name: str, report: ImportReport, *, max_bytes: int | None = None
) -> list[tuple[str, int, str]]:
    """The cards of one file as parse items; an empty, card-less or too large file is reported here."""
    if refuse_if_too_large(len(data), name, report, max_bytes):
        return []
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        report.error(name, None, EMPTY_FILE_REASON)
        return []
    # The decoded text is dropped as soon as it is split into lines: one copy of the file less at the peak.
    cards, problems = split_card_lines(split_physical_lines(decode_vcard_bytes(data)))
    for line, reason in problems:
        report.error(name, line, reason)
    if not cards:
        report.error(name, None, NO_CARDS_REASON)
    return [(name, line, text) for line, text in cards]


def read_vcard_bytes(
    data: bytes, name: str, report: ImportReport, *, workers: int | None = None, max_bytes: int | None = None
) -> list[ContactDTO]:
    """Contacts of one vCard file's bytes; ``max_bytes`` overrides MAX_VCARD_FILE_BYTES."""
    return parse_cards(cards_of_bytes(data, name, report, max_bytes=max_bytes), report, workers)


def read_vcard_file(
    path: Path, report: ImportReport, *, workers: int | None = None, max_bytes: int | None = None
) -> list[ContactDTO]:
    """Contacts of one vCard file; a file over the size limit is refused before it is read."""
    try:
        if refuse_if_too_large(Path(path).stat().st_size, str(path), report, max_bytes):
            return []
        data = Path(path).read_bytes()
    except OSError as exc:
        report.error(str(path), None, f"cannot read file: {exc.strerror or exc}")
        return []
    items = cards_of_bytes(data, str(path), report, max_bytes=max_bytes)
    del data  # the cards hold the text now; the raw bytes would only raise the peak memory while parsing
    return parse_cards(items, report, workers)


# --- writing ------------------------------------------------------------------------------------


def contact_to_vcard(contact: ContactDTO, version: str = "3.0") -> str:
    """One card as vCard ``version`` ("3.0" or "4.0") text with CRLF line ends, folded at 75 octets."""
    return contact_to_vcard_text(contact, version)


def write_vcard_file(contacts: Iterable[ContactDTO], path: Path, version: str = "3.0") -> int:
    """Write all ``contacts`` into one .vcf file atomically, card by card; returns how many cards were written."""
    count = 0
    with atomic_open(Path(path), "wb") as out:
        for contact in contacts:
            out.write(contact_to_vcard(contact, version).encode("utf-8"))
            count += 1
    return count


def render_cards(contacts: list[ContactDTO], facts: Mapping[str, Mapping[int, object]], version: str = "3.0") -> bytes:
    """A batch of cards as the bytes of a .vcf file (an export's worker processes run this; ``facts`` unused)."""
    return "".join([contact_to_vcard(c, version) for c in contacts]).encode("utf-8")
