"""A hostile LinkedIn ZIP is refused with one line and bounded memory; a real export stays within the limits."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from netdesk.io import bounded_zip
from netdesk.io.bounded_zip import ArchiveRefused, ZipLimits, check_members, read_member
from netdesk.io.linkedin import read_linkedin
from netdesk.io.report import ImportReport

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROW = "Ada,Lovelace,https://www.linkedin.com/in/ada,,Engines,Analyst,01 Jan 2020\n"
GIB = 1 << 30


def _bomb(path: Path, unpacked: int) -> Path:
    """A LinkedIn-looking ZIP whose Connections.csv unpacks to ``unpacked`` bytes of one repeated row."""
    row = "Ada,Lovelace,,,,,\n"  # short and repeated: packs about 200 times even at the fastest level
    block = (row * (4 * (1 << 20) // len(row))).encode()
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("Connections.csv", "w", force_zip64=True) as member,
    ):
        member.write(HEADER.encode())
        written = len(HEADER)
        while written < unpacked:
            member.write(block)
            written += len(block)
    return path


def test_a_one_gib_bomb_is_refused_with_one_line_and_under_200_mb_of_memory(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "linkedin.zip", GIB)
    assert bomb.stat().st_size < 8 * (1 << 20) and zipfile.ZipFile(bomb).infolist()[0].file_size >= GIB
    # The real command line in its own process; its peak resident memory is measured, not estimated.
    code = (
        "import resource, sys\n"
        "from netdesk import cli\n"
        "status = cli.run(['import', '--db', sys.argv[1], sys.argv[2]])\n"
        # VmHWM: the peak of this program alone (ru_maxrss would carry over the forking parent's peak).
        "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "print('peak-kib', peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "netdesk.sqlite3"), str(bomb)],
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    refusals = [line for line in result.stdout.splitlines() if "ZIP bomb" in line]
    assert len(refusals) == 1 and "Connections.csv" in refusals[0], result.stdout
    peak_kib = int(result.stderr.split("peak-kib")[1].split()[0])
    assert peak_kib < 200 * 1024, f"peak {peak_kib / 1024:.0f} MB"


def _zip(path: Path, members: dict[str, bytes]) -> zipfile.ZipFile:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return zipfile.ZipFile(path)


def test_limits_per_member_in_total_and_on_the_ratio(tmp_path: Path) -> None:
    text = (
        HEADER + "".join(f"P{i},Q{i},https://www.linkedin.com/in/p{i},,Co{i},R{i},01 Jan 2020\n" for i in range(3000))
    ).encode()
    archive = _zip(tmp_path / "a.zip", {"Connections.csv": text, "messages.csv": text})
    infos = archive.infolist()
    check_members(infos, ZipLimits(member_bytes=len(text), total_bytes=2 * len(text), ratio=100, ratio_floor=0))
    with pytest.raises(ArchiveRefused, match=r"over the limit of .* for one file"):
        check_members(infos, ZipLimits(member_bytes=len(text) - 1))
    with pytest.raises(ArchiveRefused, match="the files to read would unpack to"):
        check_members(infos, ZipLimits(total_bytes=2 * len(text) - 1))
    with pytest.raises(ArchiveRefused, match="times its packed size"):
        check_members(infos, ZipLimits(ratio=2, ratio_floor=0))
    assert read_member(archive, infos[0]) == text
    archive.close()


def test_an_export_over_a_lowered_limit_is_refused_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (HEADER + ROW).encode()
    _zip(tmp_path / "export.zip", {"Connections.csv": text}).close()
    monkeypatch.setattr(bounded_zip, "DEFAULT_LIMITS", ZipLimits(member_bytes=len(text) - 1))
    report = ImportReport()
    export = read_linkedin([tmp_path / "export.zip"], report)
    assert export.connections == []
    assert [str(e) for e in report.errors] and "over the limit" in str(report.errors[0])
    assert report.unreadable_files == [str(tmp_path / "export.zip")]
