"""The single-instance socket cannot be squatted or spoken to by another local user.

The other user is real: /usr/bin/python3 run as ``nobody`` (the test runs as root; elsewhere it skips)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket

from netdesk.ui import single_instance
from netdesk.ui.single_instance import InstanceServer, forward_to_running_instance, private_socket_dir

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"

needs_another_user = pytest.mark.skipif(
    os.geteuid() != 0 or not os.access(SYSTEM_PYTHON, os.X_OK),
    reason="acting as another user needs root and a system Python that user may run",
)


def _as_nobody(code: str, *args: str) -> subprocess.Popen[str]:
    def drop() -> None:
        os.setgid(NOBODY)
        os.setgroups([])
        os.setuid(NOBODY)

    return subprocess.Popen(
        [SYSTEM_PYTHON, "-c", code, *args], stdout=subprocess.PIPE, text=True, preexec_fn=drop, env={}
    )


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every user may write to, as /tmp is: where a predictable socket name could be squatted."""
    folder = Path(tempfile.mkdtemp(prefix="netdesk-open-", dir="/tmp"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@needs_another_user
def test_a_folder_someone_else_made_first_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    squatted = tmp_path / f"netdesk-{os.getuid()}"
    squatted.mkdir(mode=0o777)
    os.chown(squatted, NOBODY, NOBODY)
    chosen = private_socket_dir()
    assert chosen != squatted
    assert chosen.stat().st_uid == os.getuid() and chosen.stat().st_mode & 0o777 == 0o700


SQUATTER = """
import socket, sys
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen(1)
print("listening", flush=True)
conn, _ = server.accept()
conn.settimeout(3)
try:
    data = conn.recv(65536)
except OSError:
    data = b""
print("received", len(data), flush=True)
"""


@needs_another_user
def test_the_client_hands_nothing_to_another_users_listener(
    qapp, open_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    name = str(open_folder / "netdesk-squatted")
    squatter = _as_nobody(SQUATTER, name)
    try:
        assert squatter.stdout is not None and squatter.stdout.readline().strip() == "listening"
        monkeypatch.setattr(single_instance, "server_name", lambda _db: name)
        started = time.monotonic()
        assert (
            forward_to_running_instance(Path("/home/victim/contacts.sqlite3"), [Path("/home/victim/secret.vcf")])
            is False
        )
        assert time.monotonic() - started < 3
        out, _ = squatter.communicate(timeout=10)
        assert out.strip() == "received 0"  # not one byte of the victim's paths
    finally:
        squatter.kill()


CLIENT = """
import socket, sys
client = socket.socket(socket.AF_UNIX)
client.connect(sys.argv[1])
client.settimeout(3)
try:
    client.sendall(b'{"files": ["/tmp/planted.vcf"]}\\n')
    reply = client.recv(100)
except (BrokenPipeError, ConnectionResetError):
    reply = b""  # hung up on
except OSError as exc:
    reply = repr(exc).encode()
print("reply", reply, flush=True)
"""


@needs_another_user
def test_the_server_refuses_another_users_client(qtbot, open_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    name = str(open_folder / "netdesk-server")
    monkeypatch.setattr(single_instance, "server_name", lambda _db: name)
    server = InstanceServer()
    assert server.listen(Path("/x.sqlite3"))
    os.chmod(name, 0o777)  # as if the file system ignored the socket's mode: the credential check must hold alone
    received: list[object] = []
    server.request_received.connect(received.append)
    client = _as_nobody(CLIENT, name)
    try:
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=10_000)
        out = client.stdout.read() if client.stdout else ""
    finally:
        client.kill()
        server.close()
    assert "reply b''" in out, out  # closed on it without an answer
    assert received == []


def test_our_own_client_is_still_served(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = InstanceServer()
    assert server.listen(tmp_path / "mine.sqlite3")
    received: list[object] = []
    server.request_received.connect(received.append)
    probe = QLocalSocket()
    probe.connectToServer(server.name)
    assert probe.waitForConnected(1000)
    probe.write(b'{"files": ["/tmp/a.vcf"]}\n')
    probe.flush()
    qtbot.waitUntil(lambda: received != [], timeout=5000)
    assert received == [[Path("/tmp/a.vcf")]]
    probe.abort()
    server.close()
