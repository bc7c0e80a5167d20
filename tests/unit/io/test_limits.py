"""Hostile and oversized vCard input: unclosed cards, non-image photos, decompression bombs, huge files and lines."""

from __future__ import annotations

import base64
import os
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import netdesk.io.vcard as vcard_module
from netdesk.core.errors import UnsupportedFormatError
from netdesk.io._image_check import MAX_PHOTO_BYTES, image_dimensions, photo_problem, sniff_image_mime
from netdesk.io._vcard_lines import NESTED_CARD_REASON
from netdesk.io.contact_csv import detect_csv_kind, read_contact_csv
from netdesk.io.linkedin import is_linkedin_csv, read_linkedin
from netdesk.io.report import ImportReport
from netdesk.io.vcard import (
    MAX_VCARD_FILE_BYTES,
    NOT_CLOSED_BEFORE_NEXT_REASON,
    contact_to_vcard,
    read_vcard_bytes,
    read_vcard_file,
    split_cards_checked,
)
from netdesk.io.vdir import read_vcard_folder

REPO_ROOT = Path(__file__).resolve().parents[3]
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _read(text: str, name: str = "book.vcf") -> tuple[list[str], list[tuple[str, int | None, str]]]:
    report = ImportReport()
    contacts = read_vcard_bytes(text.encode("utf-8"), name, report, workers=1)
    return [c.name for c in contacts], [(e.file, e.line, e.reason) for e in report.errors]


# --- a card without END:VCARD ----------------------------------------------------------------------------------


def test_unclosed_card_does_not_swallow_the_next_card() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mary Jackson\r\nTEL:+1 555 0101\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Smith\r\nEND:VCARD\r\n"
    )
    names, problems = _read(text)
    assert names == ["Mary Jackson", "Bob Smith"]  # Mary is imported as far as her card goes
    assert problems == [("book.vcf", 1, "card not closed: END:VCARD missing before the next BEGIN:VCARD")]


def test_several_unclosed_cards_in_a_row_each_report_their_own_line() -> None:
    text = "\n".join(
        [
            "BEGIN:VCARD", "FN:One",  # lines 1-2
            "", "BEGIN:VCARD", "FN:Two", "",  # lines 3-6
            "BEGIN:VCARD", "FN:Three", "END:VCARD",  # lines 7-9
            "BEGIN:VCARD", "FN:Four",  # lines 10-11, never closed at the end of the file
        ]
    )  # fmt: skip
    names, problems = _read(text)
    assert names == ["One", "Two", "Three", "Four"]  # a truncated file's last card imports as far as it goes
    assert problems == [
        ("book.vcf", 1, NOT_CLOSED_BEFORE_NEXT_REASON),
        ("book.vcf", 4, NOT_CLOSED_BEFORE_NEXT_REASON),
        ("book.vcf", 10, "card is not closed (missing END:VCARD): read as far as it goes"),
    ]


def test_unclosed_card_with_only_a_note_is_kept_and_named_after_it() -> None:
    text = "BEGIN:VCARD\r\nNOTE:met at the harbour fair in May 2019\r\nBEGIN:VCARD\r\nFN:Bob Smith\r\nEND:VCARD\r\n"
    names, problems = _read(text)
    assert names == ["met at the harbour fair…", "Bob Smith"]
    assert problems == [("book.vcf", 1, NOT_CLOSED_BEFORE_NEXT_REASON)]


def test_unclosed_card_with_nothing_in_it_is_skipped_with_its_reason() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nBEGIN:VCARD\r\nFN:Bob Smith\r\nEND:VCARD\r\n"
    report = ImportReport()
    contacts = read_vcard_bytes(text.encode(), "book.vcf", report, workers=1)
    assert [c.name for c in contacts] == ["Bob Smith"]
    assert report.skipped == ["book.vcf:1: card holds nothing to import (nothing but VERSION, UID or REV)"]
    assert [(e.line, e.reason) for e in report.errors] == [
        (1, NOT_CLOSED_BEFORE_NEXT_REASON),
        (1, "card holds nothing to import (nothing but VERSION, UID or REV)"),
    ]


@pytest.mark.parametrize(
    "agent_lines",
    [
        ["AGENT:BEGIN:VCARD", "FN:Assistant", "END:VCARD"],  # the nested card starts on the AGENT line
        ["AGENT;TYPE=assistant:", "BEGIN:VCARD", "FN:Assistant", "END:VCARD"],  # or right after it
    ],
)
@pytest.mark.parametrize("outer_closed", [True, False])
def test_2_1_agent_cards_stay_nested_even_in_an_unclosed_card(agent_lines: list[str], outer_closed: bool) -> None:
    lines = ["BEGIN:VCARD", "VERSION:2.1", "N:Boss;Big", *agent_lines, "TEL:1"]
    lines += ["END:VCARD"] if outer_closed else []
    lines += ["BEGIN:VCARD", "VERSION:2.1", "FN:Next Person", "END:VCARD"]
    report = ImportReport()
    contacts = read_vcard_bytes("\r\n".join(lines).encode(), "agent.vcf", report, workers=1)
    assert [c.name for c in contacts] == ["Big Boss", "Next Person"]
    boss = contacts[0]
    assert [p.value for p in boss.phones] == ["1"]  # the TEL after the AGENT card still belongs to the boss
    (agent,) = [e for e in boss.extra if e.name == "AGENT"]
    assert "FN:Assistant" in agent.value
    expected = [] if outer_closed else [("agent.vcf", 1, NOT_CLOSED_BEFORE_NEXT_REASON)]
    # Reported, not silently folded away: the nested card is not a contact of its own.
    agent_line = 4 if agent_lines[0].endswith("BEGIN:VCARD") else 5
    expected.append(("agent.vcf", agent_line, NESTED_CARD_REASON))
    assert sorted((e.file, e.line, e.reason) for e in report.errors) == sorted(expected)


def test_legitimately_nested_cards_in_a_closed_card_stay_nested() -> None:
    text = "BEGIN:VCARD\nN:parent\nBEGIN:VCARD\nN:nest1\nEND:VCARD\nTEL:1\nEND:VCARD\n"
    cards, problems = split_cards_checked(text)
    assert [line for line, _ in cards] == [1] and problems == []


def test_splitting_many_unclosed_cards_stays_linear() -> None:
    text = "BEGIN:VCARD\nFN:Someone\n" * 20_000
    start = time.perf_counter()
    cards, problems = split_cards_checked(text)
    assert time.perf_counter() - start < 2.0
    assert len(cards) == 20_000 and len(problems) == 19_999


# --- photos ------------------------------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x06\0\0\0"
    )


def _jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc2" + struct.pack(">HBHH", 17, 8, height, width) + b"\x03" + bytes(9)
    return b"\xff\xd8" + app0 + sof


def _photo_card(payload: bytes, version: str = "3.0") -> str:
    encoded = base64.b64encode(payload).decode()
    inline = f"data:image/png;base64,{encoded}" if version == "4.0" else None
    photo = f"PHOTO:{inline}" if inline else f"PHOTO;ENCODING=b;TYPE=PNG:{encoded}"
    return f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Pic\r\nEMAIL:pic@example.com\r\n{photo}\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_real_image_is_kept_as_the_photo(version: str) -> None:
    report = ImportReport()
    (contact,) = read_vcard_bytes(_photo_card(PNG_1X1, version).encode(), "p.vcf", report, workers=1)
    assert contact.photo == PNG_1X1 and contact.photo_mime == "image/png" and not report.errors


@pytest.mark.parametrize("payload", [b"MZ\x90\x00 this is a Windows program, not a picture", b"<svg/>"])
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_a_photo_that_is_not_an_image_is_kept_as_written_never_shown(payload: bytes, version: str) -> None:
    report = ImportReport()
    (contact,) = read_vcard_bytes(_photo_card(payload, version).encode(), "p.vcf", report, workers=1)
    assert contact.photo is None and contact.name == "Pic"  # never handed to an image decoder
    assert [e.name for e in contact.extra] == ["PHOTO"]
    ((file, line, reason),) = [(e.file, e.line, e.reason) for e in report.errors]
    assert (file, line, reason) == ("p.vcf", 5, "photo is not an image: kept as written, not shown")
    for out_version in ("3.0", "4.0"):  # and exported with the same bytes
        again = read_vcard_bytes(
            contact_to_vcard(contact, out_version).encode(), "again.vcf", ImportReport(), workers=1
        )
        (kept,) = [e for e in again[0].extra if e.name == "PHOTO"]
        data = kept.value.partition(",")[2] if kept.value.startswith("data:") else kept.value
        assert base64.b64decode(data) == payload


@pytest.mark.parametrize(
    ("payload", "reason_start"),
    [
        (_png_header(100_000, 100_000), "photo is too large to display safely (100,000 x 100,000 pixels"),
        (_jpeg_header(60_000, 60_000), "photo is too large to display safely (60,000 x 60,000 pixels"),
        (b"GIF89a" + struct.pack("<HH", 65_535, 65_535) + bytes(7), "photo is too large to display safely"),
        (b"\xff\xd8\xff\xe0" + bytes(MAX_PHOTO_BYTES), "photo is too large (10,485,764 bytes; the limit is 10 MB)"),
    ],
)
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_image_bombs_are_refused_as_photos(payload: bytes, reason_start: str, version: str) -> None:
    report = ImportReport()
    (contact,) = read_vcard_bytes(_photo_card(payload, version).encode(), "p.vcf", report, workers=1)
    assert contact.photo is None and contact.name == "Pic"  # the rest of the card still imports
    assert not [e for e in contact.extra if e.name == "PHOTO"]  # and the payload does not travel on in exports
    ((file, line, reason),) = [(e.file, e.line, e.reason) for e in report.errors]
    assert (file, line) == ("p.vcf", 5) and reason.startswith(reason_start)


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (_png_header(640, 480), "image/png", (640, 480)),
        (_jpeg_header(1024, 768), "image/jpeg", (1024, 768)),
        (b"GIF87a" + struct.pack("<HH", 32, 16), "image/gif", (32, 16)),
        (b"BM" + bytes(12) + struct.pack("<Iii", 40, 300, -200) + bytes(8), "image/bmp", (300, 200)),
        (
            b"RIFF\0\0\0\0WEBPVP8X" + bytes(8) + (4999).to_bytes(3, "little") + (99).to_bytes(3, "little"),
            "image/webp",
            (5000, 100),
        ),
        (
            b"RIFF\0\0\0\0WEBPVP8L" + bytes(4) + b"\x2f" + ((99) | (49 << 14)).to_bytes(4, "little"),
            "image/webp",
            (100, 50),
        ),
        (
            b"II*\x00"
            + struct.pack("<I", 8)
            + struct.pack("<H", 2)
            + struct.pack("<HHII", 256, 4, 1, 7000)
            + struct.pack("<HHIHH", 257, 3, 1, 9000, 0),
            "image/tiff",
            (7000, 9000),
        ),
        (b"\x00\x00\x00\x18ftypheic" + bytes(12), "image/heic", None),
    ],
)
def test_image_dimensions_come_from_the_header_alone(data: bytes, mime: str, size: tuple[int, int] | None) -> None:
    assert sniff_image_mime(data) == mime
    assert image_dimensions(data, mime) == size


def test_damaged_headers_never_raise() -> None:
    for data in (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"\xff\xd8\xff\xe0\x00\x01", b"BM", b"II*\x00\xff\xff\xff\xff"):
        assert photo_problem(data) is None  # an image we cannot measure is kept: only a header that says "huge" is not


# --- file size limit -------------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    card = b"BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n"
    report = ImportReport()
    assert read_vcard_bytes(card * 10, "big.vcf", report, max_bytes=len(card) * 10 - 1) == []
    assert [(e.file, e.line) for e in report.errors] == [("big.vcf", None)]
    assert report.errors[0].reason == (
        "file is too large to import (300 bytes; the limit for a vCard file is 299 bytes): split it into smaller files"
    )
    assert report.unreadable_files == ["big.vcf"]
    assert len(read_vcard_bytes(card * 10, "ok.vcf", ImportReport(), max_bytes=len(card) * 10)) == 10


def test_the_limit_applies_to_files_and_vdir_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vcard_module, "MAX_VCARD_FILE_BYTES", 100)
    (tmp_path / "small.vcf").write_bytes(b"BEGIN:VCARD\r\nFN:Small\r\nEND:VCARD\r\n")
    (tmp_path / "large.vcf").write_bytes(b"BEGIN:VCARD\r\nFN:Large\r\nNOTE:" + b"x" * 100 + b"\r\nEND:VCARD\r\n")
    report = ImportReport()
    assert [c.name for c in read_vcard_folder(tmp_path, report, workers=1)] == ["Small"]
    assert [(Path(e.file).name, e.line) for e in report.errors] == [("large.vcf", None)]
    assert "file is too large to import" in report.errors[0].reason
    report = ImportReport()
    assert read_vcard_file(tmp_path / "large.vcf", report) == []
    assert "the limit for a vCard file is 100 bytes" in report.errors[0].reason


def _peak_rss_growth_mb(script: str) -> tuple[float, str]:
    """Run ``script`` in a fresh interpreter; it prints its result. Returns (peak RSS growth in MB, output).

    The peak is the kernel's VmHWM of the child: on Linux ``getrusage().ru_maxrss`` survives ``execve``, so a child
    of the (large) pytest process would report pytest's own peak. getrusage is the fallback elsewhere.
    """
    header = (
        "import resource\n"
        "from netdesk.io.report import ImportReport\n"
        "from netdesk.io import vcard\n"
        "def peak_kb():\n"
        "    try:\n"
        "        with open('/proc/self/status') as status:\n"
        "            return next(int(ln.split()[1]) for ln in status if ln.startswith('VmHWM:'))\n"
        "    except (OSError, StopIteration):\n"
        "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "base = peak_kb()\n"
    )
    footer = "\nprint((peak_kb() - base) / 1024)\n"
    wrapper = header + textwrap.dedent(script) + footer
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    *output, growth = done.stdout.strip().splitlines()
    return float(growth), "\n".join(output)


@pytest.mark.slow
def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.vcf"
    with big.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.write(b"BEGIN:VCARD\r\nFN:Huge\r\nNOTE:")
        handle.truncate(200 * 1024 * 1024)
    assert big.stat().st_size > MAX_VCARD_FILE_BYTES
    growth, output = _peak_rss_growth_mb(
        f"""
r = ImportReport()
print(len(vcard.read_vcard_file({str(big)!r}, r)), r.errors[0].reason)
"""
    )
    assert output.startswith("0 file is too large to import (209,715,200 bytes")
    print(f"peak RSS growth refusing a 200 MB file: {growth:.1f} MB")
    assert growth < 20


def _read_file_in_subprocess(path: Path) -> tuple[float, str]:
    """Peak RSS growth (MB) of reading ``path`` (its bytes included) in a fresh interpreter, and a summary line."""
    return _peak_rss_growth_mb(
        f"""
import time
start = time.process_time()  # CPU time: a busy machine must not fail it, a quadratic read takes minutes of CPU
r = ImportReport()
contacts = vcard.read_vcard_file({str(path)!r}, r, workers=1)
seconds = time.process_time() - start
print(len(contacts), [len(c.photo or b"") for c in contacts][:1], [len(c.notes) for c in contacts][:1], r.errors)
print("fast" if seconds < 20 else f"slow: {{seconds:.1f}} s CPU")
"""
    )


@pytest.mark.slow
def test_a_single_10_mb_line_imports_in_bounded_time_and_memory(tmp_path: Path) -> None:
    photo = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(7_000_000)).decode()
    note = "x" * 10_000_000
    path = tmp_path / "big.vcf"
    path.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nNOTE:{note}\r\nEND:VCARD\r\n"
    )
    size_mb = path.stat().st_size / 2**20
    growth, output = _read_file_in_subprocess(path)
    assert output == "1 [7000004] [10000000] []\nfast"
    print(f"peak RSS growth reading {size_mb:.0f} MB with two 10 MB lines: {growth:.1f} MB")
    assert growth < 6 * size_mb  # the bytes, the text, the card, the note and the photo: each held about once


@pytest.mark.slow
def test_memory_stays_proportional_on_a_photo_heavy_file(tmp_path: Path) -> None:
    photo = base64.encodebytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4000).decode().replace("\n", "\r\n ")
    head = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P{i}\r\nPHOTO;ENCODING=b;TYPE=JPEG:\r\n "
    path = tmp_path / "photos.vcf"
    path.write_text("".join((head + photo + "\r\nEND:VCARD\r\n").format(i=i) for i in range(15)))
    size_mb = path.stat().st_size / 2**20
    growth, output = _read_file_in_subprocess(path)
    assert output == "15 [1024004] [0] []\nfast"
    print(f"peak RSS growth reading a {size_mb:.0f} MB photo-heavy file: {growth:.1f} MB")
    assert growth < 6 * size_mb  # about five copies of the file at the peak (see MAX_VCARD_FILE_BYTES)


@pytest.mark.slow
def test_memory_stays_proportional_on_many_small_cards(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@example.com\r\nNOTE:{note}\r\nEND:VCARD\r\n"
    path = tmp_path / "cards.vcf"
    path.write_text("".join(card.format(i=i, note="n" * 2000) for i in range(2500)))
    size_mb = path.stat().st_size / 2**20
    growth, output = _read_file_in_subprocess(path)
    assert output.startswith("2500 ") and output.endswith("[]\nfast")
    print(f"peak RSS growth reading a {size_mb:.0f} MB file of small cards: {growth:.1f} MB")
    assert growth < 6 * size_mb


# --- CSV: what the fuzzer found --------------------------------------------------------------------------------

HUGE_CELL = '"' + "x" * 200_000 + '"'  # over the csv module's 128 KB field limit


def test_contact_csv_with_bare_cr_line_ends_reads(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"First Name,Last Name,E-mail Address\rAda,Lovelace,ada@example.com\rGrace,Hopper,g@example.com\r")
    report = ImportReport()
    assert [c.name for c in read_contact_csv(path, report)] == ["Ada Lovelace", "Grace Hopper"]
    assert detect_csv_kind(path.read_bytes()) == "outlook" and not report.errors


def test_contact_csv_row_over_the_field_limit_costs_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address\n"
        "Ada,Lovelace,ada@example.com\n"
        f"Huge,{HUGE_CELL},huge@example.com\n"
        "Grace,Hopper,grace@example.com\n"
    )
    report = ImportReport()
    assert [c.name for c in read_contact_csv(path, report)] == ["Ada Lovelace", "Grace Hopper"]
    assert [(e.file, e.line, e.reason) for e in report.errors] == [
        (str(path), 3, "row skipped: unreadable CSV (field larger than field limit (131072))")
    ]


def test_linkedin_row_over_the_field_limit_costs_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    rows = [
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "Ada,Lovelace,https://www.linkedin.com/in/ada,,,,01 Jan 2020",
        f"Huge,{HUGE_CELL},https://www.linkedin.com/in/huge,,,,01 Jan 2020",
        "Grace,Hopper,https://www.linkedin.com/in/grace,,,,01 Jan 2020",
    ]
    path.write_text("\n".join(rows) + "\n")
    report = ImportReport()
    export = read_linkedin([path], report)
    assert [(c.contact.given_name, c.line) for c in export.connections] == [("Ada", 2), ("Grace", 4)]
    assert [(e.file, e.line, e.reason) for e in report.errors] == [
        (str(path), 3, "row skipped: unreadable CSV (field larger than field limit (131072))")
    ]


def test_a_header_over_the_field_limit_is_an_unsupported_file_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(f"{HUGE_CELL},First Name,Last Name,URL\nAda,Lovelace,x\n")
    assert detect_csv_kind(path.read_bytes()) is None and not is_linkedin_csv(path.read_bytes())
    with pytest.raises(UnsupportedFormatError, match="not a contact CSV"):
        read_contact_csv(path, ImportReport())
    with pytest.raises(UnsupportedFormatError, match="is not a LinkedIn export file"):
        read_linkedin([path], ImportReport())


def test_a_line_vobjects_grammar_backtracks_on_is_read_in_linear_time() -> None:
    # Found by the fuzzer: vobject's content-line regex doubles its time with each "=XX" in a parameter of a line
    # without a colon (40 of them: days). Such a line must never reach it.
    line = "ORG;QUOTED-PRINTABLE;PREF=" + "=3D" * 40 + "=E2"
    # The tolerant tokenizer reports a line without a colon and reads on.
    text = f"BEGIN:VCARD\r\nVERSION:3.0\r\n{line}\r\nFN:Slow Poke\r\nEND:VCARD\r\n"
    start = time.perf_counter()
    names, problems = _read(text)
    assert time.perf_counter() - start < 1.0
    assert names == ["Slow Poke"]
    assert [(line, reason.split(":")[0]) for _file, line, reason in problems] == [
        (3, "line is neither a property nor a continuation, ignored")
    ]
