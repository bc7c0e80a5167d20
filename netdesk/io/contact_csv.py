"""Contact CSV files: Google Contacts and Outlook (and look-alikes) in, NetDesk's own lossless layout in and out.

Reading recognises the layout by its header row:

- ``google``: Google Contacts, old ("Given Name", "E-mail 1 - Type") and new ("First Name", "E-mail 1 - Label",
  "Labels") layouts. A cell may hold several values joined with " ::: "; a type starting with "* " marks the
  preferred value.
- ``outlook``: Outlook's flat layout ("E-mail Address", "Business Phone", "Job Title"; note that Outlook's "Title" is
  the name prefix, Mr./Dr.) and flat look-alikes such as Thunderbird's ("Primary Email", "Display Name").
- ``netdesk``: NetDesk's own lossless layout, described, written and read row by row in ``netdesk.io.netdesk_csv``.
- ``linkedin``: a LinkedIn Connections/messages/Invitations file (read by ``netdesk.io.linkedin``, not here).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from netdesk.core.model import (
    ContactDTO,
    ContactPoint,
    ExtraProperty,
    PartialDate,
    PostalAddress,
    Related,
    has_content,
    sorted_tags,
)
from netdesk.io._vcard_lines import escape
from netdesk.io.csv_rows import field_size_limit, numbered_rows
from netdesk.io.netdesk_csv import NETDESK_COLUMNS, column_key, netdesk_row
from netdesk.io.report import ImportReport
from netdesk.io.vcard import MAX_VCARD_FILE_BYTES

GOOGLE = "google"
OUTLOOK = "outlook"
NETDESK = "netdesk"
LINKEDIN = "linkedin"

_NETDESK_MARKERS = frozenset({"uid", "kind", "formattedname", "emails", "phones", "addresses"})
# C0 controls a cell may not carry (a line break inside a quoted cell is text, and tabs are kept), and DEL.
# A cell of NetDesk's layout may hold anything a vCard file can (a photo, a long note): up to that file's size limit.
NETDESK_FIELD_LIMIT = MAX_VCARD_FILE_BYTES
_CELL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GOOGLE_SEPARATOR = " ::: "
# Outlook's "Maiden Name" has no vCard property of its own; kept as this one (written back in every export).
MAIDEN_NAME_PROPERTY = "X-MAIDENNAME"
# Groups every Google contact is in; not tags the user chose.
_GOOGLE_SYSTEM_GROUPS = frozenset({"my contacts", "mycontacts", "starred", "imported on", "other contacts"})


# --- decoding and sniffing ------------------------------------------------------------------------------------------


def _line_text(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Outlook on Windows writes the ANSI code page, and cp1252 decodes every byte that matters in practice. A UTF-8
    # file with a few such lines (a row typed in a Windows program) is read line by line, to keep its UTF-8 text.
    if _UTF8_SEQUENCE.search(data) is None:
        return data.decode("cp1252", errors="replace")
    return "".join(_line_text(line) for line in data.splitlines(keepends=True))


# A two-byte UTF-8 sequence (Latin letters with accents, Greek, Cyrillic …): in a Windows-1252 file it would read "Ã©".
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")


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
    keys = {column_key(h) for h in header if h.strip()}
    if keys >= _NETDESK_MARKERS:
        return NETDESK
    if (
        # Google numbers its columns "E-mail 1 - Type"; Outlook's "E-mail 2 Type" (no " - ") is not one of them.
        any(
            (m := _GOOGLE_NUMBERED.match(h.strip())) and column_key(m.group(3)) in ("type", "label", "value")
            for h in header
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
        key = column_key(name)
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
            numbered.setdefault((m.group(1).casefold(), m.group(2)), {})[column_key(m.group(3))] = value
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
        value = value.strip()
        if kind == "emails" and value[:3].casefold() == "/o=":
            # Outlook's X.500 name of an Exchange user (E-mail Type "EX"): nothing can be sent to it.
            shown = value if len(value) <= 35 else value[:34] + "…"
            b.problems.append(f"an Exchange directory address is not an email address; ignored: {shown!r}")
            return
        getattr(b, kind).append(ContactPoint(value, label))

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
            table[column_key(name)] = handler

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
    # Lead lists and CRM exports: the profile the later LinkedIn import matches people by.
    add("LinkedIn|LinkedIn URL|LinkedIn Profile|LinkedIn Profile URL", _point("urls", "linkedin"))
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


# Name prefixes a "Title" column holds in Outlook's sense (without the dot, folded).
_PREFIXES = frozenset("mr mrs ms miss mx dr prof professor sir dame lady lord rev fr sr herr frau mme mlle m".split())


def _title_or_prefix(b: _Builder, value: str) -> None:
    """A "Title" in a file without a "Job Title" column (Salesforce, HubSpot, lead lists): the job, unless it is a
    name prefix such as Dr. or Mrs."""
    if value.strip().rstrip(".").casefold() in _PREFIXES:
        b.set("prefix", value)
    else:
        b.set("title", value)


def _flat_handlers(header: list[str]) -> list[Handler | None]:
    keys = [column_key(h) for h in header]
    handlers = [_FLAT.get(k) for k in keys]
    if "jobtitle" not in keys and "position" not in keys:
        handlers = [_title_or_prefix if k == "title" else h for k, h in zip(keys, handlers, strict=True)]
    return handlers


def _flat_row(handlers: list[Handler | None], row: list[str]) -> _Builder:
    b = _Builder()
    for handler, value in zip(handlers, row, strict=False):
        if handler is not None and value.strip():
            handler(b, value)
    return b


def _ragged_row(row: list[str], width: int, line: int) -> tuple[bool, str] | None:
    """(skipped, reason) for a row whose cells do not match the header's ``width``, or None when nothing is lost: a
    short row's missing cells are empty, and empty cells past the last column hold nothing."""
    if len(row) < width:
        if not any("\n" in cell or "\r" in cell for cell in row):
            return None
        # A short row spanning lines: a quote opened and never closed took the lines after it into one cell (with
        # the file's last line end, when it ran to the end).
        last = line + sum(cell.rstrip("\r\n").count("\n") for cell in row)
        return True, (
            f"row skipped: a quoted cell opened in this row is never closed, so lines {line}-{last} were "
            f"read as one row of {len(row)} cells (the header has {width})"
        )
    extra = [cell.strip() for cell in row[width:] if cell.strip()]
    if not extra:
        return None
    shown = ", ".join(repr(cell[:40]) for cell in extra[:3]) + (", …" if len(extra) > 3 else "")
    return False, f"row has {len(row)} cells but the header {width}: the values past the last column ({shown}) ignored"


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
    handlers = _flat_handlers(header) if kind == OUTLOOK else []
    contacts: list[ContactDTO] = []
    # NetDesk's own layout holds whole photos (base64) and notes in a cell: it reads back whatever a vCard brought in.
    limit = field_size_limit(NETDESK_FIELD_LIMIT) if kind == NETDESK else contextlib.nullcontext()
    with limit:
        for line, row in _rows(text, delimiter):
            if isinstance(row, str):
                report.skip(name, line, f"row skipped: {row}")
                continue
            if len(row) != len(header):
                ragged = _ragged_row(row, len(header), line)
                if ragged is not None:
                    skipped, reason = ragged
                    if skipped:
                        report.skip(name, line, reason)
                        continue
                    report.error(name, line, reason)
            if any(_CELL_CONTROLS.search(cell) for cell in row):
                row = [_CELL_CONTROLS.sub("", cell) for cell in row]
                report.error(name, line, "control characters (NUL and the like) removed from the row")
            try:
                if kind == NETDESK:
                    contact = netdesk_row(header, row)
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


__all__ = ["detect_csv_kind", "parse_loose_date", "read_contact_csv"]
