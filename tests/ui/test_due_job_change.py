"""A phone re-imported with a new job for someone: the Due page offers the congratulation, and the note composer opens
on it with the "offering something" template, naming the new role."""

from __future__ import annotations

from pathlib import Path

from netdesk.core.networking import Section
from netdesk.services import NetDesk
from netdesk.ui.note_composer import NoteComposer
from netdesk.ui.views.due_view import DueView

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alex-kim-phone\r\nFN:Alex Kim\r\nN:Kim;Alex;;;\r\nORG:{org}\r\nTITLE:{title}\r\n"
    "TEL;TYPE=CELL:+44 7700 900777\r\nEND:VCARD\r\n"
)


def test_the_due_page_offers_the_congratulation_and_a_note(qtbot, nd: NetDesk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for n, (org, title) in enumerate((("Acme", "Analyst"), ("Umbrella", "Data Lead"))):
        card = tmp_path / f"phone-{n}.vcf"
        card.write_text(CARD.format(org=org, title=title), encoding="utf-8")
        nd.imports.import_paths([card])
    view = DueView(nd)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert view.section_labels[Section.REASONS].text() == "▸ Reasons to reach out (1)"
    [row] = view.today_rows
    assert row.title_button.text() == "Congratulate Alex Kim on the new role (Data Lead at Umbrella)"
    row.buttons["Write note…"].click()
    composer = view.active_dialog
    assert isinstance(composer, NoteComposer)
    assert composer.template_combo.currentData() == "offer"
    assert "Data Lead at Umbrella" in composer.draft_edit.toPlainText()
    composer.reject()
