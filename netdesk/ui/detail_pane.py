"""The right-hand pane, in three tabs: Overview (every field), Networking (strength, rhythm, favours, goals, "Who can
introduce me?"…) and Timeline (newest first). Each tab scrolls on its own, so nothing is cut off below the fold."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.model import (
    Channel,
    ContactDTO,
    ContactKind,
    ContactPoint,
    ContactRow,
    Direction,
    InteractionDTO,
    PartialDate,
)
from netdesk.services import NetDesk
from netdesk.ui.detail_networking import NetworkingPanel, PersonFacts
from netdesk.ui.icons import action_icon
from netdesk.ui.safe_text import plain_tooltip, safe_link, web_address
from netdesk.ui.theme import secondary_text
from netdesk.ui.widgets.avatar import draw_initials

PHOTO_URL = QUrl("netdesk-photo:current")
PHOTO_PX = 88
INTERACTION_ROLE = Qt.ItemDataRole.UserRole + 1


def birthday_text(b: PartialDate, today: date | None = None) -> str:
    text = f"{b.day} {calendar.month_name[b.month]}"
    if b.year is None:
        return text
    today = today or date.today()
    age = today.year - b.year - ((today.month, today.day) < (b.month, b.day))
    return f"{text} {b.year} (age {age})"


def interaction_text(i: InteractionDTO, contact_id: int | None) -> str:
    """Two lines for the timeline list: when and what, then with whom and the notes' first line."""
    head = f"{i.occurred_at:%d %b %Y %H:%M} · {i.kind.label}"
    if i.channel is not Channel.UNSPECIFIED:
        head += " · " + ("in person" if i.channel is Channel.IN_PERSON else "online")
    if i.direction is Direction.OUT:
        head += " · I reached out"
    elif i.direction is Direction.IN:
        head += " · they reached out"
    lines = [head]
    if i.summary:
        lines.append(i.summary)
    others = [p.name for p in i.participants if p.contact_id != contact_id and p.name]
    if others:
        lines.append("With " + ", ".join(others))
    if i.notes:
        lines.append(i.notes.splitlines()[0][:160])
    return "\n".join(lines)


STAR = ' <span style="color:#e0a100" title="preferred">★</span>'


def _quiet() -> str:
    """Secondary text: legible (4.5:1) in the theme in use, unlike a fixed grey."""
    return secondary_text().name()


def _label(label: str) -> str:
    return f" <span style='color:{_quiet()}'>{escape(label)}</span>" if label else ""


def _points_html(points: Sequence[ContactPoint], scheme: str = "") -> list[str]:
    """One cell per point: the value (a link where useful), its label in grey and a star when preferred."""
    cells = []
    for p in sorted(points, key=lambda p: not p.pref):
        value = escape(p.value)
        if scheme == "url":
            # Only web addresses become links (file:, smb: … stay text: the system opener would run them).
            url = web_address(p.value)
            if url is not None:
                value = f'<a href="{escape(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))}">{value}</a>'
        elif scheme:
            value = f'<a href="{scheme}:{escape(p.value)}">{value}</a>'
        cells.append(value + _label(p.label) + (STAR if p.pref else ""))
    return cells


def contact_html(c: ContactDTO, members: Sequence[ContactRow] | None) -> str:
    parts: list[str] = []
    photo = '<img src="netdesk-photo:current" style="float:right">'  # the photo, or the initials (show_contact)
    parts.append(f"<table width='100%'><tr><td><h2 style='margin:0'>{escape(c.name)}</h2>")
    sub: list[str] = []
    if c.kind is ContactKind.ORGANIZATION:
        sub.append("<i>Organisation</i>")
    else:
        job = ", ".join(escape(x) for x in (c.title, c.department) if x)
        if job:
            sub.append(job)
        if c.organization:
            sub.append(f'<a href="org:{quote(c.organization)}">{escape(c.organization)}</a>')
    if sub:
        parts.append("<p style='margin-top:2px'>" + " at ".join(sub) + "</p>")
    parts.append(f"</td><td align='right' width='{PHOTO_PX + 4}'>{photo}</td></tr></table>")

    rows: list[tuple[str, list[str]]] = []
    if c.kind is ContactKind.PERSON:
        for label, value in (
            ("Prefix", c.prefix),
            ("Given name", c.given_name),
            ("Middle name", c.additional_name),
            ("Family name", c.family_name),
            ("Suffix", c.suffix),
            ("Nickname", c.nickname),
        ):
            if value:
                rows.append((label, [escape(value)]))
    rows.append(("Email", _points_html(c.emails, "mailto")))
    rows.append(("Phone", _points_html(c.phones, "tel")))
    rows.append(("Web", _points_html(c.urls, "url")))
    rows.append(("Messaging", _points_html(c.ims)))
    rows.append(
        (
            "Address",
            [
                escape(a.one_line()) + _label(a.label) + (STAR if a.pref else "")
                for a in sorted(c.addresses, key=lambda a: not a.pref)
            ],
        )
    )
    if c.birthday:
        rows.append(("Birthday", [escape(birthday_text(c.birthday))]))
    if c.tags:
        chips = " ".join(
            f'<span style="background-color:#e3ecf7; color:#1d3d63">&nbsp;{escape(t)}&nbsp;</span>' for t in c.tags
        )
        rows.append(("Tags", [chips]))

    parts.append("<table cellspacing='0' cellpadding='3'>")
    for title, cells in rows:
        for i, cell in enumerate(cells):
            head = escape(title) if i == 0 else ""
            parts.append(
                f"<tr><td style='color:{_quiet()}' valign='top' align='right'>{head}</td>"
                f"<td valign='top'>{cell}</td></tr>"
            )
    parts.append("</table>")
    if c.notes:
        notes = escape(c.notes).replace("\n", "<br>")
        parts.append(f"<h4 style='margin-bottom:2px'>Notes</h4><p style='margin-top:0'>{notes}</p>")
    if members is not None:
        parts.append(f"<h4 style='margin-bottom:2px'>People ({len(members)})</h4>")
        if members:
            items = "".join(
                f'<li><a href="contact:{m.id}">{escape(m.name)}</a>'
                + (f" <span style='color:{_quiet()}'>· {escape(m.title)}</span>" if m.title else "")
                + "</li>"
                for m in members
            )
            parts.append(f"<ul style='margin-top:0'>{items}</ul>")
        else:
            parts.append(f"<p style='color:{_quiet()}'>Nobody in your network works here yet.</p>")
    return "".join(parts)


class DetailPane(QWidget):
    organization_clicked = Signal(str)
    contact_clicked = Signal(int)
    log_interaction_requested = Signal()
    interaction_activated = Signal(object)
    introductions_requested = Signal(int)
    star_toggled = Signal(int, bool)  # contact id, starred: the window writes it (ui/starred.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.contact: ContactDTO | None = None
        self._members: Sequence[ContactRow] | None = None
        self._nothing_message = ""
        self.networking: NetworkingPanel | None = None
        self.browser = QTextBrowser()
        self.browser.setObjectName("detailBrowser")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.browser.installEventFilter(self)

        # Google's star, toggled here or from the list's context menu; the pane follows what is stored.
        self.star_button = QToolButton()
        self.star_button.setObjectName("starButton")
        self.star_button.setCheckable(True)
        self.star_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.star_button.setIcon(action_icon("star"))
        self.star_button.clicked.connect(self._star_clicked)

        self.timeline_title = QLabel("<b>Timeline</b>")
        self.log_button = QPushButton(action_icon("log-interaction"), "Log interaction…")
        self.log_button.setObjectName("logInteractionButton")
        self.log_button.clicked.connect(self.log_interaction_requested)
        self.timeline_list = QListWidget()
        self.timeline_list.setObjectName("timelineList")
        self.timeline_list.setAlternatingRowColors(True)
        self.timeline_list.setWordWrap(True)
        self.timeline_list.setSpacing(2)
        self.timeline_list.itemActivated.connect(
            lambda item: self.interaction_activated.emit(item.data(INTERACTION_ROLE))
        )
        timeline = QWidget()
        t_layout = QVBoxLayout(timeline)
        t_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self.timeline_title)
        header.addStretch(1)
        header.addWidget(self.log_button)
        t_layout.addLayout(header)
        t_layout.addWidget(self.timeline_list)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.browser, "Overview")
        self.tabs.addTab(timeline, "Timeline")  # the tab shown stays as the user moves from contact to contact
        self.tabs.currentChanged.connect(self._tab_shown)
        self._timeline_page = timeline
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        star_row = QHBoxLayout()
        star_row.addStretch(1)
        star_row.addWidget(self.star_button)
        layout.addLayout(star_row)
        layout.addWidget(self.tabs)
        self.show_nothing()

    def attach(self, nd: NetDesk) -> NetworkingPanel:
        """Add the networking section (strength, cadence, favours, relationships, goals, job history)."""
        if self.networking is not None:
            self.networking.set_netdesk(nd)
            return self.networking
        panel = NetworkingPanel(nd)
        panel.introductions_requested.connect(self.introductions_requested)
        panel.contact_requested.connect(self.contact_clicked)
        scroll = QScrollArea()
        scroll.setObjectName("networkingScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the panel wraps instead
        scroll.setWidget(panel)
        self.tabs.insertTab(1, scroll, "Networking")
        self.tabs.setTabToolTip(1, "Strength, rhythm, favours, relationships, goals and who can introduce you")
        self.networking = panel
        if self.contact is not None:
            panel.show_contact(self.contact)
        return panel

    def show_tab(self, name: str) -> None:
        """Bring the tab called ``name`` (Overview, Networking, Timeline) to the front."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index).split(" (")[0] == name:
                self.tabs.setCurrentIndex(index)
                return
        raise KeyError(name)

    def _tab_shown(self, _index: int) -> None:
        # A tab resized while hidden (the window resized with another tab in front) keeps its children laid out
        # for the old width: lay them out again for the width they have now, or the right side is cut off.
        page = self.tabs.currentWidget()
        inner = page.widget() if isinstance(page, QScrollArea) else page
        layout = inner.layout() if inner is not None else None
        if layout is not None:
            layout.invalidate()
            layout.activate()

    def load_facts(self, contact: ContactDTO) -> PersonFacts | None:
        """The networking section's facts for ``contact``: service reads only, safe on a worker thread."""
        return self.networking.load_facts(contact) if self.networking is not None else None

    def show_nothing(self, message: str = "Select a contact to see their details.") -> None:
        self.contact = None
        if self.networking is not None:
            self.networking.clear()
        self._nothing_message = message
        self._render_nothing()
        self.timeline_list.clear()
        self.timeline_title.setText("<b>Timeline</b>")
        self.tabs.setTabText(self.tabs.indexOf(self._timeline_page), "Timeline")
        self.log_button.setEnabled(False)
        self._show_star(None)

    def show_contact(
        self,
        contact: ContactDTO,
        timeline: Sequence[InteractionDTO],
        members: Sequence[ContactRow] | None = None,
        facts: PersonFacts | None = None,
    ) -> None:
        """Show ``contact``; the networking section reads its facts here unless ``facts`` (from ``load_facts``)."""
        self.contact = contact
        self._members = members
        self._render_contact()
        if self.networking is not None:
            self.networking.show_contact(contact, facts)
        self.show_timeline(timeline)
        self.log_button.setEnabled(True)
        self._show_star(contact)

    def _render_contact(self) -> None:
        contact = self.contact
        assert contact is not None
        document: QTextDocument = self.browser.document()
        image = QImage.fromData(contact.photo) if contact.photo else QImage()
        if not image.isNull():
            image = image.scaled(
                PHOTO_PX, PHOTO_PX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        else:  # no photo (or one that does not decode): the initials, as in the list
            image = draw_initials(contact.name, PHOTO_PX, contact.kind is ContactKind.ORGANIZATION)
        document.addResource(QTextDocument.ResourceType.ImageResource, PHOTO_URL, image)
        self.browser.setHtml(contact_html(contact, self._members))

    def _render_nothing(self) -> None:
        self.browser.setHtml(
            f"<p style='color:{_quiet()}; margin-top:24px' align='center'>{escape(self._nothing_message)}</p>"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The HTML carries the theme's colours (quiet labels, links in the browser's palette): after a theme switch,
        # once the browser has its new palette, write it again.
        if watched is self.browser and event.type() == QEvent.Type.PaletteChange:
            scroll = self.browser.verticalScrollBar().value()
            if self.contact is not None:
                self._render_contact()
            else:
                self._render_nothing()
            self.browser.verticalScrollBar().setValue(scroll)
        return super().eventFilter(watched, event)

    def show_timeline(self, timeline: Sequence[InteractionDTO]) -> None:
        self.timeline_list.clear()
        cid = self.contact.id if self.contact else None
        for interaction in timeline:
            item = QListWidgetItem(interaction_text(interaction, cid))
            item.setData(INTERACTION_ROLE, interaction)
            item.setToolTip(plain_tooltip(interaction.notes or interaction.summary))
            self.timeline_list.addItem(item)
        self.timeline_title.setText(
            f"<b>Timeline</b> ({len(timeline)})" if timeline else "<b>Timeline</b> — nothing logged yet"
        )
        index = self.tabs.indexOf(self._timeline_page)
        self.tabs.setTabText(index, f"Timeline ({len(timeline)})" if timeline else "Timeline")

    def _show_star(self, contact: ContactDTO | None) -> None:
        starred = contact is not None and contact.starred
        self.star_button.setEnabled(contact is not None and contact.id is not None)
        self.star_button.setChecked(starred)
        self.star_button.setText("Starred" if starred else "Star")
        self.star_button.setToolTip("Unstar this contact" if starred else "Star this contact (Google Contacts' star)")

    def _star_clicked(self, checked: bool) -> None:
        contact = self.contact
        self.star_button.setChecked(contact is not None and contact.starred)  # shown once written, not before
        if contact is not None and contact.id is not None:
            self.star_toggled.emit(contact.id, checked)

    def text(self) -> str:
        """What the pane shows as plain text (details then timeline)."""
        items = [self.timeline_list.item(i).text() for i in range(self.timeline_list.count())]
        networking = self.networking.text() if self.networking is not None else ""
        return "\n".join([self.browser.toPlainText(), networking, *items])

    def _link(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "org":
            self.organization_clicked.emit(unquote(url.toString()[len("org:") :]))
        elif scheme == "contact":
            self.contact_clicked.emit(int(url.path() or url.toString()[len("contact:") :]))
        elif safe_link(url):
            QDesktopServices.openUrl(url)
