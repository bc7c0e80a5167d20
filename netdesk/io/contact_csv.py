"""Contact CSV files: Google Contacts and Outlook (and look-alikes) in, NetDesk's own lossless layout in and out.

Reading recognises the layout by its header row:

- ``google``: Google Contacts, old ("Given Name", "E-mail 1 - Type") and new ("First Name", "E-mail 1 - Label",
  "Labels") layouts. A cell may hold several values joined with " ::: "; a type starting with "* " marks the
  preferred value.
- ``outlook``: Outlook's flat layout ("E-mail Address", "Business Phone", "Job Title"; note that Outlook's "Title" is
  the name prefix, Mr./Dr.) and flat look-alikes such as Thunderbird's ("Primary Email", "Display Name").
- ``netdesk``: the layout written by :func:`write_contact_csv` (below).
- ``linkedin``: a LinkedIn Connections/messages/Invitations file (read by ``netdesk.io.linkedin``, not here).

NetDesk layout (:data:`NETDESK_COLUMNS`, one row per contact, every ContactDTO field except the database id):

- Emails, Phones, URLs, IMs, Related: one entry per line inside the cell, ``label: value``; a ``*`` before the label
  marks the preferred entry (``*work: ada@example.com``); an entry without label is ``: value``.
- Addresses: one per line, ``label: PO box; extended; street; locality; region; postal code; country`` (vCard order).
- Tags: ``tag1, tag2``. Birthday/Anniversary: ``YYYY-MM-DD`` or ``--MM-DD``. Photo: base64.
  Extra (vCard properties NetDesk keeps verbatim): JSON. Timestamps: ISO 8601.
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
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from netdesk.core.model import (
    ContactDTO,
    ContactKind,
    ContactPoint,
    ExtraProperty,
    PartialDate,
    PostalAddress,
    Related,
    has_content,
    sorted_tags,
)
from netdesk.io._vcard_lines import escape, split_escaped
from netdesk.io.atomic import atomic_open
from netdesk.io.csv_rows import numbered_rows
from netdesk.io.report import ImportReport

GOOGLE = "google"
OUTLOOK = "outlook"
NETDESK = "netdesk"
LINKEDIN = "linkedin"

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
)
_NETDESK_MARKERS = frozenset({"uid", "kind", "formattedname", "emails", "phones", "addresses"})
# "|" too: some spreadsheets (LibreOffice's DDE, old Excel) run a cell starting with a pipe as a command.
_FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r", "'")
# C0 controls a cell may not carry (a line break inside a quoted cell is text, and tabs are kept), and DEL.
_CELL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GOOGLE_SEPARATOR = " ::: "
# Outlook's "Maiden Name" has no vCard property of its own; kept as this one (written back in every export).
MAIDEN_NAME_PROPERTY = "X-MAIDENNAME"
# Groups every Google contact is in; not tags the user chose.
_GOOGLE_SYSTEM_GROUPS = frozenset({"my contacts", "mycontacts", "starred", "imported on", "other contacts"})


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


# --- decoding and sniffing ------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Outlook on Windows writes the ANSI code page; cp1252 decodes every byte that matters in practice.
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    """Comma, or semicolon/tab when the header uses those (Excel in many European locales writes semicolons)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _header(text: str) -> tuple[list[str], str]:
    # Any line end counts (old Mac files end lines with a bare CR); a CR left inside the line would make csv raise.
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = _delimiter(first_line)
    try:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error:  # e.g. a cell over the csv module's field limit: no header NetDesk knows
        header = []
    return [h.strip() for h in header], delimiter


def _kind_of_header(header: list[str]) -> str | None:
    keys = {_key(h) for h in header if h.strip()}
    if keys >= _NETDESK_MARKERS:
        return NETDESK
    if (
        any(
            re.fullmatch(r"(email|phone|address|website|organization|relation|event|im)\d+(type|label|value)", k)
            for k in keys
        )
        or {"givenname", "familyname", "groupmembership"} & keys
        or "labels" in keys
    ):
        return GOOGLE
    if keys & _FLAT_KEYS:
        return OUTLOOK
    return None


def detect_csv_kind(data: bytes) -> str | None:
    """Which contact CSV layout ``data`` (the start of a file) is in: google, outlook, netdesk, linkedin or None."""
    from netdesk.io import linkedin

    if linkedin.is_linkedin_csv(data):
        return LINKEDIN
    text = _decode(data[: 64 * 1024])
    if not text.strip():
        return None
    header, _ = _header(text)
    return _kind_of_header(header)


# --- rows -----------------------------------------------------------------------------------------------------------


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """Data rows with the physical line (1-based) on which each starts; blank rows are left out.

    A row the csv module cannot read (a field over its 128 KB limit …) is yielded as the reason, a string; the
    reader starts afresh on the next line, so the rows after it are still read.
    """
    for line, row in numbered_rows(io.StringIO(text, newline=""), delimiter=delimiter):
        if isinstance(row, csv.Error):
            yield line, f"unreadable CSV ({row})"
        elif line != 1 and any(cell.strip() for cell in row):  # line 1 is the header
            yield line, row


@dataclass
class _Builder:
    """Collects the values of one row before they become a ContactDTO."""

    fields: dict[str, str] = field(default_factory=dict)
    emails: list[ContactPoint] = field(default_factory=list)
    phones: list[ContactPoint] = field(default_factory=list)
    urls: list[ContactPoint] = field(default_factory=list)
    ims: list[ContactPoint] = field(default_factory=list)
    addresses: dict[str, dict[str, str]] = field(default_factory=dict)
    related: list[Related] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    starred: bool = False
    problems: list[str] = field(default_factory=list)

    def set(self, name: str, value: str) -> None:
        value = value.strip()
        if value and not self.fields.get(name):
            self.fields[name] = value

    def address_part(self, label: str, part: str, value: str) -> None:
        value = value.strip()
        if value:
            parts = self.addresses.setdefault(label, {})
            parts[part] = (parts[part] + "\n" + value) if parts.get(part) else value

    def build(self) -> ContactDTO:
        f = self.fields
        birthday = self._date("birthday", f.get("birthday", ""))
        if birthday is None and f.get("birth_month") and f.get("birth_day"):
            # Thunderbird splits the birthday into three columns; the year may be missing.
            year = f.get("birth_year", "")
            month, day = f["birth_month"].zfill(2), f["birth_day"].zfill(2)
            birthday = self._date("birthday", f"{year}-{month}-{day}" if year else f"--{month}-{day}")
        addresses = tuple(
            PostalAddress(
                label=label,
                po_box=p.get("po_box", ""),
                extended=p.get("extended", ""),
                street=p.get("street", ""),
                locality=p.get("locality", ""),
                region=p.get("region", ""),
                postal_code=p.get("postal_code", ""),
                country=p.get("country", ""),
            )
            for label, p in self.addresses.items()
        )
        extra = (ExtraProperty(MAIDEN_NAME_PROPERTY, escape(f["maiden_name"])),) if f.get("maiden_name") else ()
        return ContactDTO(
            starred=self.starred,
            extra=extra,
            formatted_name=f.get("formatted_name", ""),
            prefix=f.get("prefix", ""),
            given_name=f.get("given_name", ""),
            additional_name=f.get("additional_name", ""),
            family_name=f.get("family_name", ""),
            suffix=f.get("suffix", ""),
            nickname=f.get("nickname", ""),
            organization=f.get("organization", ""),
            department=f.get("department", ""),
            title=f.get("title", ""),
            emails=_dedupe(self.emails),
            phones=_dedupe(self.phones),
            urls=_dedupe(self.urls),
            ims=_dedupe(self.ims),
            addresses=tuple(a for a in addresses if not a.is_empty()),
            birthday=birthday,
            anniversary=self._date("anniversary", f.get("anniversary", "")),
            gender=_gender(f.get("gender", "")),
            notes=f.get("notes", ""),
            tags=sorted_tags(self.tags),
            related=tuple(self.related),
        )

    def _date(self, what: str, text: str) -> PartialDate | None:
        if not text.strip("0/.- "):
            return None  # empty, or a placeholder such as Outlook's 0/0/00
        parsed = parse_loose_date(text)
        if parsed is None:
            self.problems.append(f"cannot read {what} {text.strip()!r}; left empty")
        return parsed


def _dedupe(points: list[ContactPoint]) -> tuple[ContactPoint, ...]:
    seen: set[str] = set()
    out = []
    for p in points:
        if p.value.casefold() not in seen:
            seen.add(p.value.casefold())
            out.append(p)
    return tuple(out)


def _gender(text: str) -> str:
    value = text.strip().casefold()
    return {"male": "M", "m": "M", "female": "F", "f": "F", "unspecified": "", "": ""}.get(value, text.strip())


_STANDARD = {"home": "home", "work": "work", "business": "work", "mobile": "mobile", "cell": "mobile", "other": "other"}


def _label(raw: str) -> tuple[str, bool]:
    """(label, preferred) from a Google type/label: "* Home" -> ("home", True); custom labels are kept as typed."""
    text = raw.strip()
    pref = text.startswith("*")
    text = text.lstrip("*").strip()
    return _STANDARD.get(text.casefold(), text), pref


def parse_loose_date(text: str) -> PartialDate | None:
    """A date as contact CSVs write it: 1975-12-12, --12-12, 12/31/1975 (US) or 31/12/1975, 31.12.1975."""
    value = text.strip()
    try:
        return PartialDate.parse(value)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,4})-(\d{1,2})-(\d{1,2})", value)
    try:
        if m:
            return PartialDate(month=int(m.group(2)), day=int(m.group(3)), year=int(m.group(1)) or None)
        m = re.fullmatch(r"(\d{1,2})([/.])(\d{1,2})\2(\d{2,4})", value)
        if m:
            first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
            if first == 0 or second == 0:
                return None  # Outlook writes 0/0/00 for "no birthday"
            if m.group(2) == "." or first > 12:  # dotted dates and a first number above 12 are day-first
                first, second = second, first
            if year < 100:
                year += 1900 if year > (date.today().year % 100) else 2000
            return PartialDate(month=first, day=second, year=year)
    except ValueError:
        return None
    return None


# --- Google ---------------------------------------------------------------------------------------------------------

_GOOGLE_SCALARS = {
    "name": "formatted_name",
    "givenname": "given_name",
    "firstname": "given_name",
    "additionalname": "additional_name",
    "middlename": "additional_name",
    "familyname": "family_name",
    "lastname": "family_name",
    "nameprefix": "prefix",
    "namesuffix": "suffix",
    "nickname": "nickname",
    "birthday": "birthday",
    "gender": "gender",
    "notes": "notes",
    "organizationname": "organization",
    "organizationtitle": "title",
    "organizationdepartment": "department",
    "fileas": "formatted_name",
}
_GOOGLE_NUMBERED = re.compile(r"^(E-mail|Phone|Address|Website|Organization|Relation|IM|Event) (\d+) - (.+)$", re.I)
_GOOGLE_ADDRESS_PARTS = {
    "street": "street",
    "city": "locality",
    "pobox": "po_box",
    "region": "region",
    "postalcode": "postal_code",
    "country": "country",
    "extendedaddress": "extended",
}


def _google_row(header: list[str], row: list[str]) -> _Builder:
    b = _Builder()
    numbered: dict[tuple[str, str], dict[str, str]] = {}
    for name, value in zip(header, row, strict=False):
        if not value.strip():
            continue
        key = _key(name)
        if key in _GOOGLE_SCALARS:
            b.set(_GOOGLE_SCALARS[key], value)
        elif key in ("groupmembership", "labels"):
            for group in value.split(_GOOGLE_SEPARATOR):
                group = group.strip().lstrip("*").strip()
                if group.casefold() == "starred":
                    b.starred = True  # Google's star: a flag, not a tag
                elif group and group.casefold() not in _GOOGLE_SYSTEM_GROUPS:
                    b.tags.append(group)
        elif m := _GOOGLE_NUMBERED.match(name.strip()):
            numbered.setdefault((m.group(1).casefold(), m.group(2)), {})[_key(m.group(3))] = value
    for (what, _number), parts in numbered.items():
        label, pref = _label(parts.get("type", parts.get("label", "")))
        if what == "address":
            # Structured parts win; the formatted text is used only when there are none.
            address_label = label or "other"
            for part_key, part in _GOOGLE_ADDRESS_PARTS.items():
                if part_key in parts:
                    b.address_part(address_label, part, parts[part_key])
            if address_label not in b.addresses and parts.get("formatted", "").strip():
                b.address_part(address_label, "street", parts["formatted"])
        elif what == "organization":
            b.set("organization", parts.get("name", ""))
            b.set("title", parts.get("title", ""))
            b.set("department", parts.get("department", ""))
        elif what == "relation":
            if parts.get("value", "").strip():
                b.related.append(Related(parts["value"].strip(), label.casefold()))
        elif what == "event":
            if label.casefold() == "anniversary":
                b.set("anniversary", parts.get("value", ""))
        else:
            target = {"e-mail": b.emails, "phone": b.phones, "website": b.urls, "im": b.ims}[what]
            values = [v.strip() for v in parts.get("value", "").split(_GOOGLE_SEPARATOR) if v.strip()]
            for n, value in enumerate(values):
                # With several values in one cell only the first carries the "* " preferred mark.
                target.append(ContactPoint(value, label, pref=pref and n == 0))
    return b


# --- Outlook and other flat layouts ---------------------------------------------------------------------------------

Handler = Callable[[_Builder, str], None]


def _scalar(name: str) -> Handler:
    return lambda b, v: b.set(name, v)


def _point(kind: str, label: str) -> Handler:
    def add(b: _Builder, value: str) -> None:
        getattr(b, kind).append(ContactPoint(value.strip(), label))

    return add


def _addr(label: str, part: str) -> Handler:
    return lambda b, v: b.address_part(label, part, v)


def _categories(b: _Builder, value: str) -> None:
    b.tags += [t.strip() for t in re.split(r"[;,]", value) if t.strip()]


def _related(kind: str) -> Handler:
    return lambda b, v: b.related.append(Related(v.strip(), kind))


def _flat_table() -> dict[str, Handler]:
    table: dict[str, Handler] = {}

    def add(names: str, handler: Handler) -> None:
        for name in names.split("|"):
            table[_key(name)] = handler

    add("Display Name|Full Name|Name", _scalar("formatted_name"))
    add("Title|Prefix|Name Prefix", _scalar("prefix"))  # Outlook's "Title" is Mr./Dr., not the job title
    add("First Name|Given Name", _scalar("given_name"))
    add("Middle Name|Additional Name", _scalar("additional_name"))
    add("Last Name|Family Name|Surname", _scalar("family_name"))
    add("Suffix|Name Suffix", _scalar("suffix"))
    add("Nickname|Nick Name", _scalar("nickname"))
    add("Company|Organization|Organisation", _scalar("organization"))
    add("Department", _scalar("department"))
    add("Job Title|Position", _scalar("title"))
    add("Birth Year", _scalar("birth_year"))
    add("Birth Month", _scalar("birth_month"))
    # "Birthday" (a date) and Thunderbird's "Birth Day" (a day number) are the same key once spaces go.
    add("Birthday", lambda b, v: b.set("birth_day" if v.strip().isdigit() else "birthday", v))
    add("Anniversary", _scalar("anniversary"))
    add("Gender", _scalar("gender"))
    add("Maiden Name", _scalar("maiden_name"))
    add("Notes|Note", _scalar("notes"))
    add("Categories|Groups|Keywords", _categories)
    add("E-mail Address|Email Address|Email|Primary Email|E-mail 1 Address", _point("emails", ""))
    add("E-mail 2 Address|Secondary Email|Email 2", _point("emails", ""))
    add("E-mail 3 Address|Email 3", _point("emails", ""))
    add("Email Home|Home Email|Personal Email", _point("emails", "home"))
    add("Email Work|Work Email|Business Email", _point("emails", "work"))
    add("Email Other|Other Email", _point("emails", "other"))
    add("Mobile Phone|Mobile Number|Mobile|Home Mobile|Cell Phone|Work Mobile", _point("phones", "mobile"))
    add("Home Phone|Home Phone 2", _point("phones", "home"))
    add("Business Phone|Business Phone 2|Work Phone|Company Main Phone", _point("phones", "work"))
    add("Other Phone|Primary Phone|Phone|Phone Number|Callback|Car Phone|Radio Phone", _point("phones", "other"))
    add("Home Fax", _point("phones", "home fax"))
    add("Business Fax|Fax Number|Work Fax", _point("phones", "work fax"))
    add("Other Fax", _point("phones", "fax"))
    add("Pager|Pager Number", _point("phones", "pager"))
    add("Assistant's Phone", _point("phones", "assistant"))
    add("Phone Video", _point("phones", "video"))
    add("Web Page|Web Page 1|Website|Website Home Page|Personal Web Page", _point("urls", ""))
    add("Web Page 2|Website Other", _point("urls", "other"))
    add("Website Work|Business Web Page", _point("urls", "work"))
    add("Website Blog", _point("urls", "blog"))
    add("Website Profile", _point("urls", "profile"))
    for service in ("Aim", "Icq", "Jabber", "Msn", "Skype", "Yahoo"):
        add(f"IM {service}", _point("ims", service.lower()))
    add("Screen Name|IM Address", _point("ims", ""))
    add("Spouse", _related("spouse"))
    add("Manager's Name", _related("manager"))
    add("Assistant's Name", _related("assistant"))
    add("Children", _related("child"))
    for label, prefixes in (("home", "Home"), ("work", "Business|Work"), ("other", "Other")):
        for prefix in prefixes.split("|"):
            add(
                f"{prefix} Street|{prefix} Address|{prefix} Street 2|{prefix} Street 3|{prefix} Address 2",
                _addr(label, "street"),
            )
            add(f"{prefix} City", _addr(label, "locality"))
            add(f"{prefix} State|{prefix} Region", _addr(label, "region"))
            add(f"{prefix} Postal Code|{prefix} Zip|{prefix} ZipCode|{prefix} Zip Code", _addr(label, "postal_code"))
            add(f"{prefix} Country|{prefix} Country/Region", _addr(label, "country"))
            add(f"{prefix} Address PO Box|{prefix} PO Box", _addr(label, "po_box"))
    return table


_FLAT = _flat_table()
_FLAT_KEYS = frozenset(
    k for k in _FLAT if k not in {"title", "name", "notes", "note", "department", "birthday", "gender"}
)


def _flat_row(handlers: list[Handler | None], row: list[str]) -> _Builder:
    b = _Builder()
    for handler, value in zip(handlers, row, strict=False):
        if handler is not None and value.strip():
            handler(b, value)
    return b


# --- NetDesk layout -------------------------------------------------------------------------------------------------


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
    ]


def _neutralise(cell: str) -> str:
    """Stop spreadsheets from running a cell as a formula; the reader undoes exactly this one apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _netdesk_row(header: list[str], row: list[str]) -> ContactDTO:
    """One row of NetDesk's layout; raises ValueError (with the column) for a cell that cannot be read."""
    cells: dict[str, str] = {}
    for name, value in zip(header, row, strict=False):
        cells[_key(name)] = value[1:] if value.startswith("'") else value

    def get(column: str) -> str:
        return cells.get(_key(column), "")

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
    return ContactDTO(
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


# --- public API -----------------------------------------------------------------------------------------------------


def read_contact_csv(path: Path, report: ImportReport) -> list[ContactDTO]:
    """Read a Google, Outlook(-like) or NetDesk contact CSV; bad rows become problems, the rest is returned."""
    from netdesk.core.errors import UnsupportedFormatError

    name = str(path)
    text = _decode(path.read_bytes())
    header, delimiter = _header(text)
    kind = _kind_of_header(header)
    if kind is None:
        raise UnsupportedFormatError(
            f"{name}: not a contact CSV (expected a Google Contacts, Outlook or NetDesk header such as "
            f"'First Name,Last Name,E-mail Address' or '{','.join(NETDESK_COLUMNS[:5])},…')"
        )
    handlers = [_FLAT.get(_key(h)) for h in header] if kind == OUTLOOK else []
    contacts: list[ContactDTO] = []
    for line, row in _rows(text, delimiter):
        if isinstance(row, str):
            report.skip(name, line, f"row skipped: {row}")
            continue
        if any(_CELL_CONTROLS.search(cell) for cell in row):
            row = [_CELL_CONTROLS.sub("", cell) for cell in row]
            report.error(name, line, "control characters (NUL and the like) removed from the row")
        try:
            if kind == NETDESK:
                contact = _netdesk_row(header, row)
                problems: list[str] = []
            else:
                builder = _google_row(header, row) if kind == GOOGLE else _flat_row(handlers, row)
                contact = builder.build()
                problems = builder.problems
        except ValueError as exc:
            report.skip(name, line, f"row skipped: {exc}")
            continue
        for problem in problems:
            report.error(name, line, problem)
        if not has_content(contact):
            report.skip(name, line, "row skipped: nothing to import in it")
            continue
        contacts.append(contact)
    return contacts


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


__all__ = [
    "NETDESK_COLUMNS",
    "csv_header_bytes",
    "detect_csv_kind",
    "parse_loose_date",
    "read_contact_csv",
    "render_csv_rows",
    "write_contact_csv",
]
