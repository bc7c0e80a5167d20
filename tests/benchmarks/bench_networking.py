"""Networking benchmark: due(), the reply-rate stats and introducers_for() latency on a large network, also right
after writes (a logged message, a note marked sent, a snooze, a favour). Each figure is printed with its ratio to an
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
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from common import bench_db_path, median, percentile, report_line, time_calls

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
DATA_VERSION = 5  # part of the cache file name: bump when the generated data changes
RELATIONSHIP_TYPES = ("knows", "colleague", "friend", "manager", "mentor")


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
    last_contacted: dict[int, datetime] = {}
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
            if occurred > last_contacted.get(cid, datetime.min):
                last_contacted[cid] = occurred
        if kind == "introduction":
            introducer = rng.randint(1, contacts)
            if introducer not in who:
                participant_rows.append((iid, introducer, "introducer"))
        if len(interaction_rows) >= 100_000:
            _flush_interactions(conn, interaction_rows, participant_rows)
    _flush_interactions(conn, interaction_rows, participant_rows)
    conn.executemany(
        "UPDATE contacts SET last_contacted = ? WHERE id = ?", [(when, cid) for cid, when in last_contacted.items()]
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
    from netdesk.services import open_netdesk
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
    # Right after writes: a snooze, a message logged (exchange facts refreshed for that contact), a note marked sent
    # (the pipeline moves), and a favour (only this one makes the favour facts be computed again).
    cold_times: list[float] = []
    cold_stats: list[float] = []

    def after(write: Callable[[int], Callable[[], object]]) -> None:
        for n in range(max(1, repeats // 4)):
            undo = write(1 + n)
            start = time.perf_counter()
            networking.due()
            cold_times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            stats()
            cold_stats.append((time.perf_counter() - start) * 1000)
            undo()

    def snooze(cid: int) -> Callable[[], object]:
        networking.snooze(cid, date.today() + timedelta(days=1))
        return lambda: networking.snooze(cid, None)

    def message(cid: int) -> Callable[[], object]:
        logged = nd.timeline.log(
            InteractionDTO(
                datetime.now(), InteractionKind.MESSAGE, direction=Direction.IN, participants=(Participant(cid),)
            )
        ).value
        return lambda: nd.timeline.delete(logged.id or 0)

    def note(cid: int) -> Callable[[], object]:
        written = nd.followups.note_sent(cid, "Thanks for connecting")
        return lambda: [nd.timeline.delete(i) for i in written.changes.interactions]

    def favour(cid: int) -> Callable[[], object]:
        logged = nd.timeline.log(
            InteractionDTO(datetime.now(), InteractionKind.FAVOUR_RECEIVED, participants=(Participant(cid),))
        ).value
        return lambda: nd.timeline.delete(logged.id or 0)

    for write in (snooze, message, note, favour):
        after(write)
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
    for label, times in (
        ("due()", due_times),
        ("stats", stats_times),
        ("due() right after a write", cold_times),
        ("stats right after a write", cold_stats),
    ):
        p95 = percentile(times, 95)
        print(report_line(f"{label} median", median(times), "ms"))
        print(report_line(f"{label} p95", p95, "ms", due_target) + f"  ({p95 / anchor_ms:.1f}x anchor)")
    print(report_line("introducers_for(person) median", median(intro_times), "ms", target))
    print(report_line("introducers_for(person) p95", percentile(intro_times, 95), "ms", target))
    print(report_line("introducers_for(organization) median", median(org_times), "ms", target))
    print(report_line("introducers_for(organization) p95", percentile(org_times, 95), "ms", target))
    print(f"(introducers_for found {paths_found / len(targets):.1f} paths per person on average)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
