"""A LinkedIn export and an old phone address book, built in the test, that the networking-aids tests read.

The people (Sam Owner is the account owner, never a contact):

- Priya Raman, connected 2 Oct 2025: Sam's note on 3 Oct, her reply on 5 Oct. The later export has her at Initech as CTO
  (she was VP Engineering at Globex) and Sam's answer on 7 Oct.
- Marcus Webb, connected 1 Oct 2025: Sam's invitation carried a note (30 Sep); he wrote back on 2 Oct.
- Lena Fox, connected 4 Oct 2025 after a bare invitation: nobody has written (a message dated 2031 is bad input; Sam's
  note of 5 Oct is a draft he never sent).
- Gil Group wrote to a group thread with Sam and Otto Old on 20 Sep 2025; Otto (connected 2019) never wrote. In the
  later export Sam writes to Gil (connected in January 2024) on 7 Oct: no personal note to a new connection.
- Dana Whitfield invited Sam on 4 Oct 2025 with a note; she is not a connection.
- Zed Unknown wrote to Sam but matches nobody; a message dated 1985 is bad input.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

STORY_DAY = date(2025, 10, 6)  # the day the tests look at the record (a story may be moved to another day)

OWNER = ("Sam Owner", "https://www.linkedin.com/in/sam-owner")
PRIYA = ("Priya Raman", "https://www.linkedin.com/in/priya-raman")
MARCUS = ("Marcus Webb", "https://www.linkedin.com/in/marcus-webb")
LENA = ("Lena Fox", "https://www.linkedin.com/in/lena-fox")
GIL = ("Gil Group", "https://www.linkedin.com/in/gil-group")
OTTO = ("Otto Old", "https://www.linkedin.com/in/otto-old")
ZED = ("Zed Unknown", "https://www.linkedin.com/in/zed-unknown")
DANA = ("Dana Whitfield", "https://www.linkedin.com/in/dana-whitfield")

_CONNECTIONS = [
    (PRIYA, "Globex", "VP Engineering", date(2025, 10, 2)),
    (MARCUS, "Initrode", "Design Lead", date(2025, 10, 1)),
    (LENA, "Umbrella", "Data Scientist", date(2025, 10, 4)),
    (GIL, "Hooli", "Staff Engineer", date(2024, 1, 10)),
    (OTTO, "Vandelay", "Importer", date(2019, 3, 15)),
]


def _csv(rows: list[list[str]], preamble: str = "") -> str:
    out = io.StringIO()
    out.write(preamble)
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _connections(job_change: bool, shift: timedelta) -> str:
    rows = [["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]]
    for (name, url), company, position, connected in _CONNECTIONS:
        if job_change and name == PRIYA[0]:
            company, position = "Initech", "CTO"
        first, last = name.split(" ", 1)
        rows.append([first, last, url, "", company, position, f"{connected + shift:%d %b %Y}"])
    notes = 'Notes:\n"When exporting your connection data, some of the email addresses may be missing."\n\n'
    return _csv(rows, notes)


def _message(
    conv: str, title: str, sender: tuple[str, str], to: list[tuple[str, str]], when: str, text: str, draft: bool = False
) -> list[str]:
    moment = datetime.fromisoformat(when)
    if 1990 < moment.year < 2030:  # the implausible dates stay implausible wherever the story is moved
        moment += _SHIFT[0]
    return [
        conv,
        title,
        sender[0],
        sender[1],
        ", ".join(n for n, _ in to),
        ", ".join(u for _, u in to),
        f"{moment:%Y-%m-%d %H:%M:%S} UTC",
        "",
        text,
        "DRAFT" if draft else "INBOX",
        "",
        "Yes" if draft else "No",
        "Yes" if draft else "No",
    ]


_SHIFT = [timedelta(0)]


def _messages(later: bool) -> str:
    header = ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
              "DATE", "SUBJECT", "CONTENT", "FOLDER", "ATTACHMENTS", "IS MESSAGE DRAFT",
              "IS CONVERSATION DRAFT"]  # fmt: skip
    rows = [
        header,
        _message("c-priya", "", OWNER, [PRIYA], "2025-10-03 09:00:00", "Priya, great to meet you at the meetup."),
        _message("c-priya", "", PRIYA, [OWNER], "2025-10-05 10:30:00", "Thanks Sam! Coffee next week?"),
        _message("c-marcus", "", MARCUS, [OWNER], "2025-10-02 08:15:00", "Thanks for the kind words, Sam."),
        _message("c-group", "Meetup speakers", GIL, [OWNER, OTTO], "2025-09-20 18:00:00", "Slides are up."),
        _message("c-zed", "", ZED, [OWNER], "2025-10-04 12:00:00", "Buy my course"),
        _message("c-old", "", PRIYA, [OWNER], "1985-06-01 12:00:00", "A message from before LinkedIn"),
        _message("c-lena", "", OWNER, [LENA], "2031-01-01 12:00:00", "A note from the future"),
        _message("c-lena2", "", OWNER, [LENA], "2025-10-05 21:00:00", "Hi Lena, welcome to", draft=True),
    ]
    if later:
        rows.append(_message("c-priya", "", OWNER, [PRIYA], "2025-10-07 09:00:00", "Yes! Thursday works."))
        rows.append(_message("c-gil", "", OWNER, [GIL], "2025-10-07 11:00:00", "Gil, your slides helped a lot."))
    return _csv(rows)


def _invitations(shift: timedelta) -> str:
    def sent(day: date, hour: int) -> str:
        moment = datetime.combine(day + shift, datetime.min.time()).replace(hour=hour)
        return f"{moment:%m/%d/%y, %I:%M %p}"

    rows = [
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"],
        [OWNER[0], MARCUS[0], sent(date(2025, 9, 30), 10), "Hi Marcus, loved your talk on design systems.", "OUTGOING",
         OWNER[1], MARCUS[1]],
        [OWNER[0], LENA[0], sent(date(2025, 10, 3), 9), "", "OUTGOING", OWNER[1], LENA[1]],
        [DANA[0], OWNER[0], sent(date(2025, 10, 4), 15), "Hello Sam, we met at the data meetup.", "INCOMING", DANA[1],
         OWNER[1]],
    ]  # fmt: skip
    return _csv(rows)


def linkedin_export(folder: Path, later: bool = False, day: date = STORY_DAY) -> Path:
    """The export ZIP as LinkedIn sends it; ``later`` is a second export a few days on (Priya's new job, Sam's
    answer). ``day`` moves every plausible date so that STORY_DAY falls on it (a GUI story runs on today)."""
    shift = day - STORY_DAY
    _SHIFT[0] = shift
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("Basic_LinkedInDataExport_later.zip" if later else "Basic_LinkedInDataExport.zip")
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("Connections.csv", _connections(later, shift))
        z.writestr("messages.csv", _messages(later))
        z.writestr("Invitations.csv", _invitations(shift))
    return target


ADDRESS_BOOK = """BEGIN:VCARD
VERSION:2.1
N:;Mum;;;
FN:Mum
TEL;HOME;VOICE:+44 20 7946 0001
END:VCARD
BEGIN:VCARD
VERSION:2.1
N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Kim;Alex;;;
FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Alex Kim
TEL;CELL:+44 7700 900001
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Kim;Alex;;;
FN:Alex Kim
ORG:Acme
TEL;TYPE=WORK:+44 7700 900002
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Builder;Bob;;Dr.;
FN:Dr. Bob Builder
ORG:Builders Ltd
TEL;WORK:+44 161 496 0000
END:VCARD
"""


def address_book(folder: Path) -> Path:
    """An old phone's address book: vCard 2.1 and 3.0 cards, two people called Alex Kim."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "phone-contacts.vcf"
    target.write_text(ADDRESS_BOOK.replace("\n", "\r\n"), encoding="utf-8")
    return target
