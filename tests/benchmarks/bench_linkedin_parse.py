"""Time the LinkedIn export reader on a generated export of realistic size.

    python tests/benchmarks/bench_linkedin_parse.py --connections 30000 --messages 50000 [--repeat 3]

Writes Connections.csv (with the "Notes:" preamble, quoted commas and multi-line cells), messages.csv and
Invitations.csv into a ZIP shaped like LinkedIn's download, then times ``read_linkedin`` on it. The target is well
under 2 s for 30,000 connections plus 50,000 messages.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netdesk.io.linkedin import read_linkedin
from netdesk.io.report import ImportReport

GIVEN = ["Ada", "Grace", "Linus", "Margaret", "Émile", "Søren", "Zoë", "José", "Yuki", "Olu", "Priya", "Chen"]
FAMILY = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Durkheim", "Müller", "García", "Tanaka", "O'Neil"]
COMPANIES = ["Analytical Engines Ltd", "Navy Research", "Kernel Org", "Apollo Software", "Acme, Inc.", "Ruiz & Co"]
POSITIONS = ["Engineer", "Head of Sales, EMEA", 'Chief "Fun" Officer', "Founder 🚀", "Analyst\nPart-time"]
OWNER = ("Maren Olsen", "https://www.linkedin.com/in/maren-olsen-bench")
NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing.\n'
    'Invented text for the benchmark."\n\n'
)


def _syllables(n: int) -> str:
    """A unique pronounceable suffix per number, so that every generated connection is a different person."""
    parts = []
    for _ in range(3):
        n, r = divmod(n, 40)
        parts.append("bcdfghklmnprstvz"[r % 16] + "aeiou"[r % 5])
    return "".join(parts).capitalize()


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def make_export(folder: Path, connections: int, messages: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    people = []
    conn_rows = []
    start = datetime(2015, 1, 1)
    for i in range(connections):
        given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)}-{_syllables(i)}"
        slug = f"{given}-{family}".lower().replace("'", "")
        url = f"https://www.linkedin.com/in/{slug}-{i:06d}"
        people.append((f"{given} {family}", url))
        email = f"{given.lower()}.{i}@example.org" if rng.random() < 0.05 else ""
        connected = (start + timedelta(days=rng.randrange(3000))).strftime("%d %b %Y")
        conn_rows.append([given, family, url, email, rng.choice(COMPANIES), rng.choice(POSITIONS), connected])
    connections_csv = NOTES + _csv_text(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"], conn_rows
    )
    msg_rows = []
    for i in range(messages):
        other_name, other_url = rng.choice(people) if people else ("Someone Else", "https://www.linkedin.com/in/x")
        outgoing = rng.random() < 0.5
        sender, recipient = (OWNER, (other_name, other_url)) if outgoing else ((other_name, other_url), OWNER)
        sent = (start + timedelta(seconds=rng.randrange(300_000_000))).strftime("%Y-%m-%d %H:%M:%S UTC")
        body = "Hi, thanks for connecting!\nLet's talk next week." if i % 3 else "Quick question about the role."
        msg_rows.append(
            [f"2-conv-{other_url[-6:]}", "", sender[0], sender[1], recipient[0], recipient[1], sent, "", body, "INBOX"]
        )
    messages_csv = _csv_text(
        [
            "CONVERSATION ID",
            "CONVERSATION TITLE",
            "FROM",
            "SENDER PROFILE URL",
            "TO",
            "RECIPIENT PROFILE URLS",
            "DATE",
            "SUBJECT",
            "CONTENT",
            "FOLDER",
        ],
        msg_rows,
    )
    inv_rows = []
    for name, url in people[: min(len(people), 2000)]:
        sent = (start + timedelta(minutes=rng.randrange(4_000_000))).strftime("%m/%d/%y, %I:%M %p")
        inv_rows.append([OWNER[0], name, sent, "", "OUTGOING", OWNER[1], url])
    invitations_csv = _csv_text(
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"], inv_rows
    )
    target = folder / "Basic_LinkedInDataExport_01-02-2025.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Connections.csv", connections_csv)
        archive.writestr("messages.csv", messages_csv)
        archive.writestr("Invitations.csv", invitations_csv)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args()
    if args.smoke:
        args.connections, args.messages, args.repeat = 100, 200, 1
    with tempfile.TemporaryDirectory() as tmp:
        export = make_export(Path(tmp), args.connections, args.messages)
        times = []
        for _ in range(args.repeat):
            report = ImportReport()
            t0 = time.perf_counter()
            data = read_linkedin([export], report)
            times.append(time.perf_counter() - t0)
        print(
            f"read_linkedin: {len(data.connections)} connections, {len(data.messages)} messages, "
            f"{len(data.invitations)} invitations, owner {data.owner_name!r}, {len(report.errors)} problems"
        )
        # The first run is the honest one: later runs profit from the warm parsing caches.
        print(f"first run {times[0]:.3f} s, best {min(times):.3f} s over {args.repeat} run(s)")


if __name__ == "__main__":
    main()
