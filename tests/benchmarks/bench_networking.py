"""Networking benchmark: due(), the reply-rate stats and introducers_for() latency on a large network, also right
after each kind of write (a logged message, a note marked sent, a favour, a rhythm, a snooze, a practice's record, an
import of a few cards), each reported on its own. Each figure is printed with its ratio to an
anchor measured in the same run (a full scan of the contacts table), so that runs on busy and quiet machines compare.

    python tests/benchmarks/bench_networking.py                       # 100,000 contacts, 1,000,000 interactions
    python tests/benchmarks/bench_networking.py --smoke               # tiny size, for CI
    python tests/benchmarks/bench_networking.py --contacts 20000 --interactions 200000

The database is built once per size with raw executemany inserts (the ORM would take many minutes for a million
interactions) and cached in the temp folder; the schema itself comes from the real migrations.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from common import bench_db_path, describe_size, median, percentile, record, report_line, time_calls

TARGET_MS = 100.0
DUE_TARGET_MS = 50.0  # due() and stats, p95 (README)
RECENT_CONNECTION_SHARE = 0.01  # connected within the last 60 days: the follow-up pipeline's material
PENDING_INVITATIONS = 300
JOB_CHANGE_SHARE = 0.01
ORG_COUNT_PER_1000 = 20  # organisations per thousand contacts: ~50 people each
KINDS = (
    ("message", 30),
    ("email", 25),
    ("meeting", 12),
    ("call", 12),
    ("event", 6),
    ("note", 5),
    ("favour_given", 1.5),
    ("favour_received", 1.5),
    ("introduction", 1),
    ("connected", 3),
)
TITLES = ("CEO", "CTO", "Engineer", "Designer", "Recruiter", "Investor", "Founder", "Product Manager")
TAGS = (("friend", 30), ("client", 60), ("mentor", 90), ("conference", None), ("alumni", None), ("hiring", None))
# A busy but plausible network: a few people with their own cadence, one in ten tagged (three tags carry a
# cadence), 3 % of interactions are favours and one promise in twenty is still open.
OWN_CADENCE_SHARE = 0.02
TAGGED_SHARE = 0.1
OPEN_PROMISE_SHARE = 0.05
DATA_VERSION = 7  # part of the cache file name: bump when the generated data changes
RELATIONSHIP_TYPES = ("knows", "colleague", "friend", "manager", "mentor")
# The practices (issue 15) a busy user keeps: introductions under way, a few contribution rhythms, communities.
OPEN_INTRODUCTIONS = 300
CLOSED_INTRODUCTIONS = 700
COMMUNITIES = 40
CONTRIBUTIONS = 400


def build_network_db(path: Path, contacts: int, interactions: int, seed: int = 11) -> None:
    """Fill a fresh database at ``path`` with an invented network (skipped when the cached file exists)."""
    from netdesk.services import open_netdesk

    if path.exists():
        return
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    open_netdesk(tmp).close()  # the real schema, through the migrations
    rng = random.Random(seed)
    today = date.today()
    now = datetime.combine(today, datetime.min.time())
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    orgs = [f"Org {n:05d} Ltd" for n in range(max(1, contacts * ORG_COUNT_PER_1000 // 1000))]

    contact_rows = []
    fts_rows = []
    for cid in range(1, contacts + 1):
        org = rng.choice(orgs)
        name = f"Person {cid:06d}"
        created = now - timedelta(days=rng.randint(0, 5 * 365), minutes=rng.randint(0, 1440))
        birthday = ""
        if rng.random() < 0.6:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            birthday = (
                f"--{month:02d}-{day:02d}" if rng.random() < 0.3 else f"{rng.randint(1950, 2000)}-{month:02d}-{day:02d}"
            )
        connected = (created.date() - timedelta(days=rng.randint(0, 30))) if rng.random() < 0.5 else None
        if rng.random() < RECENT_CONNECTION_SHARE:
            connected = today - timedelta(days=rng.randint(0, 60))
        contact_rows.append(
            (
                cid,
                f"bench-{cid}",
                "person",
                name,
                "Person",
                f"{cid:06d}",
                org,
                rng.choice(TITLES),
                birthday,
                name,
                name.casefold(),
                30 if rng.random() < OWN_CADENCE_SHARE else None,
                connected,
                "dismissed" if rng.random() < 0.02 else "",
                created,
                created,
            )
        )
        fts_rows.append((cid, f"{name}\n{org}"))
    conn.executemany(
        "INSERT INTO contacts (id, uid, kind, formatted_name, given_name, family_name, organization, title, birthday,"
        " display_name, sort_key, cadence_days, connected_on, followup_state, created_at, updated_at,"
        " prefix, additional_name, suffix, nickname, department, role, anniversary, gender, notes, photo_mime,"
        " photo_uri, extra_json, related_json, rev, tags_text)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'','','','','','','','','','','','','','','')",
        contact_rows,
    )
    conn.executemany("INSERT INTO contacts_fts(rowid, body) VALUES (?, ?)", fts_rows)

    conn.executemany(
        "INSERT INTO tags (id, name, name_folded, cadence_days) VALUES (?,?,?,?)",
        [(n + 1, name, name, cadence) for n, (name, cadence) in enumerate(TAGS)],
    )
    conn.executemany(
        "INSERT INTO contact_tags (contact_id, tag_id) VALUES (?,?)",
        [
            (cid, tag)
            for cid in range(1, contacts + 1)
            if rng.random() < TAGGED_SHARE
            for tag in rng.sample(range(1, len(TAGS) + 1), rng.randint(1, 2))
        ],
    )

    kinds, weights = zip(*KINDS, strict=True)
    interaction_rows = []
    participant_rows = []
    for iid in range(1, interactions + 1):
        kind = rng.choices(kinds, weights)[0]
        occurred = now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
        is_open = kind == "favour_given" and rng.random() < OPEN_PROMISE_SHARE
        interaction_rows.append(
            (
                iid,
                occurred,
                kind,
                rng.choice(("", "online", "in_person")),
                rng.choice(("in", "out")) if kind in ("message", "email") else "",
                f"{kind} {iid}",
                "",
                is_open,
                "",
                "",
                occurred,
            )
        )
        who = rng.sample(range(1, contacts + 1), 2 if rng.random() < 0.2 else 1)
        for cid in who:
            participant_rows.append((iid, cid, "participant"))
        if kind == "introduction":
            introducer = rng.randint(1, contacts)
            if introducer not in who:
                participant_rows.append((iid, introducer, "introducer"))
        if len(interaction_rows) >= 100_000:
            _flush_interactions(conn, interaction_rows, participant_rows)
    _flush_interactions(conn, interaction_rows, participant_rows)
    # People answer most messages: the last message or email with nine people in ten is the user's own.
    conn.execute(
        "WITH latest AS (SELECT p.contact_id, MAX(i.occurred_at) AS m FROM interaction_participants p"
        " JOIN interactions i ON i.id = p.interaction_id WHERE i.kind IN ('message', 'email') GROUP BY p.contact_id)"
        " UPDATE interactions SET direction = 'out' WHERE direction = 'in' AND id % 10 != 0 AND id IN"
        " (SELECT i.id FROM latest l JOIN interaction_participants p ON p.contact_id = l.contact_id"
        " JOIN interactions i ON i.id = p.interaction_id AND i.occurred_at = l.m)"
    )

    conn.executemany(
        "INSERT INTO invitations (name, profile_url, message, sent_at, status, source, external_id)"
        " VALUES (?, '', ?, ?, 'pending', 'linkedin', ?)",
        [
            (f"Inviter {n}", "Hello" if n % 2 else "", now - timedelta(days=rng.randint(0, 90)), f"bench-inv-{n}")
            for n in range(PENDING_INVITATIONS)
        ],
    )
    conn.executemany(
        "INSERT INTO contact_history (contact_id, field, old_value, new_value, changed_at, source)"
        " SELECT id, 'title', 'Former role', title, ?, 'linkedin' FROM contacts WHERE id = ?",
        [
            (now - timedelta(days=rng.randint(0, 60)), cid)
            for cid in range(1, contacts + 1)
            if rng.random() < JOB_CHANGE_SHARE
        ],
    )
    _add_practices(conn, rng, contacts, interactions, now)
    pairs = {tuple(sorted(rng.sample(range(1, contacts + 1), 2))) for _ in range(contacts * 2)}
    conn.executemany(
        "INSERT OR IGNORE INTO relationships (from_id, to_id, type, notes, created_at) VALUES (?,?,?,'',?)",
        [(a, b, rng.choice(RELATIONSHIP_TYPES), now) for a, b in pairs],
    )
    conn.commit()
    conn.close()
    # The exchange facts (last contact, replies owed, follow-up stage) as the app keeps them: computed once here by
    # the same code every write runs for the contacts it touches.
    from netdesk.services.exchanges import refresh_exchange_facts

    nd = open_netdesk(tmp)
    started = time.perf_counter()
    with nd.sessions.begin() as s:
        refresh_exchange_facts(s, range(1, contacts + 1))
    print(f"exchange facts of {contacts} contacts computed in {time.perf_counter() - started:.1f} s")
    with nd.engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    nd.close()
    tmp.rename(path)


def _add_practices(
    conn: sqlite3.Connection, rng: random.Random, contacts: int, interactions: int, now: datetime
) -> None:
    def day(back: int) -> str:
        return (now.date() - timedelta(days=back)).isoformat()

    intro_rows = []
    for n in range(OPEN_INTRODUCTIONS + CLOSED_INTRODUCTIONS):
        a, b, introducer = rng.sample(range(1, contacts + 1), 3)
        kind = "ask" if n % 2 else "make"
        asked = rng.randint(0, 200)
        moved = rng.randint(0, asked)
        closed = day(moved) if n >= OPEN_INTRODUCTIONS else None
        intro_rows.append(
            (
                kind,
                "closed" if closed else "asked",
                introducer if kind == "ask" else None,
                a,
                b,
                day(asked),
                closed,
                day(moved),
                now,
            )
        )
    conn.executemany(
        "INSERT INTO introductions (kind, state, introducer_id, a_id, b_id, target_text, reason, outcome, asked_on,"
        " closed_on, moved_on, created_at) VALUES (?,?,?,?,?,'','','',?,?,?,?)",
        intro_rows,
    )
    conn.executemany(
        "INSERT INTO contribution_rhythms (kind, every_days) VALUES (?, ?)",
        [("post", 7), ("article", 30), ("talk", 90)],
    )
    conn.executemany(
        "INSERT INTO communities (name, name_folded, kind, link, role, rhythm_count, rhythm_days, rhythm_what, notes,"
        " created_at) VALUES (?, ?, 'community', '', '', ?, 30, 'post', '', ?)",
        [
            (f"Community {n}", f"community {n}", 2 if n % 2 else None, now - timedelta(days=400))
            for n in range(COMMUNITIES)
        ],
    )
    conn.executemany(
        "INSERT INTO contributions (kind, title, link, occurred_on, notes, community_id, created_at)"
        " VALUES (?, ?, '', ?, '', ?, ?)",
        [
            (
                rng.choice(("post", "article", "talk", "answer")),
                f"Contribution {n}",
                day(rng.randint(0, 365)),
                rng.randint(1, COMMUNITIES) if n % 3 == 0 else None,
                now,
            )
            for n in range(CONTRIBUTIONS)
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO community_interactions (interaction_id, community_id) VALUES (?, ?)",
        [(rng.randint(1, interactions), rng.randint(1, COMMUNITIES)) for _ in range(COMMUNITIES * 25)],
    )


def _flush_interactions(conn: sqlite3.Connection, interaction_rows: list, participant_rows: list) -> None:
    conn.executemany(
        "INSERT INTO interactions (id, occurred_at, kind, channel, direction, summary, notes, is_open, source,"
        " external_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        interaction_rows,
    )
    conn.executemany(
        "INSERT INTO interaction_participants (interaction_id, contact_id, role) VALUES (?,?,?)", participant_rows
    )
    interaction_rows.clear()
    participant_rows.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    args = parser.parse_args(argv)
    contacts, interactions, repeats = (500, 5000, 3) if args.smoke else (args.contacts, args.interactions, args.repeats)

    from netdesk.core.model import Direction, InteractionDTO, InteractionKind, Participant
    from netdesk.core.practices import ContributionKind
    from netdesk.services import open_netdesk
    from netdesk.services.contributions import ContributionDTO
    from netdesk.services.importing import ImportService
    from netdesk.services.networking import NetworkingService

    path = bench_db_path(f"networking-v{DATA_VERSION}-{contacts}-{interactions}.sqlite3")
    started = time.perf_counter()
    build_network_db(path, contacts, interactions)
    print(f"database {path} ready in {time.perf_counter() - started:.1f} s")

    nd = open_netdesk(path)
    networking = NetworkingService(nd.sessions)
    rng = random.Random(5)
    due_items = networking.due()
    gc.freeze()  # as the app does once start-up is done (ui/main_window.py): full collections skip what it built
    kinds: dict[str, int] = {}
    for item in due_items:
        kinds[item.kind.value] = kinds.get(item.kind.value, 0) + 1
    print(f"due(): {len(due_items)} items ({', '.join(f'{k} {n}' for k, n in kinds.items())})")

    with nd.engine.connect() as c:
        counted = c.exec_driver_sql("SELECT (SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM interactions)").one()
    assert tuple(counted) == (contacts, interactions), f"benchmark size is {tuple(counted)}"
    describe_size(f"{contacts:,} contacts, {interactions:,} interactions")

    def anchor() -> None:
        with nd.engine.connect() as c:
            c.exec_driver_sql("SELECT COUNT(*), MAX(sort_key) FROM contacts").one()

    anchor_ms = median([t * 1000 for t in time_calls(anchor, repeats)])
    print(report_line("anchor (full scan of contacts) median", anchor_ms, "ms"))

    def stats() -> object:
        return nd.followups.stats(None, 12)

    due_times = [t * 1000 for t in time_calls(networking.due, repeats)]
    stats_times = [t * 1000 for t in time_calls(stats, repeats)]
    print(f"stats: {stats()}")
    # Right after each kind of write the app makes, made as the app makes it (recorded for undo) and undone after the
    # measure, so that the cached database stays as built. due() reads again only what the write touched.
    cold_times: list[float] = []
    cold_stats: list[float] = []
    by_write: dict[str, list[float]] = {}
    cards = Path(tempfile.mkdtemp(prefix="netdesk-bench-cards-")) / "few.vcf"
    importer = ImportService(nd.sessions)  # without the app's backup before a file import (a 300 MB copy)

    def message(cid: int) -> object:
        return nd.timeline.log(
            InteractionDTO(
                datetime.now(), InteractionKind.MESSAGE, direction=Direction.IN, participants=(Participant(cid),)
            )
        )

    def note(cid: int) -> object:
        return nd.followups.note_sent(cid, "Thanks for connecting")

    def favour(cid: int) -> object:
        return nd.timeline.log(
            InteractionDTO(datetime.now(), InteractionKind.FAVOUR_RECEIVED, participants=(Participant(cid),))
        )

    def rhythm(cid: int) -> object:
        return networking.set_contact_cadence(cid, 14)

    def snooze(cid: int) -> object:
        return networking.snooze(cid, date.today() + timedelta(days=1))

    def practice(cid: int) -> object:
        return nd.contributions.save(ContributionDTO(ContributionKind.POST, f"Post {cid}", date.today()))

    def import_cards(cid: int) -> object:
        cards.write_text(
            "".join(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-card-{cid}-{n}\r\nFN:Card {cid} {n}\r\nN:{n};Card;;;\r\n"
                f"ORG:Org {n:05d} Ltd\r\nEMAIL:card{cid}.{n}@example.org\r\nBDAY:1990-{1 + n:02d}-15\r\nEND:VCARD\r\n"
                for n in range(3)
            ),
            encoding="utf-8",
        )
        return importer.import_paths([cards])

    writes = (message, note, favour, rhythm, snooze, practice, import_cards)
    for n in range(max(2, repeats)):
        for write in writes:
            with nd.undo.recording() as rec:
                written = write(1 + (n * 37) % contacts)
            start = time.perf_counter()
            networking.due()
            cold_times.append((time.perf_counter() - start) * 1000)
            by_write.setdefault(write.__name__, []).append(cold_times[-1])
            start = time.perf_counter()
            stats()
            cold_stats.append((time.perf_counter() - start) * 1000)
            nd.undo.undo(rec.step(written.changes))  # type: ignore[attr-defined]
    assert networking.due() == due_items, "the writes were not all undone"
    targets = [rng.randint(1, contacts) for _ in range(repeats)]
    intro_times = []
    paths_found = 0
    for target in targets:
        start = time.perf_counter()
        paths_found += len(networking.introducers_for(target_contact_id=target))
        intro_times.append((time.perf_counter() - start) * 1000)
    org_times = []
    for target in targets:
        start = time.perf_counter()
        networking.introducers_for(organization=f"ORG {target % max(1, contacts * ORG_COUNT_PER_1000 // 1000):05d} ltd")
        org_times.append((time.perf_counter() - start) * 1000)
    nd.close()

    target = None if args.smoke else TARGET_MS
    due_target = None if args.smoke else DUE_TARGET_MS
    anchor_name = "full scan of the contacts table"
    for label, times in (
        ("due()", due_times),
        ("stats", stats_times),
        ("due() right after a write", cold_times),
        ("stats right after a write", cold_stats),
    ):
        print(report_line(f"{label} median", median(times), "ms"))
        record(
            f"{label} p95", percentile(times, 95), "ms", anchor=anchor_name, anchor_value=anchor_ms, target=due_target
        )
    for name, times in by_write.items():
        record(
            f"due() right after {name.replace('_', ' ')} p95",
            percentile(times, 95),
            "ms",
            anchor=anchor_name,
            anchor_value=anchor_ms,
            target=due_target,
        )
    print(report_line("introducers_for(person) median", median(intro_times), "ms", target))
    print(report_line("introducers_for(person) p95", percentile(intro_times, 95), "ms", target))
    print(report_line("introducers_for(organization) median", median(org_times), "ms", target))
    print(report_line("introducers_for(organization) p95", percentile(org_times, 95), "ms", target))
    print(f"(introducers_for found {paths_found / len(targets):.1f} paths per person on average)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
