"""A benchmark network of unique invented people (no two share a name, email or phone, so an import merges none),
with the fields a real address book carries: several emails and phones, addresses, tags, notes, birthdays,
extra vendor properties and, for one contact in five, a photo of a few kilobytes.

Used by bench_bulk_reads.py; built once per size and cached in the temp folder.
"""

from __future__ import annotations

import os
import random
import struct
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from common import REPO_ROOT  # noqa: F401  (puts the repository on sys.path)

PHOTO_SHARE = 0.2


def noise_png(rng: random.Random, side: int = 40) -> bytes:
    """A real PNG of ``side`` x ``side`` random RGB pixels (random pixels do not compress: ~5 KB at 40 px)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def unique_people(count: int, seed: int = 19) -> Iterator[object]:
    """``count`` distinct people; the n-th one's name carries a roman-free counter word so names never repeat."""
    from netdesk.core.model import ContactDTO, ContactPoint, ExtraProperty, PartialDate, PostalAddress
    from netdesk.services.demo import FAMILY, GIVEN, NOTES, ORGS, STREETS, TAGS, TITLES, _ascii

    rng = random.Random(seed)
    photos = [noise_png(rng) for _ in range(64)]
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        middle = _counter_name(n)
        org, domain, city, country = rng.choice(ORGS)
        local = f"{_ascii(given).lower()}.{middle.lower()}.{_ascii(family).lower().replace(' ', '')}"
        emails = [ContactPoint(f"{local}@{domain}", "work", True)]
        if rng.random() < 0.4:
            emails.append(ContactPoint(f"{local}.{n}@example.org", "home"))
        phones = [ContactPoint(f"+49 30 {1_000_000 + n:07d}", "work")]
        if rng.random() < 0.5:
            phones.append(ContactPoint(f"+44 7700 {n:06d}", "mobile", True))
        addresses = [
            PostalAddress(
                label="work",
                street=f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                locality=city,
                postal_code=f"{rng.randint(10000, 99999)}",
                country=country,
            )
        ]
        if rng.random() < 0.3:
            addresses.append(PostalAddress(label="home", locality=rng.choice(ORGS)[2], country=country))
        has_photo = rng.random() < PHOTO_SHARE
        yield ContactDTO(
            uid=f"bulk-{seed}-{n:06d}",
            given_name=given,
            additional_name=middle,
            family_name=family,
            organization=org,
            title=rng.choice(TITLES),
            emails=tuple(emails),
            phones=tuple(phones),
            urls=(ContactPoint(f"https://www.linkedin.com/in/{local.replace('.', '-')}-{n}", "linkedin"),)
            if rng.random() < 0.6
            else (),
            ims=(ContactPoint(f"xmpp:{local}@chat.{domain}", "work"),) if rng.random() < 0.1 else (),
            addresses=tuple(addresses),
            birthday=PartialDate(rng.randint(1, 12), rng.randint(1, 28), rng.choice((None, *range(1960, 2000))))
            if rng.random() < 0.6
            else None,
            notes=rng.choice(NOTES),
            tags=tuple(rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))),
            photo=rng.choice(photos) if has_photo else None,
            photo_mime="image/png" if has_photo else "",
            extra=(ExtraProperty("X-SOCIALPROFILE", f"https://social.example/{local}", (("TYPE", ("mastodon",)),)),)
            if rng.random() < 0.2
            else (),
            connected_on=date(2026, 11, 1) - timedelta(days=rng.randint(2, 2000)),
        )


_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "da", "fe", "gu", "ha", "jo", "pi", "we")


def _counter_name(n: int) -> str:
    """A pronounceable word unique to ``n`` (base-16 digits as syllables): Kalo, Minesa …"""
    word = ""
    while True:
        word = _SYLLABLES[n % 16] + word
        n //= 16
        if n == 0:
            break
    return word.capitalize()


def build_bulk_db(path: Path, count: int) -> None:
    """Import ``count`` unique people through the real import path (index included), once per size."""
    from netdesk.io.report import ImportReport
    from netdesk.services import open_netdesk
    from netdesk.services.importing import ImportService

    if path.exists():
        return
    tmp = path.with_suffix(f".building-{os.getpid()}")  # several engineers may share the temp folder
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    nd = open_netdesk(tmp)
    service = ImportService(nd.sessions)
    batch: list = []
    for contact in unique_people(count):
        batch.append(contact)
        if len(batch) == 10_000:
            service.import_contacts(batch, ImportReport())
            batch = []
    service.import_contacts(batch, ImportReport())
    with nd.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    nd.close()
    tmp.rename(path)
