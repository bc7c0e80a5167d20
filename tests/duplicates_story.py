"""An old phone's address book and a LinkedIn export with people in both, written a little differently: what the
duplicates review is for (issue 13).

- "Bob Smith" (phone) is "Robert Smith" at Acme on LinkedIn: similar names, to merge.
- "Jon Baker" (phone) and "Jonathan Baker" (LinkedIn) are two people (father and son): to keep apart.
- "Priya R." (phone) is "Priya Raman" on LinkedIn: a family name written as its initial.
- "Mia Chen" is only in the phone; "Lena Fox" only on LinkedIn.
- "Robert Smith" also messaged the owner, so a merge has an interaction to carry over.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from networking_story import _csv

PHONE_BOOK = """BEGIN:VCARD
VERSION:2.1
N:Smith;Bob;;;
FN:Bob Smith
TEL;CELL:+44 7700 900123
EMAIL;INTERNET:bob@smith-family.example
BDAY:1980-02-03
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Baker;Jon;;;
FN:Jon Baker
TEL;HOME:+44 20 7946 0456
END:VCARD
BEGIN:VCARD
VERSION:2.1
N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:R.;Priya;;;
FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Priya R.
TEL;CELL:+44 7700 900789
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Chen;Mia;;;
FN:Mia Chen
TEL;CELL:+44 7700 900999
END:VCARD
"""

OWNER = ("Sam Owner", "https://www.linkedin.com/in/sam-owner")
CONNECTIONS = [
    ("Robert", "Smith", "https://www.linkedin.com/in/robert-smith", "", "Acme", "Engineer", "02 Oct 2025"),
    ("Jonathan", "Baker", "https://www.linkedin.com/in/jonathan-baker", "", "Initech", "Analyst", "03 Oct 2025"),
    ("Priya", "Raman", "https://www.linkedin.com/in/priya-raman", "", "Globex", "CTO", "04 Oct 2025"),
    ("Lena", "Fox", "https://www.linkedin.com/in/lena-fox", "", "Umbrella", "Data Scientist", "05 Oct 2025"),
]


def phone_book(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "old-phone.vcf"
    target.write_text(PHONE_BOOK.replace("\n", "\r\n"), encoding="utf-8")
    return target


def linkedin_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "Basic_LinkedInDataExport.zip"
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    notes = 'Notes:\n"When exporting your connection data, some of the email addresses may be missing."\n\n'
    messages = [
        ["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO", "RECIPIENT PROFILE URLS",
         "DATE", "SUBJECT", "CONTENT", "FOLDER"],
        ["c-rob", "", "Robert Smith", CONNECTIONS[0][2], OWNER[0], OWNER[1], "2025-10-06 09:00:00 UTC", "",
         "Good to see you at the reunion, Sam!", "INBOX"],
        ["c-rob", "", OWNER[0], OWNER[1], "Robert Smith", CONNECTIONS[0][2], "2025-10-06 10:00:00 UTC", "",
         "You too, Bob.", "INBOX"],
    ]  # fmt: skip
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("Connections.csv", _csv([header, *[list(c) for c in CONNECTIONS]], notes))
        z.writestr("messages.csv", _csv(messages))
    return target
