"""The personal-note composer: templates filled from the record, edits kept, the profile link, errors shown."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QSettings

from netdesk.core.model import ContactDTO, ContactPoint, InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.ui.note_composer import NoteComposer


def priya(nd: NetDesk) -> int:
    dto = ContactDTO(
        given_name="Priya",
        family_name="Raman",
        organization="Initech",
        title="CTO",
        notes="the data meetup in Leeds\nlikes climbing",
        tags=("data",),
        urls=(ContactPoint("https://www.linkedin.com/in/priya-raman", "linkedin"),),
    )
    cid = nd.contacts.create(dto).value.id or 0
    nd.timeline.log(
        InteractionDTO(
            datetime.now() - timedelta(days=2),
            InteractionKind.MESSAGE,
            direction="in",  # type: ignore[arg-type]
            notes="Could you share the checklist?\nThanks!",
            participants=(Participant(cid),),
        )
    )
    return cid


def test_templates_are_filled_from_the_record_and_edits_are_saved(qtbot, nd: NetDesk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = priya(nd)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    composer = NoteComposer(nd, cid, "Priya Raman", settings)
    qtbot.addWidget(composer)
    draft = composer.draft_edit.toPlainText()
    assert "It was good to meet you (the data meetup in Leeds)." in draft and "CTO at Initech" in draft
    composer.template_combo.setCurrentIndex(composer.template_combo.findData("specific"))
    specific = composer.draft_edit.toPlainText()
    assert "You wrote: “Could you share the checklist?”" in specific and "We both care about data" in specific
    assert "invitation" not in specific  # no invitation on record: that line is left out
    composer.template_edit.setPlainText("Dear {first_name} of {company}, {unknown}")
    assert composer.draft_edit.toPlainText() == "Dear Priya of Initech, {unknown}\n"
    composer.save_template_button.click()
    again = NoteComposer(nd, cid, "Priya Raman", settings, initial="specific")
    qtbot.addWidget(again)
    assert again.template_edit.toPlainText() == "Dear {first_name} of {company}, {unknown}"
    assert again.profile_button.isEnabled() and again.context.profile_url.endswith("/in/priya-raman")


def test_mark_as_sent_logs_the_note_and_a_failure_is_shown(qtbot, nd: NetDesk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cid = priya(nd)
    composer = NoteComposer(nd, cid, "Priya Raman")
    qtbot.addWidget(composer)
    composer.draft_edit.setPlainText("Here is the checklist.")
    with qtbot.waitSignal(composer.sent) as sent:
        composer.sent_button.click()
    assert sent.args == [cid]
    newest = nd.timeline.for_contact(cid)[0]
    assert (newest.kind, newest.direction.value, newest.notes) == (
        InteractionKind.MESSAGE,
        "out",
        "Here is the checklist.",
    )

    failing = NoteComposer(nd, cid, "Priya Raman")
    qtbot.addWidget(failing)
    nd.contacts.delete([cid])
    failing.sent_button.click()
    # The service's error reaches the user as one line, and the composer stays open with the draft.
    assert not failing.error_label.isHidden() and f"no contact with id {cid}" in failing.error_label.text()
