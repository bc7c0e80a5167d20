"""NetDesk's own lossless contact CSV layout: the columns, writing a file (or a batch of rows for a streamed
export) and reading one row back. ``netdesk.io.contact_csv`` recognises the layout by its header and reads files in it
(with Google's and Outlook's).

NetDesk layout (:data:`NETDESK_COLUMNS`, one row per contact, every ContactDTO field except the database id):

- Emails, Phones, URLs, IMs, Related: one entry per line inside the cell, ``label: value``; a ``*`` before the label
  marks the preferred entry (``*work: ada@example.com``); an entry without label is ``: value``.
- Addresses: one per line, ``label: PO box; extended; street; locality; region; postal code; country`` (vCard order).
- Tags: ``tag1, tag2``. Birthday/Anniversary: ``YYYY-MM-DD`` or ``--MM-DD``. Photo: base64.
  Extra (vCard properties NetDesk keeps verbatim): JSON. Timestamps: ISO 8601. Parameters: JSON, the vCard
  parameters each email, phone, URL, IM and address was read with (``{"emails": [[[name, [values]], …], …], …}``,
  one list per entry, in order; ignored for a column whose entries no longer match in number) and those of
  single properties (``"properties": [[property, [[name, [values]], …]], …]``), so that a vCard export after a CSV
  round trip writes what it wrote before (an address's LABEL, TYPE spellings, X-ABLabel, N;LANGUAGE=).
- Escapes inside entries: ``\\\\`` backslash, ``\\n`` newline, ``\\r`` carriage return, and in labels ``\\:``,
  in address parts ``\\;``, in tags ``\\,``, a leading ``\\*`` for a label that starts with ``*``.
- Spreadsheet formula injection: a cell starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return or an
  apostrophe is written with one extra leading apostrophe, and the reader removes exactly one leading apostrophe
  from every NetDesk cell; since cells that already began with an apostrophe got one more, the round trip is exact.
- The file is UTF-8 with a byte-order mark (so that Excel detects the encoding) and is replaced atomically.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    Params,
    PartialDate,
    PostalAddress,
    Related,
)
from netdesk.io._vcard_lines import split_escaped
from netdesk.io.atomic import atomic_open

NETDESK_COLUMNS = (
    "UID",
    "Kind",
    "Formatted Name",
    "Prefix",
    "Given Name",
    "Additional Name",
    "Family Name",
    "Suffix",
    "Nickname",
    "Organization",
    "Department",
    "Title",
    "Role",
    "Emails",
    "Phones",
    "URLs",
    "IMs",
    "Addresses",
    "Birthday",
    "Anniversary",
    "Gender",
    "Notes",
    "Tags",
    "Related",
    "Photo",
    "Photo MIME",
    "Photo URI",
    "Extra",
    "Revision",
    "Connected On",
    "Created At",
    "Updated At",
    "Starred",  # Google's star: "yes" or empty
    "Parameters",  # the vCard parameters of points and properties (ContactPoint.params, property_params): JSON
)
# "|" too: some spreadsheets (LibreOffice's DDE, old Excel) run a cell starting with a pipe as a command.
_FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r", "'")


def column_key(name: str) -> str:
    """A header cell reduced to what identifies its column (case, spaces and punctuation ignored)."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _escape(text: str, specials: str = "") -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    for ch in specials:
        text = text.replace(ch, "\\" + ch)
    return text


def _unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _format_label(label: str, pref: bool) -> str:
    escaped = _escape(label, ":")
    if escaped.startswith("*"):
        escaped = "\\" + escaped
    return ("*" if pref else "") + escaped


def _parse_label(raw: str) -> tuple[str, bool]:
    pref = raw.startswith("*")
    return _unescape(raw[1:] if pref else raw), pref


def _format_points(points: Iterable[ContactPoint]) -> str:
    return "\n".join(f"{_format_label(p.label, p.pref)}: {_escape(p.value)}" for p in points)


def _parse_entry(line: str) -> tuple[str, bool, str]:
    """``label: value`` -> (label, preferred, still-escaped value). Raises ValueError without the separator."""
    pieces = split_escaped(line, ":", maxsplit=1)
    if len(pieces) != 2 or not pieces[1].startswith(" "):
        raise ValueError(f"entry {line!r} is not 'label: value'")
    label, pref = _parse_label(pieces[0])
    return label, pref, pieces[1][1:]


def _parse_points(cell: str) -> tuple[ContactPoint, ...]:
    points = []
    for line in cell.split("\n"):
        if line:
            label, pref, value = _parse_entry(line)
            points.append(ContactPoint(_unescape(value), label, pref))
    return tuple(points)


_ADDRESS_PARTS = ("po_box", "extended", "street", "locality", "region", "postal_code", "country")


def _format_addresses(addresses: Iterable[PostalAddress]) -> str:
    lines = []
    for a in addresses:
        parts = "; ".join(_escape(getattr(a, part), ";") for part in _ADDRESS_PARTS)
        lines.append(f"{_format_label(a.label, a.pref)}: {parts}")
    return "\n".join(lines)


def _parse_addresses(cell: str) -> tuple[PostalAddress, ...]:
    addresses = []
    for line in cell.split("\n"):
        if not line:
            continue
        label, pref, value = _parse_entry(line)
        parts = split_escaped(value, ";")
        if len(parts) != len(_ADDRESS_PARTS):
            raise ValueError(f"address {line!r} does not have {len(_ADDRESS_PARTS)} parts separated by ';'")
        # The writer puts one space after each ';'.
        values = [_unescape(p[1:] if n and p.startswith(" ") else p) for n, p in enumerate(parts)]
        fields = dict(zip(_ADDRESS_PARTS, values, strict=True))
        addresses.append(PostalAddress(label, pref, **fields))  # type: ignore[arg-type]
    return tuple(addresses)


def _format_related(related: Iterable[Related]) -> str:
    return "\n".join(f"{_format_label(r.type, False)}: {_escape(r.value)}" for r in related)


def _parse_related(cell: str) -> tuple[Related, ...]:
    return tuple(Related(p.value, p.label) for p in _parse_points(cell))


def _format_tags(tags: Iterable[str]) -> str:
    return ", ".join(_escape(t, ",") for t in tags)


def _parse_tags(cell: str) -> tuple[str, ...]:
    if not cell:
        return ()
    parts = split_escaped(cell, ",")
    return tuple(_unescape(p[1:] if n and p.startswith(" ") else p) for n, p in enumerate(parts))


def _format_extra(extra: Iterable[ExtraProperty]) -> str:
    items = [[e.name, e.value, [[k, list(v)] for k, v in e.params], e.group] for e in extra]
    return json.dumps(items, ensure_ascii=False) if items else ""


def _parse_extra(cell: str) -> tuple[ExtraProperty, ...]:
    if not cell:
        return ()
    return tuple(
        ExtraProperty(str(name), str(value), tuple((str(k), tuple(str(x) for x in v)) for k, v in params), str(group))
        for name, value, params, group in json.loads(cell)
    )


_POINT_FIELDS = ("emails", "phones", "urls", "ims", "addresses")


def _format_params(c: ContactDTO) -> str:
    data: dict[str, object] = {}
    for key in _POINT_FIELDS:
        points: tuple[ContactPoint | PostalAddress, ...] = getattr(c, key)
        if any(p.params for p in points):
            data[key] = [[[k, list(v)] for k, v in p.params] for p in points]
    if c.property_params:
        data["properties"] = [[name, [[k, list(v)] for k, v in params]] for name, params in c.property_params]
    return json.dumps(data, ensure_ascii=False) if data else ""


def _params(items: list[list[object]]) -> Params:
    return tuple((str(k), tuple(str(x) for x in v)) for k, v in items)  # type: ignore[attr-defined]


def _with_params(contact: ContactDTO, cell: str) -> ContactDTO:
    data = json.loads(cell)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    changes: dict[str, object] = {}
    for key in _POINT_FIELDS:
        points: tuple[ContactPoint | PostalAddress, ...] = getattr(contact, key)
        lists = data.get(key)
        if isinstance(lists, list) and len(lists) == len(points):  # still the entries they were written for
            kept = zip(points, lists, strict=True)
            changes[key] = tuple(dataclasses.replace(p, params=_params(ps)) for p, ps in kept)
    if isinstance(data.get("properties"), list):
        changes["property_params"] = tuple((str(name), _params(ps)) for name, ps in data["properties"])
    return contact.replace(**changes)


def _iso(value: date | datetime | PartialDate | None) -> str:
    return "" if value is None else value.isoformat() if not isinstance(value, PartialDate) else value.iso()


def _netdesk_cells(c: ContactDTO) -> list[str]:
    return [
        c.uid,
        c.kind.value,
        c.formatted_name,
        c.prefix,
        c.given_name,
        c.additional_name,
        c.family_name,
        c.suffix,
        c.nickname,
        c.organization,
        c.department,
        c.title,
        c.role,
        _format_points(c.emails),
        _format_points(c.phones),
        _format_points(c.urls),
        _format_points(c.ims),
        _format_addresses(c.addresses),
        _iso(c.birthday),
        _iso(c.anniversary),
        c.gender,
        c.notes,
        _format_tags(c.tags),
        _format_related(c.related),
        base64.b64encode(c.photo).decode("ascii") if c.photo is not None else "",
        c.photo_mime,
        c.photo_uri,
        _format_extra(c.extra),
        c.rev,
        _iso(c.connected_on),
        _iso(c.created_at),
        _iso(c.updated_at),
        "yes" if c.starred else "",
        _format_params(c),
    ]


def _neutralise(cell: str) -> str:
    """Stop spreadsheets from running a cell as a formula; the reader undoes exactly this one apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def netdesk_row(header: list[str], row: list[str]) -> ContactDTO:
    """One row of NetDesk's layout; raises ValueError (with the column) for a cell that cannot be read."""
    cells: dict[str, str] = {}
    for name, value in zip(header, row, strict=False):
        cells[column_key(name)] = value[1:] if value.startswith("'") else value

    def get(column: str) -> str:
        return cells.get(column_key(column), "")

    def parse(column: str, parser: Callable[[str], object]) -> object:
        text = get(column)
        if not text:
            return None
        try:
            return parser(text)
        except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
            raise ValueError(f"column {column!r}: {exc}") from exc

    kind = get("Kind") or ContactKind.PERSON.value
    try:
        contact_kind = ContactKind(kind)
    except ValueError as exc:
        raise ValueError(f"column 'Kind': unknown kind {kind!r}") from exc
    contact = ContactDTO(
        uid=get("UID"),
        kind=contact_kind,
        formatted_name=get("Formatted Name"),
        prefix=get("Prefix"),
        given_name=get("Given Name"),
        additional_name=get("Additional Name"),
        family_name=get("Family Name"),
        suffix=get("Suffix"),
        nickname=get("Nickname"),
        organization=get("Organization"),
        department=get("Department"),
        title=get("Title"),
        role=get("Role"),
        emails=parse("Emails", _parse_points) or (),  # type: ignore[arg-type]
        phones=parse("Phones", _parse_points) or (),  # type: ignore[arg-type]
        urls=parse("URLs", _parse_points) or (),  # type: ignore[arg-type]
        ims=parse("IMs", _parse_points) or (),  # type: ignore[arg-type]
        addresses=parse("Addresses", _parse_addresses) or (),  # type: ignore[arg-type]
        birthday=parse("Birthday", PartialDate.parse),  # type: ignore[arg-type]
        anniversary=parse("Anniversary", PartialDate.parse),  # type: ignore[arg-type]
        gender=get("Gender"),
        notes=get("Notes"),
        tags=parse("Tags", _parse_tags) or (),  # type: ignore[arg-type]
        related=parse("Related", _parse_related) or (),  # type: ignore[arg-type]
        photo=parse("Photo", lambda t: base64.b64decode(t, validate=True)),  # type: ignore[arg-type]
        photo_mime=get("Photo MIME"),
        photo_uri=get("Photo URI"),
        extra=parse("Extra", _parse_extra) or (),  # type: ignore[arg-type]
        rev=get("Revision"),
        connected_on=parse("Connected On", date.fromisoformat),  # type: ignore[arg-type]
        created_at=parse("Created At", datetime.fromisoformat),  # type: ignore[arg-type]
        updated_at=parse("Updated At", datetime.fromisoformat),  # type: ignore[arg-type]
        starred=get("Starred").strip().casefold() in ("yes", "true", "1"),
    )
    with_params = parse("Parameters", lambda cell: _with_params(contact, cell))
    return with_params if isinstance(with_params, ContactDTO) else contact


def write_contact_csv(contacts: Iterable[ContactDTO], path: Path) -> int:
    """Write ``contacts`` in NetDesk's CSV layout (see the module docstring) atomically; returns how many."""
    count = 0
    with atomic_open(Path(path), "wb") as f:
        f.write(csv_header_bytes())
        batch: list[ContactDTO] = []
        for contact in [*contacts, None]:
            if contact is not None:
                batch.append(contact)
            if batch and (contact is None or len(batch) == 1000):
                f.write(render_csv_rows(batch, {}))
                count += len(batch)
                batch = []
    return count


def csv_header_bytes() -> bytes:
    """The start of NetDesk's CSV file: a UTF-8 byte-order mark (so that Excel detects the encoding), the header."""
    return codecs.BOM_UTF8 + render_csv_text([NETDESK_COLUMNS]).encode("utf-8")


def render_csv_rows(contacts: list[ContactDTO], facts: Mapping[str, Mapping[int, object]]) -> bytes:
    """The CSV rows of a batch of contacts, as bytes of the file (an export's workers run this; ``facts`` unused)."""
    return render_csv_text([[_neutralise(cell) for cell in _netdesk_cells(c)] for c in contacts]).encode("utf-8")


def render_csv_text(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
