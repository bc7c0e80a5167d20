"""Real CardDAV servers for the sync tests and benchmark: Radicale and Xandikos (from PyPI, the `[test]` extra),
each started as its own process on 127.0.0.1 with a free port, a user and a password, in a temporary folder."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from keyring.backend import KeyringBackend

from netdesk.sync.dav import DavClient, RetryPolicy, canonical_href, parse_multistatus, ssl_context_for

USER = "ada"
PASSWORD = "analytical-engine"
FAST_RETRY = RetryPolicy(attempts=2, first_delay=0.05, timeout=10)  # tests wait for no back-off


class MemoryKeyring(KeyringBackend):
    """A system keyring that lives in the test (the ``memory_keyring`` fixture installs it)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def server_folder(fallback: Path) -> Path:
    """A folder in memory (/dev/shm) when there is one: the servers fsync every write, which on this machine's disk
    makes a 240-card upload take 2 s instead of 0.1 s. The caller removes it."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="netdesk-dav-", dir=shm))
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CardDavServer:
    """A running server: ``url`` is its root, ``book_url`` an address book made for the tests."""

    kind: str
    folder: Path
    port: int
    scheme: str = "http"
    certificate_pem: str = ""
    process: subprocess.Popen[bytes] | None = None
    command: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/"

    @property
    def book_url(self) -> str:
        return f"{self.url}{USER}/contacts/" if self.kind == "radicale" else f"{self.url}user/contacts/addressbook/"

    def start(self) -> None:
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - kept open for the server's lifetime
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} did not start: {(self.folder / 'server.log').read_text()[-2000:]}")
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0 and self._ready():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not listen on port {self.port} within 30 s")

    def _ready(self) -> bool:
        return self.kind != "xandikos" or self.certificate_pem != "" or self._load_certificate()

    def _load_certificate(self) -> bool:
        certs = sorted((self.folder / "state" / "certs").glob("*.crt")) if self.scheme == "https" else []
        for path in certs:
            text = path.read_text()
            if "BEGIN CERTIFICATE" in text:
                self.certificate_pem = text[text.index("-----BEGIN CERTIFICATE") :]
                return True
        return self.scheme != "https"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


def radicale(folder: Path, port: int | None = None) -> CardDavServer:
    """Radicale with htpasswd (plain) authentication and owner-only rights."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    (folder / "config").write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = htpasswd\n"
        f"htpasswd_filename = {folder / 'users'}\n"
        "htpasswd_encryption = plain\n"
        "delay = 0\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[rights]\n"
        "type = owner_only\n"
        "[web]\n"
        "type = none\n"
        "[logging]\n"
        "level = error\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(folder / "config")]
    return CardDavServer("radicale", folder, port, command=command)


def xandikos(folder: Path, port: int | None = None) -> CardDavServer:
    """Xandikos with its default address book, HTTP Basic authentication (which it serves only over TLS) and a
    self-signed certificate it makes itself: the client has to pin it."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
    (folder / "htpasswd").write_text(f"{USER}:{{SHA}}{digest}\n")
    command = [
        sys.executable,
        "-m",
        "xandikos",
        "serve",
        "-d",
        str(folder / "dav"),
        "--defaults",
        "-l",
        "127.0.0.1",
        "-p",
        str(port),
        "--no-detect-systemd",
        "--autocert",
        "--state-dir",
        str(folder / "state"),
        "--htpasswd",
        str(folder / "htpasswd"),
    ]
    return CardDavServer("xandikos", folder, port, scheme="https", command=command)


class ServerSide:
    """What another client (a phone) does to the address book: plain HTTP, independent of NetDesk's client."""

    def __init__(self, book_url: str, certificate_pem: str = "") -> None:
        self.book_url = book_url
        self.http = httpx.Client(auth=(USER, PASSWORD), verify=ssl_context_for(certificate_pem), timeout=10)

    def put(self, name: str, card: str) -> None:
        response = self.http.put(self.book_url + name, content=card.encode(), headers={"Content-Type": "text/vcard"})
        assert response.status_code in (201, 204), response.text

    def delete(self, name: str) -> None:
        assert self.http.delete(self.book_url + name).status_code in (200, 204)

    def get(self, name: str) -> str:
        response = self.http.get(self.book_url + name)
        assert response.status_code == 200, response.status_code
        return response.text

    def names(self) -> list[str]:
        body = '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'
        response = self.http.request(
            "PROPFIND", self.book_url, content=body, headers={"Depth": "1", "Content-Type": "application/xml"}
        )
        own = canonical_href(self.book_url)
        return sorted(
            r.href.rsplit("/", 1)[-1] for r in parse_multistatus(response.content, self.book_url) if r.href != own
        )

    def cards(self) -> dict[str, str]:
        """name -> card text of every card, in one addressbook-multiget."""
        names = self.names()
        if not names:
            return {}
        own = canonical_href(self.book_url)
        hrefs = "".join(f"<href>{own}{name}</href>" for name in names)
        body = (
            '<C:addressbook-multiget xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            f"<prop><getetag/><C:address-data/></prop>{hrefs}</C:addressbook-multiget>"
        )
        response = self.http.request(
            "REPORT", self.book_url, content=body, headers={"Depth": "1", "Content-Type": "application/xml"}
        )
        data = "{urn:ietf:params:xml:ns:carddav}address-data"
        return {
            r.href.rsplit("/", 1)[-1]: r.props[data].text or ""
            for r in parse_multistatus(response.content, self.book_url)
            if data in r.props
        }

    def close(self) -> None:
        self.http.close()


def vcard(uid: str, fn: str, *extra: str, version: str = "3.0") -> str:
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{fn}", *extra, "END:VCARD"]
    if not any(line.startswith("N:") for line in extra):
        lines.insert(4, f"N:{fn.split(' ')[-1]};{fn.split(' ')[0]};;;")
    return "\r\n".join(lines) + "\r\n"


def new_book(server: object, display_name: str = "Phone") -> str:
    """A fresh, empty address book on ``server`` (its URL)."""
    base = server.url  # type: ignore[attr-defined]
    url = (
        f"{base}{USER}/{uuid.uuid4().hex[:12]}/"
        if server.kind == "radicale"
        else f"{base}user/contacts/{uuid.uuid4().hex[:12]}/"
    )  # type: ignore[attr-defined]
    with DavClient(base, USER, PASSWORD, certificate_pem=server.certificate_pem, retry=FAST_RETRY) as client:  # type: ignore[attr-defined]
        client.mkcol_addressbook(url, display_name)
    return url


def running(make: Callable[[Path], object], fallback: Path, loopback_ports: object) -> Iterator[object]:
    """A server made by ``make`` in a fresh folder, its port open in the network guard while it runs."""
    folder = server_folder(fallback)
    server = make(folder)
    loopback_ports.allow(server.port)  # type: ignore[attr-defined]
    try:
        server.start()  # type: ignore[attr-defined]
        yield server
    finally:
        server.stop()  # type: ignore[attr-defined]
        loopback_ports.forbid(server.port)  # type: ignore[attr-defined]
        shutil.rmtree(folder, ignore_errors=True)
