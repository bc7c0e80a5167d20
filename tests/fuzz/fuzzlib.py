"""Generators of hostile vCard/CSV input and the properties every reader must keep, shared by the short fuzz tests
(tests/fuzz/, driven by hypothesis) and the long run (tests/benchmarks/bench_fuzz.py, driven by random.Random).

Generators take a ``Chooser`` so that the same code produces hypothesis-shrinkable examples and fast plain-random
ones. Checkers return a list of failures (empty = the property held) instead of asserting, so the long run can count
and print them.
"""

from __future__ import annotations

import base64
import random
import signal
import struct
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from netdesk.core.errors import UnsupportedFormatError
from netdesk.io._image_check import photo_problem
from netdesk.io.contact_csv import detect_csv_kind, read_contact_csv
from netdesk.io.linkedin import (
    CONNECTION_COLUMNS,
    INVITATION_COLUMNS,
    MESSAGE_COLUMNS,
    is_linkedin_csv,
    read_linkedin,
)
from netdesk.io.report import ImportReport
from netdesk.io.vcard import looks_like_vcard, read_vcard_bytes

T = TypeVar("T")

# Seconds one input may take before it counts as a hang (inputs are at most ~1 MB; real reads take milliseconds).
TIME_LIMIT = 5.0


class Chooser(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def choice(self, options: Sequence[T]) -> T: ...
    def boolean(self) -> bool: ...
    def text(self, max_size: int) -> str: ...
    def binary(self, max_size: int) -> bytes: ...


# Characters that matter to vCard and CSV syntax, plus some that stress decoding.
_SPECIAL = [*";:,=\\\"'\r\n\t ^.-_#@+", "é", "ß", "€", "日", "\x00", "\ufeff", "\u2028", "😀"]
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class RandomChooser:
    """Plain pseudo-random choices (fast: the long run feeds ~1,000 inputs a second)."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rnd.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rnd.randrange(len(options))]

    def boolean(self) -> bool:
        return self.rnd.random() < 0.5

    def text(self, max_size: int) -> str:
        size = self.rnd.randint(0, max_size)
        out = []
        for _ in range(size):
            roll = self.rnd.random()
            if roll < 0.7:
                out.append(self.rnd.choice(_ALPHABET))
            elif roll < 0.95:
                out.append(self.rnd.choice(_SPECIAL))
            else:
                out.append(chr(self.rnd.randint(0x80, 0x2FFF)))
        return "".join(out)

    def binary(self, max_size: int) -> bytes:
        return self.rnd.randbytes(self.rnd.randint(0, max_size))


class HypothesisChooser:
    """Choices drawn from hypothesis' ``st.data()``, so failures shrink to a small example.

    Each strategy is built once and reused (``_strategy``): a hundred draws an example each built their strategy
    anew, and the text alphabet's character sets alone cost more than reading the input."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def integer(self, low: int, high: int) -> int:
        return int(self._data.draw(_strategy("integers", low, high)))

    def choice(self, options: Sequence[T]) -> T:
        return self._data.draw(_strategy("sampled_from", tuple(options)))  # type: ignore[no-any-return]

    def boolean(self) -> bool:
        return bool(self._data.draw(_strategy("booleans")))

    def text(self, max_size: int) -> str:
        return str(self._data.draw(_strategy("text", max_size)))

    def binary(self, max_size: int) -> bytes:
        return bytes(self._data.draw(_strategy("binary", max_size)))


_strategies: dict[tuple[Any, ...], Any] = {}


def _strategy(kind: str, *args: Any) -> Any:
    """The hypothesis strategy ``kind`` with ``args``, built on first use."""
    key = (kind, *args)
    found = _strategies.get(key)
    if found is None:
        from hypothesis import strategies as st

        if kind == "text":
            alphabet = st.one_of(st.sampled_from(_ALPHABET), st.sampled_from(_SPECIAL), st.characters(codec="utf-8"))
            found = st.text(alphabet, max_size=args[0])
        elif kind == "binary":
            found = st.binary(max_size=args[0])
        else:
            found = getattr(st, kind)(*args)
        _strategies[key] = found
    return found


# --- vCard generation ----------------------------------------------------------------------------------------------

_PROPERTY_NAMES = (
    "FN", "N", "NICKNAME", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "URL", "IMPP", "BDAY", "ANNIVERSARY",
    "NOTE", "CATEGORIES", "PHOTO", "UID", "REV", "KIND", "GENDER", "RELATED", "AGENT", "LABEL", "X-AIM",
    "X-ABLabel", "X-ABShowAs", "X-CUSTOM", "VERSION", "BEGIN", "END", "item1.EMAIL", "item1.X-ABLabel", "GEO",
)  # fmt: skip
_PARAMS = (
    "TYPE=WORK", "TYPE=home,pref", "WORK", "VOICE", "CELL", "PREF=1", "ENCODING=QUOTED-PRINTABLE",
    "QUOTED-PRINTABLE", "CHARSET=UTF-8", "CHARSET=SHIFT_JIS", "CHARSET=bogus", "ENCODING=b", "ENCODING=BASE64",
    "BASE64", "VALUE=uri", "VALUE=DATE", 'TYPE="a,b:c"', "TYPE=", "X-P=a^nb^'", "LABEL=\"x;y\"", "TYPE=JPEG", "",
)  # fmt: skip
_VERSIONS = ("2.1", "3.0", "4.0", "", "9.9")
_EOLS = ("\r\n", "\n", "\r", "\r\r\n")


def image_header(c: Chooser) -> bytes:
    """The start of an image (sometimes a bomb: a header that declares an enormous size) or random bytes."""
    kind = c.integer(0, 6)
    width, height = c.choice((1, 64, 5000, 100_000, 0xFFFF)), c.choice((1, 64, 5000, 100_000, 0xFFFF))
    if kind == 0:
        return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x06"
    if kind == 1:
        sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, min(height, 0xFFFF), min(width, 0xFFFF)) + b"\x03"
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof
    if kind == 2:
        return b"GIF89a" + struct.pack("<HH", min(width, 0xFFFF), min(height, 0xFFFF)) + b"\x00\x00\x00"
    if kind == 3:
        return b"BM" + bytes(12) + struct.pack("<Iii", 40, width, -height) + bytes(8)
    if kind == 4:
        return b"RIFF\x00\x00\x00\x00WEBPVP8X" + bytes(8) + (width - 1).to_bytes(3, "little") + bytes(3)
    return c.binary(40)


def _value(c: Chooser, name: str) -> str:
    kind = c.integer(0, 9)
    if kind == 0:
        return base64.b64encode(image_header(c) + c.binary(200)).decode("ascii")
    if kind == 1:
        raw = c.text(60).encode("utf-8", "surrogatepass")
        return "".join(f"={b:02X}" if c.boolean() else chr(b) if 32 < b < 127 else f"={b:02X}" for b in raw)
    if kind == 2:
        return (
            "data:" + c.choice(("image/png", "text/plain", "")) + ";base64," + base64.b64encode(c.binary(80)).decode()
        )
    if kind == 3:
        return c.choice(("1985-04-12", "--0412", "19850412T000000Z", "1604-01-01", "2024-13-45", "x"))
    if kind == 4:
        return ";".join(c.text(10) for _ in range(c.integer(0, 8)))
    return c.text(80)


def _property_line(c: Chooser) -> str:
    name = c.choice(_PROPERTY_NAMES) if c.integer(0, 9) else c.text(8)
    params = "".join(";" + c.choice(_PARAMS) for _ in range(c.integer(0, 3)))
    return f"{name}{params}:{_value(c, name)}"


def _fold(c: Chooser, line: str, eol: str) -> str:
    """Fold like 3.0 (space/tab continuations) or 2.1 QP (``=`` soft breaks), at random widths."""
    if len(line) < 20 or c.integer(0, 3):
        return line
    width = c.integer(1, 76)
    style = c.choice((" ", "\t", "=" + eol, ""))
    pieces = [line[i : i + width] for i in range(0, len(line), width)]
    return (eol + style if not style.startswith("=") else style).join(pieces)


def vcard_text(c: Chooser, *, max_properties: int = 12, nested: bool = True) -> str:
    """One vCard-ish card: random properties, parameters, encodings and folding; sometimes nested or broken."""
    eol = c.choice(_EOLS)
    lines: list[str] = []
    if c.integer(0, 9):
        lines.append(c.choice(("BEGIN:VCARD", "begin:vcard", "item1.BEGIN:VCARD", " BEGIN:VCARD")))
    if c.integer(0, 3):
        lines.append("VERSION:" + c.choice(_VERSIONS))
    for _ in range(c.integer(0, max_properties)):
        roll = c.integer(0, 19)
        if roll == 0 and nested:
            agent = c.choice(("AGENT:", "AGENT;TYPE=x:", "", "AGENT:BEGIN:VCARD"))
            inner = vcard_text(c, max_properties=3, nested=False)
            if agent == "AGENT:BEGIN:VCARD":
                lines.append("AGENT:" + inner)
            else:
                lines += [agent, inner] if agent else [inner]
        elif roll == 1:
            lines.append(c.choice(("", " ", "# comment", "garbage without colon", ":no name", "END:VCARD")))
        else:
            lines.append(_fold(c, _property_line(c), eol))
    if c.integer(0, 9):
        lines.append(c.choice(("END:VCARD", "end:vcard", "END:VCARD ", "END:VCARDX")))
    return eol.join(lines)


def encode_text(c: Chooser, text: str) -> bytes:
    codec = c.choice(("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32"))
    data = text.encode(codec, errors="replace")
    return data


def vcard_file(c: Chooser) -> bytes:
    cards = [vcard_text(c) for _ in range(c.integer(0, 4))]
    return encode_text(c, c.choice(_EOLS).join(cards))


# --- mutation ---------------------------------------------------------------------------------------------------


def mutate(c: Chooser, data: bytes, *, huge_line: int = 100_000) -> bytes:
    """Damage ``data`` a few times: byte flips, truncation, duplication, line shuffles, NULs, CRs, a huge line."""
    for _ in range(c.integer(1, 4)):
        op = c.integer(0, 8)
        pos = c.integer(0, len(data))
        if op == 0 and data:
            index = min(pos, len(data) - 1)
            data = data[:index] + bytes([data[index] ^ (1 << c.integer(0, 7))]) + data[index + 1 :]
        elif op == 1:
            data = data[:pos]
        elif op == 2:
            end = c.integer(pos, len(data))
            data = data[:end] + data[pos:end] + data[end:]
        elif op == 3:
            lines = data.split(b"\n")
            i, j = c.integer(0, len(lines) - 1), c.integer(0, len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif op == 4:
            data = data[:pos] + b"\x00" * c.integer(1, 8) + data[pos:]
        elif op == 5:
            data = data[:pos] + c.choice((b"\r", b"\r\r\n", b"\n ", b"=\r\n")) + data[pos:]
        elif op == 6:
            filler = c.choice((b"A", b"=41", b"\\", b" ", b"\xff", b'"', b"BEGIN:VCARD\r\n"))
            line = b"NOTE:" + filler * (huge_line // len(filler))
            data = data[:pos] + b"\r\n" + line + b"\r\n" + data[pos:]
        elif op == 7:
            lines = data.split(b"\n")
            del lines[min(pos, len(lines) - 1)]
            data = b"\n".join(lines)
        else:
            data = data[:pos] + c.binary(16) + data[pos:]
    return data


# --- CSV generation --------------------------------------------------------------------------------------------

_CSV_HEADERS = (
    CONNECTION_COLUMNS,
    MESSAGE_COLUMNS,
    INVITATION_COLUMNS,
    ("First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company", "Notes"),  # Outlook-like
    ("Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Value", "Group Membership"),
    ("UID", "Kind", "Formatted Name", "Emails", "Phones", "Addresses"),  # NetDesk (partial)
)


def _csv_cell(c: Chooser) -> str:
    kind = c.integer(0, 7)
    if kind == 0:
        return c.choice(("12 Mar 2021", "Mar 12, 2021", "2021/03/12", "31 Feb 2021", "03/12/21, 10:00 AM", "x"))
    if kind == 1:
        return c.choice(("https://www.linkedin.com/in/ada", "http://x", "INCOMING", "OUTGOING", "=1+1", "@sum"))
    return c.text(30)


def _quote(c: Chooser, cell: str, delimiter: str) -> str:
    if c.integer(0, 3) == 0:
        return cell  # raw, even when it holds the delimiter, quotes or line breaks
    return '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in f'{delimiter}"\r\n') else cell


def csv_file(c: Chooser) -> bytes:
    """A CSV-ish file: a known header (sometimes shuffled, cut or after LinkedIn's Notes block) and random rows."""
    header = list(c.choice(_CSV_HEADERS))
    if c.integer(0, 4) == 0:
        header = header[: c.integer(1, len(header))]
    if c.integer(0, 4) == 0:
        i, j = c.integer(0, len(header) - 1), c.integer(0, len(header) - 1)
        header[i], header[j] = header[j], header[i]
    delimiter = c.choice((",", ",", ",", ";", "\t", "|"))
    eol = c.choice(("\r\n", "\n", "\r"))
    lines: list[str] = []
    if c.integer(0, 3) == 0:
        lines += ["Notes:", '"When exporting your connection data, you may notice ..."', ""]
    lines.append(delimiter.join(_quote(c, h, delimiter) for h in header))
    for _ in range(c.integer(0, 8)):
        width = len(header) + c.choice((0, 0, 0, -1, 1, 5))
        lines.append(delimiter.join(_quote(c, _csv_cell(c), delimiter) for _ in range(max(0, width))))
    text = eol.join(lines)
    data = encode_text(c, text)
    if c.integer(0, 5) == 0:
        data = c.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) + data
    return data


# --- properties -------------------------------------------------------------------------------------------------


class InputTookTooLong(Exception):
    pass


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Interrupt the block with InputTookTooLong after ``seconds`` (main thread, POSIX); elsewhere just measure."""
    use_alarm = hasattr(signal, "setitimer")
    previous: Any = None
    if use_alarm:

        def expire(_signum: int, _frame: object) -> None:
            raise InputTookTooLong(f"input took more than {seconds} s")

        try:
            previous = signal.signal(signal.SIGALRM, expire)
            signal.setitimer(signal.ITIMER_REAL, seconds)
        except ValueError:  # not the main thread
            use_alarm = False
    start = time.monotonic()
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.monotonic() - start > seconds:
        raise InputTookTooLong(f"input took {time.monotonic() - start:.1f} s (limit {seconds} s)")


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") + 1


def _check_problems(report: ImportReport, names: set[str], max_line: int) -> list[str]:
    failures: list[str] = []
    for problem in report.errors:
        if problem.file not in names:
            failures.append(f"problem names file {problem.file!r}, expected one of {sorted(names)}")
        if problem.line is not None and not (isinstance(problem.line, int) and 1 <= problem.line <= max_line):
            failures.append(f"problem line {problem.line!r} outside 1..{max_line}: {problem}")
        if not isinstance(problem.reason, str) or not problem.reason.strip():
            failures.append(f"problem without a reason: {problem!r}")
    return failures


def _guarded(action: Callable[[], list[str]], allowed: tuple[type[BaseException], ...] = ()) -> list[str]:
    try:
        with time_limit():
            return action()
    except allowed:
        return []
    except InputTookTooLong as exc:
        return [str(exc)]
    except Exception:
        return ["raised " + traceback.format_exc(limit=-3)]


def check_vcard_bytes(data: bytes, name: str = "fuzz.vcf") -> list[str]:
    """Reading never raises, ends in time, reports every problem with file/line/reason, keeps only safe photos."""

    def read() -> list[str]:
        looks_like_vcard(data)
        report = ImportReport()
        contacts = read_vcard_bytes(data, name, report, workers=1)
        failures = _check_problems(report, {name}, _line_count(data))
        for contact in contacts:
            if not contact.uid or not contact.name:
                failures.append(f"contact without uid or name: {contact!r:.200}")
            if contact.photo is not None and photo_problem(contact.photo):
                failures.append(f"unsafe photo kept: {photo_problem(contact.photo)}")
        return failures

    return _guarded(read)


GOOD_CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Card Alpha\r\nEMAIL:alpha@example.com\r\nEND:VCARD",
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Omega;Good;;;\r\nFN:Good Card Omega\r\nTEL;WORK:+1 555 0100\r\nEND:VCARD",
)


def check_good_cards_survive(broken: bytes) -> list[str]:
    """A broken card between two good ones costs at most itself: both good cards still import, unchanged."""
    data = GOOD_CARDS[0].encode() + b"\r\n" + broken + b"\r\n" + GOOD_CARDS[1].encode() + b"\r\n"
    failures = check_vcard_bytes(data, "sandwich.vcf")
    if failures:
        return failures
    # After an empty AGENT property a BEGIN:VCARD is a nested card by the 2.1 rules, so the next card may belong to it.
    if b"AGENT" in broken.upper():
        return []
    contacts = read_vcard_bytes(data, "sandwich.vcf", ImportReport(), workers=1)
    names = [c.formatted_name for c in contacts]
    return [
        f"good card {n!r} lost (got {names!r:.300})" for n in ("Good Card Alpha", "Good Card Omega") if n not in names
    ]


_scratch = Path(tempfile.mkdtemp(prefix="netdesk-fuzz-"))


def check_csv_bytes(data: bytes) -> list[str]:
    """LinkedIn and contact CSV readers raise nothing but UnsupportedFormatError, end in time, report properly."""
    path = _scratch / "Connections.csv"
    path.write_bytes(data)

    def sniff() -> list[str]:
        detect_csv_kind(data)
        is_linkedin_csv(data)
        return []

    failures = _guarded(sniff)

    def read_linkedin_file() -> list[str]:
        report = ImportReport()
        read_linkedin([path], report)
        return _check_problems(report, {str(path)}, _line_count(data))

    def read_contacts_file() -> list[str]:
        report = ImportReport()
        contacts = read_contact_csv(path, report)
        failures = _check_problems(report, {str(path)}, _line_count(data))
        failures += [f"contact without a name: {c!r:.200}" for c in contacts if not c.name]
        return failures

    failures += _guarded(read_linkedin_file, (UnsupportedFormatError,))
    failures += _guarded(read_contacts_file, (UnsupportedFormatError,))
    return failures


# --- the fixture corpus ------------------------------------------------------------------------------------------


def corpus_files(root: Path) -> list[bytes]:
    """Contents of every .vcf and .csv file of the fixture corpus (sorted, so runs are reproducible)."""
    if not root.is_dir():
        return []
    return [p.read_bytes() for p in sorted(root.rglob("*")) if p.suffix.lower() in (".vcf", ".csv") and p.is_file()]
