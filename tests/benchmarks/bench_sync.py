"""First CardDAV sync of an address book from a local Radicale: NetDesk against vdirsyncer, side by side in one run.

Both sync the same book on the same server (started here on 127.0.0.1, its data in memory when /dev/shm exists):
NetDesk into a fresh database, vdirsyncer into a vdir (its filesystem storage). The server's caches are warmed
first so that neither pays Radicale's one-off work. Then NetDesk syncs again with nothing changed, a few times;
its anchor is the time the server took to answer within that same sync (Radicale reads every card of the book to
answer even the one small request such a sync makes), so the ratio shows what NetDesk adds to the server's part.

Targets (issue 18): first sync no slower than vdirsyncer (ratio <= 1); a no-change sync <= 1 s at 10,000 cards.

    python tests/benchmarks/bench_sync.py [--cards 10000] [--smoke]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: carddav_servers
sys.path.insert(0, str(HERE.parents[1]))  # the repository: netdesk

import carddav_servers as servers  # noqa: E402
import httpx  # noqa: E402
from common import describe_size, record  # noqa: E402

from netdesk.services import open_netdesk  # noqa: E402
from netdesk.sync.dav import DavClient, RetryPolicy, ssl_context_for  # noqa: E402

ROUNDS = 2
NO_CHANGE_REPEATS = 3  # per round: a sync with nothing to do takes about a second


class TimedTransport(httpx.BaseTransport):
    """httpx's own transport, counting the requests and the seconds spent waiting for the server's answers."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport(verify=ssl_context_for(""))  # the context NetDesk's own client uses
        self.requests = 0
        self.seconds = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = self.inner.handle_request(request)
        response.read()
        self.seconds += time.perf_counter() - start
        self.requests += 1
        return response

    def close(self) -> None:
        self.inner.close()


def no_change_sync(nd: object) -> tuple[float, float, int]:
    """(seconds of a sync with nothing to do, seconds of it spent waiting for the server, requests it made)."""
    transport = TimedTransport()
    nd.sync.client = lambda url, user, password, pem="": DavClient(  # type: ignore[attr-defined]
        url, user, password, certificate_pem=pem, transport=transport
    )
    start = time.perf_counter()
    again = nd.sync.sync("bench", servers.PASSWORD).value  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    assert (again.pulled, again.pushed) == (0, 0)
    return elapsed, transport.seconds, transport.requests


GIVEN = "Ada Grace Alan Edsger Barbara Donald Frances Margaret Linus Radia Ken Dennis Katherine Tim Vint Hedy".split()
FAMILY = "Lovelace Hopper Turing Dijkstra Liskov Knuth Allen Hamilton Torvalds Perlman Thompson Ritchie Johnson".split()


def make_cards(count: int) -> str:
    rnd = random.Random(18)
    cards = []
    for n in range(count):
        given, family = rnd.choice(GIVEN), rnd.choice(FAMILY)
        cards.append(
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"UID:bench-{n}\r\nFN:{given} {family} {n}\r\nN:{family};{given};;;\r\n"
            f"EMAIL;TYPE=WORK:{given.lower()}.{family.lower()}{n}@example.org\r\n"
            f"TEL;TYPE=CELL:+44 7700 {n % 1000000:06d}\r\n"
            f"ORG:{rnd.choice(FAMILY)} Labs\r\nTITLE:Engineer\r\n"
            f"ADR;TYPE=HOME:;;{n} Analytical Street;London;;N1 {n % 10}AA;UK\r\n"
            f"NOTE:Met at conference {n % 50}\r\nCATEGORIES:bench,group{n % 7}\r\n"
            f"item1.URL:https://example.org/{n}\r\nitem1.X-ABLabel:site\r\nX-PHONE-ONLY:{n}\r\n"
            "END:VCARD\r\n"
        )
    return "".join(cards)


def vdirsyncer_first_sync(folder: Path, book_url: str) -> tuple[float, int]:
    """Seconds of `vdirsyncer sync` (after its `discover`), and the number of .vcf files it wrote."""
    exe = shutil.which("vdirsyncer", path=str(Path(sys.executable).parent)) or shutil.which("vdirsyncer")
    if exe is None:
        raise SystemExit("vdirsyncer is not installed (pip install -e '.[test]')")
    vdir = folder / "vdir"
    vdir.mkdir(parents=True)
    config = folder / "config"
    config.write_text(
        "[general]\n"
        f'status_path = "{folder / "status"}/"\n\n'
        "[pair book]\n"
        'a = "local"\nb = "remote"\ncollections = null\nconflict_resolution = "b wins"\n\n'
        "[storage local]\n"
        f'type = "filesystem"\npath = "{vdir}/"\nfileext = ".vcf"\n\n'
        "[storage remote]\n"
        f'type = "carddav"\nurl = "{book_url}"\nusername = "{servers.USER}"\npassword = "{servers.PASSWORD}"\n'
    )
    base = [exe, "-c", str(config)]
    subprocess.run([*base, "discover"], check=True, capture_output=True, input=b"y\n" * 4)
    start = time.perf_counter()
    done = subprocess.run([*base, "sync"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"vdirsyncer sync failed: {done.stderr[-2000:]}")
    return elapsed, len(list(vdir.glob("*.vcf")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help="a tiny size, to check that the script works")
    args = parser.parse_args()
    count = 40 if args.smoke else args.cards

    work = Path(tempfile.mkdtemp(prefix="netdesk-bench-sync-"))
    server = servers.radicale(servers.server_folder(work / "radicale"))
    server.start()
    try:
        book_url = servers.new_book(server)
        # Radicale takes the whole book in one PUT: minutes on a busy machine, beyond the sync's own timeout.
        with DavClient(book_url, servers.USER, servers.PASSWORD, retry=RetryPolicy(timeout=600)) as client:
            cards = make_cards(count).encode()
            upload = client._http.put(book_url, content=cards, headers={"Content-Type": "text/vcard"})
            assert upload.status_code in (201, 204), upload.text
            # Warm Radicale's caches (item cache, sync-token state) so that neither client pays for them.
            assert len(client.etag_listing(book_url)) == count
            client.sync_collection(book_url, "")

        # Both in turn, ROUNDS times, each from scratch; the best time of each counts (the machine is shared and
        # noisy: the minimum is the least disturbed run of each).
        references, ours_times, no_change_times = [], [], []
        for n in range(ROUNDS):
            reference, files = vdirsyncer_first_sync(work / f"vdirsyncer-{n}", book_url)
            assert files == count, f"vdirsyncer wrote {files} cards, expected {count}"
            references.append(reference)
            nd = open_netdesk(work / f"netdesk-{n}.sqlite3")
            nd.sync.add_account("bench", book_url, servers.USER, servers.PASSWORD)
            start = time.perf_counter()
            first = nd.sync.sync("bench", servers.PASSWORD).value
            ours_times.append(time.perf_counter() - start)
            assert first.pulled == count and nd.contacts.count() == count, first.summary()
            for _ in range(NO_CHANGE_REPEATS):
                no_change_times.append(no_change_sync(nd))
            nd.close()
        reference, ours = min(references), min(ours_times)
        no_change, server_part, requests = min(no_change_times)
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)

    describe_size(f"{count:,} cards")
    record(
        f"first CardDAV sync from Radicale (best of {ROUNDS})",
        ours,
        "s",
        anchor="vdirsyncer to a vdir, same book",
        anchor_value=reference,
        target_ratio=1.0,
    )
    print(f"  all runs: NetDesk {', '.join(f'{t:.2f}' for t in ours_times)} s;", end=" ")
    print(f"vdirsyncer {', '.join(f'{t:.2f}' for t in references)} s")
    # The 1 s target is for 10,000 cards; a smoke run records the figure without it.
    record(
        f"CardDAV sync with nothing changed (best of {len(no_change_times)})",
        no_change,
        "s",
        anchor=f"the server's answers within it ({requests} request{'s' if requests != 1 else ''})",
        anchor_value=server_part,
        target=1.0 if count >= 10_000 else None,
    )
    print(f"  all runs: {', '.join(f'{t:.2f} s (server {w:.2f} s)' for t, w, _n in no_change_times)}")
    return 0  # a missed target is recorded (ok: false) and printed as OVER TARGET, as the other benchmarks do


if __name__ == "__main__":
    sys.exit(main())
