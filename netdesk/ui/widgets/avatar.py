"""Avatars: the contact's photo, else their initials on a colour derived from the name.

White initials on a colour dark enough for 4.5:1 contrast, whatever the theme. Cheap for 100,000 rows: the list's
model gives them as the name column's decoration, asked for the rows on screen only; initials are drawn once per
(letters, colour, size) and kept as icons, and photos are fetched and scaled on a worker the first time their row is
painted, then kept (bounded).
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QAbstractItemView

from netdesk.core.model import ContactKind

WHITE = QColor(255, 255, 255)
HUES = 24  # distinct colours; a name always gets the same one
CACHE_LIMIT = 2000  # icons kept (by name, by initials, photos); the list shows a few dozen at a time


def initials(name: str) -> str:
    """Up to two letters: the first of the first and of the last word ("Ada Lovelace" → "AL"), "?" for none."""
    words = [w for w in name.replace("-", " ").split() if any(ch.isalnum() for ch in w)]
    letters = [next(ch for ch in w if ch.isalnum()) for w in (words[:1] + words[1:][-1:])]
    return "".join(letters).upper() or "?"


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hue_colour(hue_index: int) -> QColor:
    """The hue at the largest lightness that still gives white text 4.5:1 (yellows get darker than blues)."""
    lightness = 0.5
    colour = QColor.fromHslF(hue_index / HUES, 0.55, lightness)
    while contrast(colour, WHITE) < 4.6 and lightness > 0.1:
        lightness -= 0.02
        colour = QColor.fromHslF(hue_index / HUES, 0.55, lightness)
    return colour


_COLOURS = [_hue_colour(i) for i in range(HUES)]


def avatar_colour(name: str) -> QColor:
    """The colour for ``name``: the same in every session and on every machine (a CRC, not Python's hash)."""
    return QColor(_COLOURS[zlib.crc32(name.strip().casefold().encode("utf-8")) % HUES])


def draw_initials(name: str, size: int, organization: bool = False, scale: float = 1.0) -> QImage:
    """A circle (a rounded square for an organisation) with the initials, ``size`` logical pixels wide."""
    px = max(1, round(size * scale))
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(avatar_colour(name))
    if organization:
        painter.drawRoundedRect(QRectF(0, 0, size, size), size / 5, size / 5)
    else:
        painter.drawEllipse(QRectF(0, 0, size, size))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(6, round(size * (0.38 if len(initials(name)) > 1 else 0.46))))
    painter.setFont(font)
    painter.setPen(WHITE)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    return image


def round_photo(data: bytes, size: int, organization: bool = False, scale: float = 1.0) -> QImage | None:
    """The photo cropped to a square, scaled once and clipped like the initials; None when it does not decode.

    Uses QImage only, so it runs on a worker thread."""
    source = QImage.fromData(data)
    if source.isNull():
        return None
    side = min(source.width(), source.height())
    square = source.copy((source.width() - side) // 2, (source.height() - side) // 2, side, side)
    px = max(1, round(size * scale))
    scaled = square.scaled(px, px, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    if organization:
        clip.addRoundedRect(QRectF(0, 0, px, px), px / 5, px / 5)
    else:
        clip.addEllipse(QRectF(0, 0, px, px))
    painter.setClipPath(clip)
    painter.drawImage(0, 0, scaled)
    painter.end()
    image.setDevicePixelRatio(scale)
    return image


class _Lru(OrderedDict[Any, QIcon]):
    def get_fresh(self, key: Any) -> QIcon | None:
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found

    def put(self, key: Any, value: QIcon) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > CACHE_LIMIT:
            self.popitem(last=False)


class AvatarSource(QObject):
    """Avatars for the contacts of one database: initials at once, photos fetched on a worker when first asked.

    ``fetch(ids)`` runs on a worker and returns {id: photo bytes}; ``submit(fn, on_done)`` runs ``fn`` on a worker.
    The list's model asks ``icon`` for each name cell it paints: a warm cache answers with the icon it gave last
    time, by one dictionary look-up, so a repaint (every search, every refresh) draws and allocates nothing.
    """

    photos_loaded = Signal(object)  # the ids whose photos just arrived (their rows repaint)
    # The ids whose icon ``icon`` would now answer differently (None: anyone's), photos that arrived aside
    # (photos_loaded): photos forgotten, or who has a photo known. A view that keeps the icons it was given drops
    # these (painted_cells.py).
    icons_changed = Signal(object)

    def __init__(
        self,
        fetch: Callable[[Sequence[int]], dict[int, bytes]],
        submit: Callable[[Callable[[], Any], Callable[[Any], None]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._submit = submit
        self._cache = _Lru()  # photos, and each name's icon
        # The icons drawn, one per (letters, colour, size): kept apart, so that the many names looked up do not push
        # them out (a list of a few hundred distinct initials draws each once).
        self._drawn = _Lru()
        self.drawn = 0  # avatar images drawn so far (initials and photos): what a warm repaint must not add to
        self._photo_ids: frozenset[int] = frozenset()
        self._wanted: dict[int, tuple[int, bool, float]] = {}
        self._asked: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # every row painted in this pass, in one worker call
        self._timer.timeout.connect(self._fetch_wanted)

    @property
    def photo_ids(self) -> frozenset[int]:
        """Who has a photo (set once the list has loaded): the others get their initials without asking."""
        return self._photo_ids

    @photo_ids.setter
    def photo_ids(self, ids: frozenset[int]) -> None:
        changed = ids ^ self._photo_ids  # read again after every edit: mostly none
        self._photo_ids = ids
        if changed:
            self.icons_changed.emit(sorted(changed))

    def reset(self, fetch: Callable[[Sequence[int]], dict[int, bytes]] | None = None) -> None:
        """Another database, or its photos changed: forget the photos (initials stay cached)."""
        if fetch is not None:
            self._fetch = fetch
        for key in [k for k in self._cache if k[0] == "photo"]:
            del self._cache[key]
        self._asked.clear()
        self._wanted.clear()
        if self._photo_ids:
            self.icons_changed.emit(sorted(self._photo_ids))

    def forget(self, ids: Sequence[int]) -> None:
        """These contacts changed: fetch their photos again when next painted."""
        for key in [k for k in self._cache if k[0] == "photo" and k[1] in ids]:
            del self._cache[key]
        self._asked.difference_update(ids)
        self.icons_changed.emit(list(ids))

    def icon(self, contact_id: int | None, name: str, kind: ContactKind, size: int, scale: float) -> QIcon:
        """The contact's photo when it has one and it has arrived, else their initials (and the photo is asked for)."""
        if contact_id is not None and contact_id in self.photo_ids:
            photo = self._cache.get_fresh(("photo", contact_id, size, scale))
            if photo is not None:
                return photo
            if contact_id not in self._asked:
                self._asked.add(contact_id)
                self._wanted[contact_id] = (size, kind is ContactKind.ORGANIZATION, scale)
                self._timer.start()
        by_name = ("name", name, kind, size, scale)  # what a repaint looks up: no initials or colour worked out
        found = self._cache.get_fresh(by_name)
        if found is None:
            found = self._initials_icon(name, kind is ContactKind.ORGANIZATION, size, scale)
            self._cache.put(by_name, found)
        return found

    def _initials_icon(self, name: str, organization: bool, size: int, scale: float) -> QIcon:
        """One icon for everyone with the same letters on the same colour."""
        key = ("initials", initials(name), avatar_colour(name).rgb(), size, organization, scale)
        found = self._drawn.get_fresh(key)
        if found is None:
            self.drawn += 1
            found = QIcon(QPixmap.fromImage(draw_initials(name, size, organization, scale)))
            self._drawn.put(key, found)
        return found

    def _fetch_wanted(self) -> None:
        wanted, self._wanted = self._wanted, {}
        if not wanted:
            return
        fetch = self._fetch

        def load() -> dict[int, QImage]:
            images = {}
            for cid, data in fetch(list(wanted)).items():
                size, organization, scale = wanted[cid]
                image = round_photo(data, size, organization, scale)
                if image is not None:
                    images[cid] = image
            return images

        self._submit(load, self._loaded(wanted))

    def _loaded(self, wanted: dict[int, tuple[int, bool, float]]) -> Callable[[dict[int, QImage]], None]:
        def loaded(images: dict[int, QImage]) -> None:
            for cid, image in images.items():
                size, _organization, scale = wanted[cid]
                self.drawn += 1
                self._cache.put(("photo", cid, size, scale), QIcon(QPixmap.fromImage(image)))
            if images:
                self.photos_loaded.emit(sorted(images))

        return loaded


def avatar_size(view: QAbstractItemView) -> int:
    """An avatar's side in a list's rows, in logical pixels: a little more than a line of the view's font."""
    return max(16, view.fontMetrics().height() + 4)
