"""vCard files: tolerant reading of 2.1/3.0/4.0 and writing of 3.0/4.0, with vobject behind one wrapper.

Reading splits a file into cards first and parses each card on its own, so one broken card becomes an
entry in the import report and never sinks the rest. Each card is lexed by vobject (``_vcard_vobject``:
``vobject.base.getLogicalLines`` and vobject's content-line grammar) and mapped to a ContactDTO by
``_vcard_read``; a card vobject's lexer rejects or would read differently (2.1 quoted-printable soft breaks,
bare parameter lists, comment lines, nested AGENT cards …, about 3% of the real-world corpus) is read by
NetDesk's tolerant tokenizer (``_vcard_lines``) instead. Both give the same content lines for a card
that both can read (tests/unit/io/test_vcard_vobject.py compares them card by card over the corpus).

Why the lexer and not ``vobject.readOne``: vobject attaches its vCard behaviours when a card ends, even
with ``transform=False``, and they cut every text value at its first unescaped comma (``NOTE:Hello, world``
reads as ``Hello``) — a data loss — and cost five times the lexer's time (about 6 s against 1.2 s per
10,000 cards on one core). The import target (a whole 10,000-card import, parse + match + write + index,
within the time vobject alone needs to parse the file) leaves parsing about 4.5 s of vobject's ~6 s, since
the database part takes ~1.3 s; the lexer path parses 10,000 cards in ~2 s on two cores, ``readOne`` would
need ~3.5 s plus its data loss. Large files are parsed in parallel in a process pool (one worker per core).

Writing builds a vobject component and lets vobject serialise it (``_vcard_write``, ``_vcard_vobject``).
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from netdesk.core.model import ContactDTO
from netdesk.io._vcard_lines import (
    CardSyntaxError,
    decode_bytes,
    decode_legacy,
    lookup_codec,
    marker,
    split_physical_lines,
)
from netdesk.io._vcard_read import parse_card_text
from netdesk.io._vcard_write import contact_to_vcard_text
from netdesk.io.report import ImportReport

__all__ = [
    "PARALLEL_THRESHOLD",
    "CardError",
    "contact_to_vcard",
    "decode_vcard_bytes",
    "looks_like_vcard",
    "parse_card",
    "read_vcard_bytes",
    "read_vcard_file",
    "split_cards",
    "write_vcard_file",
]

# Below this many cards a process pool costs more (worker start-up, pickling) than it saves.
PARALLEL_THRESHOLD = 500
EMPTY_FILE_REASON = "file is empty"
NO_CARDS_REASON = "no vCard found in the file"


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
    """Cards of a file as (1-based start line, card text); nested BEGIN:VCARD stays inside its outer card.

    Stray text between cards that ends in END:VCARD (a card that lost its BEGIN) is returned as a chunk
    of its own so that the parser reports it; other stray lines are ignored. A card still open at the
    end of the file is returned as it is (the parser reports the missing END:VCARD).
    """
    cards: list[tuple[int, str]] = []
    depth = 0
    start = 0
    current: list[str] = []
    orphan_start = 0
    orphan: list[str] = []
    for number, line in enumerate(split_physical_lines(text), start=1):
        tag = marker(line)
        if depth == 0:
            if tag == "BEGIN:VCARD":
                depth, start, current, orphan = 1, number, [line], []
            elif tag == "END:VCARD" and orphan:
                cards.append((orphan_start, "\n".join([*orphan, line])))
                orphan = []
            elif tag and tag != "END:VCARD":
                if not orphan:
                    orphan_start = number
                orphan.append(line)
            continue
        current.append(line)
        if tag == "BEGIN:VCARD":
            depth += 1
        elif tag == "END:VCARD":
            depth -= 1
            if depth == 0:
                cards.append((start, "\n".join(current)))
    if depth:
        cards.append((start, "\n".join(current)))
    return cards


def parse_card(card_text: str, *, file: str = "", line: int = 1) -> ContactDTO:
    """Parse one card (its text from BEGIN:VCARD to END:VCARD); ``line`` is where it starts in ``file``."""
    try:
        return parse_card_text(card_text)
    except CardSyntaxError as exc:
        raise CardError(exc.reason, line + exc.offset) from None
    except Exception as exc:  # a parser bug must cost one card, not the import
        raise CardError(f"unreadable card ({type(exc).__name__}: {exc})", line) from None


# One parse outcome: a contact, or (file, line, reason) for the report.
_Outcome = ContactDTO | tuple[str, int, str]


def _parse_chunk(chunk: Sequence[tuple[str, int, str]]) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    for file, line, text in chunk:
        try:
            outcomes.append(parse_card(text, file=file, line=line))
        except CardError as exc:
            outcomes.append((file, exc.line, exc.reason))
    return outcomes


def parse_cards(items: Sequence[tuple[str, int, str]], report: ImportReport, workers: int | None) -> list[ContactDTO]:
    """Parse (file, line, card text) items, in a process pool when there are many; errors go to ``report``."""
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if len(items) <= PARALLEL_THRESHOLD or worker_count <= 1:
        outcomes = _parse_chunk(items)
    else:
        # A few chunks per worker balance uneven cards (photos) without paying per-card pickling overhead.
        chunk_count = worker_count * 4
        size = max(1, -(-len(items) // chunk_count))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        # "spawn": forking a process that runs Qt threads is unsafe; workers import only this light module.
        with ProcessPoolExecutor(max_workers=worker_count, mp_context=get_context("spawn")) as pool:
            outcomes = [o for part in pool.map(_parse_chunk, chunks) for o in part]
    contacts: list[ContactDTO] = []
    for outcome in outcomes:
        if isinstance(outcome, ContactDTO):
            contacts.append(outcome)
        else:
            report.error(*outcome)
    return contacts


def cards_of_bytes(data: bytes, name: str, report: ImportReport) -> list[tuple[str, int, str]]:
    """The cards of one file as parse items; an empty or card-less file is reported here."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        report.error(name, None, EMPTY_FILE_REASON)
        return []
    cards = split_cards(decode_vcard_bytes(data))
    if not cards:
        report.error(name, None, NO_CARDS_REASON)
    return [(name, line, text) for line, text in cards]


def read_vcard_bytes(data: bytes, name: str, report: ImportReport, *, workers: int | None = None) -> list[ContactDTO]:
    return parse_cards(cards_of_bytes(data, name, report), report, workers)


def read_vcard_file(path: Path, report: ImportReport, *, workers: int | None = None) -> list[ContactDTO]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        report.error(str(path), None, f"cannot read file: {exc.strerror or exc}")
        return []
    return read_vcard_bytes(data, str(path), report, workers=workers)


# --- writing ------------------------------------------------------------------------------------


def contact_to_vcard(contact: ContactDTO, version: str = "3.0") -> str:
    """One card as vCard ``version`` ("3.0" or "4.0") text with CRLF line ends, folded at 75 octets."""
    return contact_to_vcard_text(contact, version)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place, so readers never see half a file."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_vcard_file(contacts: Iterable[ContactDTO], path: Path, version: str = "3.0") -> int:
    """Write all ``contacts`` into one .vcf file atomically; returns how many cards were written."""
    texts = [contact_to_vcard(c, version) for c in contacts]
    atomic_write_bytes(Path(path), "".join(texts).encode("utf-8"))
    return len(texts)
