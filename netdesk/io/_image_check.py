"""Is a PHOTO really an image, and a safe one to show? Decided from its bytes, without decoding it.

A vCard photo is handed to Qt (and to other tools on export) as it is, so a value that is not an image, or an image
whose header declares more pixels than can be decoded safely (a "decompression bomb": a few hundred bytes of PNG that
claim 100,000 x 100,000 pixels), is refused at import. The dimensions are read from the header bytes (PNG IHDR, GIF
logical screen, JPEG SOF, BMP/WebP/TIFF headers) — nothing is decompressed.
"""

from __future__ import annotations

import struct

__all__ = ["MAX_PHOTO_BYTES", "MAX_PHOTO_PIXELS", "image_dimensions", "photo_problem", "sniff_image_mime"]

# A contact photo larger than this is not a portrait but a mistake (or an attack); real ones are a few hundred KB.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# 50 megapixels decode to ~200 MB at 4 bytes a pixel, inside Qt 6's default 256 MB image allocation limit.
MAX_PHOTO_PIXELS = 50_000_000

NOT_AN_IMAGE_REASON = "photo is not an image"

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# ISO base media "ftyp" brands of still images (iPhone HEIC photos, AVIF).
_HEIF_BRANDS = {b"heic": "image/heic", b"heix": "image/heic", b"mif1": "image/heif", b"avif": "image/avif"}
# JPEG markers that stand alone (no length field follows them).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
# Start-of-frame markers (C4 = DHT, C8 = JPG extension, CC = DAC are not frames).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def sniff_image_mime(data: bytes) -> str:
    """The image type its magic bytes say, or "" when ``data`` does not start like any image format."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _HEIF_BRANDS[data[8:12]]
    return ""


def image_dimensions(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from the header of an image of type ``mime``; None when the header does not say."""
    try:
        if mime == "image/png":
            return _png(data)
        if mime == "image/gif":
            return struct.unpack("<HH", data[6:10]) if len(data) >= 10 else None
        if mime == "image/jpeg":
            return _jpeg(data)
        if mime == "image/bmp":
            return _bmp(data)
        if mime == "image/webp":
            return _webp(data)
        if mime == "image/tiff":
            return _tiff(data)
    except struct.error:
        return None
    return None


def photo_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be a contact's photo, or None when it can."""
    if len(data) > MAX_PHOTO_BYTES:
        return f"photo is too large ({len(data):,} bytes; the limit is {MAX_PHOTO_BYTES // (1024 * 1024)} MB)"
    mime = sniff_image_mime(data)
    if not mime:
        return NOT_AN_IMAGE_REASON
    size = image_dimensions(data, mime)
    if size is not None:
        width, height = size
        if width * height > MAX_PHOTO_PIXELS:
            return (
                f"photo is too large to display safely ({width:,} x {height:,} pixels; "
                f"the limit is {MAX_PHOTO_PIXELS // 1_000_000} megapixels)"
            )
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg(data: bytes) -> tuple[int, int] | None:
    # Walk the marker segments up to the first start-of-frame; each step moves forward, so this ends.
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        code = data[pos + 1]
        if code == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if code in _JPEG_STANDALONE:
            pos += 2
            continue
        if code == 0xD9:  # end of image before any frame
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if code in _JPEG_SOF:
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        if length < 2:
            return None
        pos += 2 + length
    return None


def _bmp(data: bytes) -> tuple[int, int] | None:
    if len(data) < 26:
        return None
    (header_size,) = struct.unpack("<I", data[14:18])
    if header_size == 12:  # OS/2 BITMAPCOREHEADER
        width, height = struct.unpack("<HH", data[18:22])
        return width, height
    width, height = struct.unpack("<ii", data[18:26])
    return abs(width), abs(height)  # a negative height means rows stored top-down


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _tiff(data: bytes) -> tuple[int, int] | None:
    order = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[ifd : ifd + 2])
    found: dict[int, int] = {}
    for index in range(min(count, 1000)):
        entry = data[ifd + 2 + 12 * index : ifd + 14 + 12 * index]
        if len(entry) < 12:
            break
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):  # ImageWidth, ImageLength: SHORT (3) or LONG (4)
            fmt = "H" if kind == 3 else "I"
            (found[tag],) = struct.unpack(order + fmt, entry[8 : 10 if kind == 3 else 12])
    if 256 in found and 257 in found:
        return found[256], found[257]
    return None
