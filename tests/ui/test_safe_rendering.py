"""Safe rendering: user and imported text is never interpreted as markup, and only web/mail/phone links open."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QListWidget, QWidget
from window_helpers import settle

from netdesk.core.model import (
    ContactDTO,
    ContactPoint,
    InteractionDTO,
    InteractionKind,
    Participant,
)
from netdesk.core.practices import ContributionKind
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.safe_text import safe_link, web_address

IMG = '<img src="file:///etc/passwd">'
LINK = '<a href="file:///etc/passwd">click</a>'
BOLD = "<b>bold</b>"
PAYLOAD = f"{IMG}{LINK}{BOLD}"
RAW = ('<img src="file', '<a href="file', "<b>bold</b>")  # the payloads themselves, not NetDesk's own markup


def renders_as_markup(text: str, fmt: Qt.TextFormat) -> bool:
    """Whether Qt would interpret ``text`` (shown with ``fmt``) as rich text with one of the payloads live in it."""
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    return rich and any(raw in text for raw in RAW)


def tooltips(root: QWidget) -> Iterator[tuple[str, str]]:
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.toolTip():
            yield widget.objectName() or type(widget).__name__, widget.toolTip()
        if isinstance(widget, QListWidget):
            for i in range(widget.count()):
                if widget.item(i).toolTip():
                    yield f"{widget.objectName()}[{i}]", widget.item(i).toolTip()


def problems(root: QWidget) -> list[str]:
    found = []
    for label in root.findChildren(QLabel):
        if renders_as_markup(label.text(), label.textFormat()):
            found.append(f"label {label.objectName()!r}: {label.text()[:80]}")
    for name, tip in tooltips(root):
        if renders_as_markup(tip, Qt.TextFormat.AutoText):
            found.append(f"tooltip {name}: {tip[:80]}")
    for view in root.findChildren(QAbstractItemView):  # tables and lists: their models' tooltips
        model = view.model()
        for row in range(model.rowCount(QModelIndex()) if model is not None else 0):
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
            for column in range(columns):
                tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and renders_as_markup(tip, Qt.TextFormat.AutoText):
                    found.append(f"model tooltip {view.objectName()}[{row},{column}]: {tip[:80]}")
    return found


def hostile_network(db: NetDesk) -> int:
    """A contact whose every text field, tag, goal, relationship and interaction carries markup."""
    cid = db.contacts.create(
        ContactDTO(
            given_name=f"Eve {BOLD}",
            family_name=IMG,
            nickname=LINK,
            organization=f"Evil {IMG} Corp",
            department=BOLD,
            title=LINK,
            notes=PAYLOAD,
            tags=(f"tag{BOLD}",),
            urls=(ContactPoint("file:///etc/passwd"), ContactPoint("smb://server/share"), ContactPoint("example.org")),
        )
    ).value.id
    assert cid is not None
    friend = db.contacts.create(ContactDTO(given_name=LINK, organization=f"Evil {IMG} Corp")).value.id
    assert friend is not None
    db.networking.add_relationship(friend, cid, BOLD, notes=PAYLOAD)
    db.networking.set_contact_cadence(cid, 7)
    db.networking.set_tag_cadence(f"tag{BOLD}", 14)
    goal = db.networking.create_goal(f"Goal {IMG}").value
    db.networking.link_contact(goal.id, cid)
    # With a target, the goal's name is on the Dashboard and the Goals page too; focus is typed text as well.
    db.goal_targets.set_target(goal.id, "interactions", 3, date.today() + timedelta(days=30), focus=BOLD)
    # The practices pages: a community, a contribution, offers and needs, an introduction, all named with markup.
    community = db.communities.save(CommunityDTO(f"Guild {IMG}", role=BOLD, rhythm_what=LINK, notes=PAYLOAD)).value
    assert community.id is not None
    db.communities.link_person(community.id, cid)
    talk = ContributionDTO(ContributionKind.TALK, f"Talk {IMG}", date.today(), community_id=community.id)
    db.contributions.save(talk)
    db.offers.set_for(cid, offers=[f"design {BOLD}"], needs=[f"help {IMG}"])
    db.offers.set_for(friend, offers=[f"help {LINK}"])
    intro = db.introductions.propose(cid, friend, reason=PAYLOAD).value
    db.introductions.opted_in(intro.id, "a")  # a step that names her
    for kind in (InteractionKind.FAVOUR_GIVEN, InteractionKind.MEETING):
        db.timeline.log(
            InteractionDTO(
                occurred_at=datetime(2020, 1, 1, 9),
                kind=kind,
                summary=PAYLOAD,
                notes=PAYLOAD,
                participants=(Participant(cid),),
                is_open=kind is InteractionKind.FAVOUR_GIVEN,
            )
        )
    return cid


def test_nothing_a_user_or_an_import_wrote_renders_as_markup(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    cid = hostile_network(db)
    window = make_window()
    window.select_contact(cid)
    window.show_organization(f"Evil {IMG} Corp")  # the filter banner names the organisation
    qtbot.waitUntil(lambda: window.filter_banner.isVisible())
    assert "&lt;img" in window.filter_banner.text() and problems(window) == []

    # The detail pane: the document holds the text, escaped, and no image but the avatar; links only to safe places.
    html = window.detail.browser.toHtml()
    assert html.count("<img") == html.count('<img src="netdesk-photo:current"') == 1
    assert 'href="file' not in html and 'href="smb' not in html
    assert IMG in window.detail.browser.toPlainText()
    document: QTextDocument = window.detail.browser.document()
    cursor = QTextCursor(document)
    hrefs = set()
    while not cursor.atEnd():
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        href = cursor.charFormat().anchorHref()
        if href:
            hrefs.add(href)
    assert hrefs and all(QUrl(h).scheme() in ("https", "http", "mailto", "tel", "org", "contact") for h in hrefs)
    assert "https://example.org" in {h.rstrip("/") for h in hrefs}

    for view in View:
        window.navigation.show_view(view)
        page = window.navigation.current_page()
        if view is View.INTRODUCTIONS:
            page.set_target(cid)  # type: ignore[attr-defined]
        if view is View.INTRO_STEPS:  # the introduction's steps name both people
            page.select(page.model.item(0).id)  # type: ignore[attr-defined]
            assert "Eve" in page.steps_label.text()  # type: ignore[attr-defined]
        if view is View.OFFERS:  # a search echoes the term typed
            page.help_edit.setText(f"help {BOLD}")  # type: ignore[attr-defined]
            page.help_edit.returnPressed.emit()  # type: ignore[attr-defined]
            assert "bold" in page.help_status.text()  # type: ignore[attr-defined]
        qtbot.wait(20)
        assert problems(page) == [], view
    assert problems(window) == []
    # The undo history names the contact too (menu text and tooltip).
    window.ops.run(lambda: db.networking.snooze(cid, datetime(2030, 1, 1).date()))
    settle(qtbot, window)
    assert not renders_as_markup(window.undo_action.toolTip(), Qt.TextFormat.AutoText)
    assert "Eve" in window.undo_action.toolTip()
    assert [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()] == []


def test_only_web_mail_and_phone_links_open() -> None:
    assert web_address("example.org") == QUrl("https://example.org")
    assert web_address("example.org:8080/x") == QUrl("https://example.org:8080/x")
    for bad in ("file:///etc/passwd", "smb://server/share", "javascript:alert(1)", "ftp://x.org/a"):
        assert web_address(bad) is None, bad
        assert not safe_link(QUrl(bad)), bad
    for good in ("https://example.org", "http://example.org", "mailto:a@b.org", "tel:+4930123"):
        assert safe_link(QUrl(good)), good
