"""Reading ZIP members within limits, so that a hostile archive (a "ZIP bomb") is refused with one line instead of
unpacking gigabytes into memory.

Every member is checked against its declared sizes before a byte is read (per member, in total, and the compression
ratio), then read in chunks that are counted again as they come (zipfile also stops at the declared size and checks
the CRC). The defaults are generous for a real LinkedIn export: 30,000 connections make a Connections.csv of about
5 MB, and years of messages a messages.csv of tens to a few hundred MB, compressed 3 to 10 times.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class ZipLimits:
    member_bytes: int = 512 * MIB  # one CSV unpacked
    total_bytes: int = 1024 * MIB  # all the CSVs read from one archive
    ratio: int = 100  # unpacked size / packed size; text compresses 3-20 times, a bomb a thousand
    ratio_floor: int = 1 * MIB  # smaller members may compress as they like (a CSV of repeated blank cells)


DEFAULT_LIMITS = ZipLimits()
CHUNK = 1 * MIB


class ArchiveRefused(Exception):
    """An archive over the limits; the message is the one line for the report."""


def _size(n: int) -> str:
    return f"{n / MIB:,.0f} MB" if n >= MIB else f"{n:,} bytes"


def check_members(members: Sequence[zipfile.ZipInfo], limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Refuse the archive when a member's declared sizes break a limit (nothing is read yet). The ratio is checked
    first: it tells a bomb from a merely large export."""
    total = 0
    for info in members:
        packed = max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and info.file_size / packed > limits.ratio:
            raise ArchiveRefused(
                f"{info.filename} would unpack to {_size(info.file_size)} from {_size(packed)} "
                f"({info.file_size // packed:,} times its packed size, the limit is {limits.ratio}): "
                "a ZIP bomb, not a data export; refused"
            )
        if info.file_size > limits.member_bytes:
            raise ArchiveRefused(
                f"{info.filename} would unpack to {_size(info.file_size)}, over the limit of "
                f"{_size(limits.member_bytes)} for one file; refused"
            )
        total += info.file_size
    if total > limits.total_bytes:
        raise ArchiveRefused(
            f"the files to read would unpack to {_size(total)}, over the limit of {_size(limits.total_bytes)}; refused"
        )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits = DEFAULT_LIMITS) -> bytes:
    """The member's bytes, read in chunks and counted: never more than its declared size and the member limit."""
    limit = min(info.file_size, limits.member_bytes)
    parts: list[bytes] = []
    count = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            count += len(chunk)
            if count > limit:
                raise ArchiveRefused(f"{info.filename} unpacks to more than it declares ({_size(limit)}); refused")
            parts.append(chunk)
    return b"".join(parts)
