"""The bulk insert's row builders give what the dict-per-row ones (and the ORM path) store."""

from __future__ import annotations

from netdesk.core.model import ContactDTO, ContactKind, ContactPoint, PostalAddress, display_name
from netdesk.core.normalize import sort_key
from netdesk.db.rows import POINT_COLUMNS, contact_row, point_rows, point_values

CARD = ContactDTO(
    kind=ContactKind.ORGANIZATION,
    given_name="Zoë",
    family_name="Müller",
    organization="Ämter AG",
    emails=(ContactPoint(" Zoe@Example.ORG ", "work", pref=True, params=(("TYPE", ("INTERNET", "pref")),)),),
    phones=(ContactPoint("030 1234567", "work"), ContactPoint("  "), ContactPoint("+44 20 7946 0958", "mobile")),
    urls=(ContactPoint("https://www.linkedin.com/in/zoe/", "linkedin"),),
    ims=(ContactPoint("xmpp:zoe@example.org"),),
    addresses=(PostalAddress(country="Deutschland"),),
    tags=("b", "A"),
)


def test_point_rows_store_what_point_values_give() -> None:
    for dto in (CARD, ContactDTO(given_name="Ada"), CARD.replace(addresses=())):
        expected = [
            tuple({**v, "contact_id": 7, "pref": int(v["pref"])}[c] for c in POINT_COLUMNS) for v in point_values(dto)
        ]
        assert point_rows(dto, 7) == expected
    assert [r[5] for r in point_rows(CARD, 1)] == [1, 0, 0, 0, 0]  # pref stored as an integer


def test_contact_row_with_a_given_name_and_key_equals_the_row_it_computes() -> None:
    for dto in (CARD, ContactDTO(given_name="Ada"), ContactDTO(kind="person", notes="only a note")):  # type: ignore[arg-type]
        name = display_name(dto)
        assert contact_row(dto, (name, sort_key(name))) == contact_row(dto)
        row = contact_row(dto)
        assert type(row[0]) is str and row[0] == ContactKind(dto.kind).value
