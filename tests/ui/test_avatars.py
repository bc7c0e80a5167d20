"""Avatars: initials on a name-derived colour (legible in any theme), the photo when there is one, in the list and
in the detail pane; photos are fetched off the GUI thread, only for rows that are painted."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QUrl
from PySide6.QtGui import QColor, QIcon, QImage, QTextDocument
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from netdesk.core.model import ContactDTO, ContactKind
from netdesk.services import NetDesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.detail_pane import PHOTO_URL
from netdesk.ui.main_window import MainWindow
from netdesk.ui.widgets.avatar import (
    _COLOURS,
    CACHE_LIMIT,
    HUES,
    WHITE,
    AvatarSource,
    avatar_colour,
    contrast,
    initials,
)


def test_initials_take_the_first_and_last_word() -> None:
    assert initials("Ada Lovelace") == "AL"
    assert initials("Jean-Luc Picard") == "JP"
    assert initials("Grace Brewster Murray Hopper") == "GH"
    assert initials("  ") == "?"
    assert initials("Ørsted") == "Ø"
    assert initials("(Dr.) Émile Zola") == "DZ"


def test_every_colour_carries_white_initials_at_aa_contrast() -> None:
    assert len({c.rgb() for c in _COLOURS}) == HUES
    assert all(contrast(colour, WHITE) >= 4.5 for colour in _COLOURS)
    assert avatar_colour("Ada Lovelace") == avatar_colour(" ada lovelace ")  # stable, whatever the case
    assert len({avatar_colour(f"Person {n}").rgb() for n in range(200)}) > HUES // 2


def _png(colour: QColor, width: int = 60, height: int = 40) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _avatar_icon(window: MainWindow, contact_id: int) -> QIcon:
    """What the list's view paints beside the contact's name (as Qt's own delegate asks for it)."""
    row = window.model.row_of(contact_id)
    assert row is not None
    option = QStyleOptionViewItem()
    delegate = window.table.itemDelegateForIndex(window.model.index(row, Column.NAME))
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, window.model.index(row, Column.NAME))
    assert option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration
    return QIcon(option.icon)  # a copy: the option owns its icon


def _avatar_image(window: MainWindow, contact_id: int) -> QImage:
    icon = _avatar_icon(window, contact_id)
    return icon.pixmap(window.table.iconSize(), window.table.devicePixelRatioF()).toImage()


def test_the_list_shows_initials_then_the_photo_fetched_on_a_worker(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    red = QColor(220, 20, 20)
    ada = db.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace")).value.id or 0
    nadia = db.contacts.create(ContactDTO(given_name="Nadia", family_name="Rahman", photo=_png(red))).value.id or 0
    org = db.contacts.create(ContactDTO(kind=ContactKind.ORGANIZATION, organization="Globex")).value.id or 0
    fetching_threads: list[threading.Thread] = []
    photos = db.contacts.photos
    release = threading.Event()  # the photo arrives when the test has seen the initials

    def spy(ids):  # type: ignore[no-untyped-def]
        fetching_threads.append(threading.current_thread())
        release.wait(5)
        return photos(ids)

    db.contacts.photos = spy  # type: ignore[method-assign]
    window = make_window(wait=False)  # the photo's fetch is a task that waits for the test
    avatars = window.contact_list.avatars
    qtbot.waitUntil(lambda: avatars.photo_ids == frozenset({nadia}), timeout=5000)

    ada_image = _avatar_image(window, ada)
    centre = ada_image.pixelColor(ada_image.width() // 2, ada_image.height() // 4)
    assert centre.rgb() == avatar_colour("Ada Lovelace").rgb()  # the initials' circle
    assert ada_image.pixelColor(0, 0).alpha() == 0  # round: the corner is transparent
    org_image = _avatar_image(window, org)
    assert org_image.pixelColor(org_image.width() // 2, 1).alpha() == 255  # an organisation's is a rounded square

    with qtbot.waitSignal(avatars.photos_loaded, timeout=5000) as loaded:
        first = _avatar_image(window, nadia)  # initials until the photo arrives
        release.set()
    assert loaded.args == [[nadia]]
    assert first.pixelColor(first.width() // 2, first.height() // 4).rgb() == avatar_colour("Nadia Rahman").rgb()
    assert fetching_threads and all(t is not threading.main_thread() for t in fetching_threads)
    photo = _avatar_image(window, nadia)
    middle = photo.pixelColor(photo.width() // 2, photo.height() // 2)
    assert (middle.red(), middle.green(), middle.blue()) == (220, 20, 20)
    assert fetching_threads == fetching_threads[:1]  # fetched once, then cached


def test_the_detail_pane_shows_the_initials_when_there_is_no_photo(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    window.select_contact(sample["Grace Hopper"])
    qtbot.waitUntil(lambda: window.detail.contact is not None)
    document: QTextDocument = window.detail.browser.document()
    image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(PHOTO_URL))
    assert isinstance(image, QImage) and not image.isNull()
    assert image.pixelColor(image.width() // 2, image.height() // 4).rgb() == avatar_colour("Grace Hopper").rgb()
    assert 'src="netdesk-photo:current"' in window.detail.browser.toHtml()


def test_a_repaint_with_a_warm_cache_draws_and_allocates_no_avatar(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    avatars = window.contact_list.avatars
    window.table.viewport().repaint()
    drawn = avatars.drawn
    assert drawn > 0  # the first paint drew the initials of the rows on screen
    shown = [window.model.contact_id(r) or 0 for r in range(window.model.shown)]
    icons = {cid: _avatar_icon(window, cid).cacheKey() for cid in shown}
    window.table.viewport().repaint()
    with qtbot.waitSignal(window.contact_list.search_finished, timeout=5000):
        window.run_search()  # a search shows the same rows again, painted again
    window.table.viewport().repaint()
    assert avatars.drawn == drawn
    assert {cid: _avatar_icon(window, cid).cacheKey() for cid in shown} == icons  # the very icons painted before
    size = window.table.iconSize()
    assert size.width() == size.height() >= window.table.fontMetrics().height()  # sized by the font, not the style


def test_initials_are_drawn_once_however_many_names_are_looked_up(qtbot) -> None:  # type: ignore[no-untyped-def]
    source = AvatarSource(lambda ids: {}, lambda fn, done: None)
    source.icon(1, "Ada Lovelace", ContactKind.PERSON, 24, 1.0)
    for n in range(CACHE_LIMIT + 500):  # more names than the cache keeps: Ada's own entry goes
        source.icon(n + 2, f"Person {n}", ContactKind.PERSON, 24, 1.0)
    drawn = source.drawn
    assert drawn <= 26 * HUES  # "P" and one of 26 letters or digits, on one of the colours
    source.icon(1, "Ada Lovelace", ContactKind.PERSON, 24, 1.0)
    assert source.drawn == drawn  # her initials' icon was kept


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_the_list_repaints_for_new_icons_only_when_it_showed_the_old_ones(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    """An import forgets its new contacts' avatars: the list, which never painted them, must not repaint for that
    (a repaint right after an import's commit made the window's longest stall twice as long)."""
    window.table.viewport().repaint()
    qtbot.wait(100)  # nothing else left to repaint
    paints = _Paints()
    window.table.viewport().installEventFilter(paints)
    window.contact_list.avatars.icons_changed.emit([10**9, 10**9 + 1])  # contacts the list never painted
    qtbot.wait(50)
    assert paints.count == 0
    window.contact_list.avatars.icons_changed.emit([window.model.contact_id(0)])  # one it shows
    qtbot.waitUntil(lambda: paints.count > 0, timeout=2000)
    window.table.viewport().removeEventFilter(paints)


def test_the_list_fetches_a_photo_as_soon_as_it_knows_who_has_one(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    """The list paints initials before it knows who has a photo (read on a worker after the rows): once it knows, it
    paints again by itself, which fetches the photo; nothing else has to repaint it first."""
    nadia = db.contacts.create(ContactDTO(given_name="Nadia", family_name="Rahman", photo=_png(QColor(220, 20, 20))))
    nadia_id = nadia.value.id or 0
    fetched: list[int] = []
    photos = db.contacts.photos

    def spy(ids):  # type: ignore[no-untyped-def]
        fetched.extend(ids)
        return photos(ids)

    db.contacts.photos = spy  # type: ignore[method-assign]
    window = make_window(wait=False)
    qtbot.waitUntil(lambda: window.contact_list.avatars.photo_ids == frozenset({nadia_id}), timeout=5000)
    qtbot.waitUntil(lambda: nadia_id in fetched, timeout=5000)  # the test paints nothing itself
