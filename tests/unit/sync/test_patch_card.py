from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.sync.cards import card_to_contact, contact_to_card, patch_card

SERVER = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:g-1\r\nN:Hopper;Grace;;;\r\nFN:Grace Hopper\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0A=\r\nline two\r\n"
    "X-AIM:gracehopper\r\n"
    "workEmail.EMAIL;TYPE=work:grace@navy.mil\r\nworkEmail.X-ABLabel:@work\r\n"
    "item1.TEL:+1 202 555 0100\r\nitem1.X-ABLabel:Desk\r\n"
    "END:VCARD\r\n"
)


def test_only_the_changed_properties_are_rewritten_and_labels_stay_with_their_values() -> None:
    base = card_to_contact(SERVER, "")
    local = base.replace(emails=(*base.emails, ContactPoint("grace@yale.edu", "home")))
    patched = patch_card(SERVER, contact_to_card(base, "", "3.0"), contact_to_card(local, "", "3.0"))
    # Untouched properties go back byte for byte, the quoted-printable note and the X-AIM handle included.
    assert "NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0A=\r\nline two\r\n" in patched
    assert "X-AIM:gracehopper\r\n" in patched and "item1.TEL:+1 202 555 0100\r\nitem1.X-ABLabel:Desk\r\n" in patched
    again = card_to_contact(patched, "")
    assert {(e.value, e.label) for e in again.emails} == {(e.value, e.label) for e in local.emails}
    assert [(p.value, p.label) for p in again.phones] == [("+1 202 555 0100", "Desk")]
    assert patched.count("UID:") == 1 and patched.endswith("END:VCARD\r\n")


def test_nothing_changed_sends_the_servers_card_as_it_is() -> None:
    base = card_to_contact(SERVER, "")
    assert patch_card(SERVER, contact_to_card(base, "", "3.0"), contact_to_card(base, "", "3.0")) == SERVER


def test_a_contact_without_a_server_card_is_written_whole() -> None:
    card = contact_to_card(ContactDTO(uid="a", given_name="Ada", tags=("Phone", "math")), "Phone", "3.0")
    assert "CATEGORIES:math" in card and "Phone" not in card
