"""Dates as LinkedIn exports write them: "Connected On" in Connections.csv, message and invitation times.

Each form LinkedIn used over the years is accepted; the usual ones are read by hand, since strptime costs some forty
times as much and an export holds tens of thousands of dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%b-%Y", "%Y/%m/%d")


@lru_cache(maxsize=8192)
def parse_connected_on(text: str) -> date | None:
    """Parse a "Connected On" value; None when it is not a date. Accepts the forms LinkedIn used over the years."""
    value = text.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 and value[4] == "-" else _parse_other_date(value)
    except ValueError:
        return None


_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def _parse_day_month_year(value: str) -> date | None:
    """The usual "15 Mar 2021" without strptime, which costs forty times as much; None for any other form."""
    day, _, rest = value.partition(" ")
    month, _, year = rest.partition(" ")
    if len(month) == 3 and len(day) <= 2 and len(year) == 4 and day.isdecimal() and year.isdecimal():
        number = _MONTHS.get(month.casefold())
        if number is not None:
            return date(int(year), number, int(day))
    return None


def _full_year(year: int) -> int:
    """A two-digit year ("3/15/18", "15.03.21") is this century's."""
    return year + 2000 if year < 100 else year


def _parse_other_date(value: str) -> date | None:
    quick = _parse_day_month_year(value)
    if quick is not None:
        return quick
    if "/" in value and value.replace("/", "").isdigit():
        if len(value.partition("/")[0]) == 4:  # year first: "2021/03/15"
            year, month, day = (int(p) for p in value.split("/"))
            return date(year, month, day)
        first, second, year = (int(p) for p in value.split("/"))
        # LinkedIn writes month first; a first number above 12 can only be a day.
        month, day = (second, first) if first > 12 else (first, second)
        return date(_full_year(year), month, day)
    if value.count(".") == 2 and value.replace(".", "").isdigit():  # saved again by Excel in Europe: 15.03.2021
        day, month, year = (int(p) for p in value.split("."))
        return date(_full_year(year), month, day)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    with_time = parse_invitation_date(value) if "," in value else None  # 2017-2018: "3/15/18, 10:00 AM"
    return with_time.date() if with_time is not None else None


# The usual message date, its time of day in the range every version of fromisoformat reads as written.
_USUAL_MESSAGE_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC")


def read_message_date(text: str) -> tuple[datetime | None, str]:
    """parse_message_date(text), with the text "2023-05-02 14:03:11" when it is the usual "2023-05-02 14:03:11 UTC"
    (else ""): the datetime's isoformat with a space, less "+00:00", since its fields are as written, zero-padded."""
    if _USUAL_MESSAGE_DATE.fullmatch(text):
        try:
            return datetime.fromisoformat(text[:19] + "+00:00"), text[:19]  # parse_message_date's usual case
        except ValueError:
            return None, ""
    return parse_message_date(text), ""


def parse_message_date(text: str) -> datetime | None:
    value = text.strip()
    if len(value) == 23 and value.endswith(" UTC"):  # the usual "2023-05-02 14:03:11 UTC": one C call
        try:
            return datetime.fromisoformat(value[:19] + "+00:00")
        except ValueError:
            return None
    if value.endswith(" UTC"):
        value = value[:-4]
    elif value.endswith("Z"):
        value = value[:-1]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        # Messages.csv of 2017-2018: "3/16/18, 2:03 PM", with no time zone (taken as UTC, as the later files state).
        us = parse_invitation_date(value) if "/" in value else None
        return us.replace(tzinfo=UTC) if us is not None else None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


_INVITATION_FORMATS = ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y, %H:%M", "%m/%d/%Y, %H:%M")
_US_DATE_TIME = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{2}|[0-9]{4}), ([0-9]{1,2}):([0-5][0-9])(?: ([AaPp])[Mm])?"
)


@lru_cache(maxsize=65536)
def parse_invitation_date(text: str) -> datetime | None:
    # Newer exports put a narrow no-break space before AM/PM.
    value = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    if not value:
        return None
    quick = _parse_us_date_time(value)
    if quick is not None:
        return quick
    for fmt in _INVITATION_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value.removesuffix(" UTC"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is not None else parsed


def _parse_us_date_time(value: str) -> datetime | None:
    """ "5/2/23, 2:03 PM" or "5/2/2023, 14:03" read as strptime reads them with the formats above, at a fortieth of
    its cost (each invitation's minute is a different one); None when in doubt, and strptime decides."""
    found = _US_DATE_TIME.fullmatch(value)
    if found is None:
        return None
    month, day, year_text, hour_text, minute, half = found.groups()
    year = int(year_text)
    if len(year_text) == 2:
        year += 1900 if year >= 69 else 2000  # as strptime's %y
    hour = int(hour_text)
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in "Pp" else 0)
    try:
        return datetime(year, int(month), int(day), hour, int(minute))
    except ValueError:
        return None
