"""One NetDesk per database: a second start hands its files to the running window over a local socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket

from netdesk.services import NetDesk, open_netdesk
from netdesk.ui.main_window import MainWindow
from netdesk.ui.single_instance import (
    InstanceServer,
    decode_request,
    encode_request,
    forward_to_running_instance,
    serve_window,
    server_name,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nN:Card;Vera;;;\r\nEND:VCARD\r\n"


def start_netdesk(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    return subprocess.Popen(
        [sys.executable, "-m", "netdesk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )


def test_server_name_is_per_database_whatever_the_spelling(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    a = tmp_path / "a.sqlite3"
    assert server_name(a) == server_name(tmp_path / "sub" / ".." / "a.sqlite3")
    assert server_name(a) != server_name(tmp_path / "b.sqlite3")
    name = Path(server_name(a))
    assert name.name.startswith("netdesk-") and len(str(name)) < 100  # short enough for a socket path
    folder = name.parent  # private: nobody else can take the name first
    assert folder.stat().st_uid == os.getuid() and folder.stat().st_mode & 0o777 == 0o700


def test_requests_round_trip_with_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert decode_request(encode_request([Path("x.vcf")]).rstrip(b"\n")) == [tmp_path / "x.vcf"]
    for bad in (b"[]", b'{"files": [1]}', b"not json"):
        with pytest.raises(ValueError):
            decode_request(bad)


def test_second_start_hands_its_files_to_the_running_window(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path
) -> None:
    assert db.path is not None
    server = serve_window(window, db.path)
    assert server.listening
    card = tmp_path / "card.vcf"
    card.write_text(CARD)
    window.showMinimized()

    started = time.monotonic()
    second = start_netdesk(tmp_path, "--db", str(db.path), "--smoke-test", str(card))
    with qtbot.waitSignal(server.request_received, timeout=30_000) as received:
        pass  # the event loop runs meanwhile, so this process can answer
    assert received.args == [[card]]
    _stdout, stderr = second.communicate(timeout=30)
    assert second.returncode == 0, stderr
    assert "already open" in stderr
    assert time.monotonic() - started < 30

    assert not window.isMinimized()  # brought forward
    qtbot.waitUntil(lambda: any(r.name == "Vera Card" for r in db.contacts.rows()), timeout=10_000)
    # The second process never opened the database itself: no second writer, no backup of its own.
    assert db.backups is not None and not [b for b in db.backups.list() if b.reason != "before-import"]


def test_a_stale_server_name_does_not_block_the_start(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("stale socket files are a Unix matter (Windows pipes vanish with their process)")
    db_path = tmp_path / "stale.sqlite3"
    # What a crashed instance leaves behind: the socket file, with nobody listening.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    socket_file = Path(QDir.tempPath()) / server_name(db_path)
    socket_file.unlink(missing_ok=True)
    stale.bind(str(socket_file))
    stale.close()
    assert socket_file.exists()
    try:
        started = time.monotonic()
        assert forward_to_running_instance(db_path, []) is False
        assert time.monotonic() - started < 3

        result = start_netdesk(tmp_path, "--db", str(db_path), "--smoke-test")
        _out, err = result.communicate(timeout=120)
        assert result.returncode == 0, err
        assert "already open" not in err
        assert db_path.exists()  # it started normally and opened the database itself
    finally:
        socket_file.unlink(missing_ok=True)


def test_server_takes_over_a_stale_name_but_not_a_live_one(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "one.sqlite3"
    first = InstanceServer()
    assert first.listen(db_path)
    second = InstanceServer()
    assert not second.listen(db_path)  # somebody answers on that name
    first.close()
    assert second.listen(db_path)
    second.close()


def test_a_malformed_request_is_refused(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path / "one.sqlite3"
    server = InstanceServer()
    assert server.listen(db_path)
    received: list[object] = []
    server.request_received.connect(received.append)
    client = QLocalSocket()
    client.connectToServer(server.name)
    assert client.waitForConnected(1000)
    client.write(b"GET / HTTP/1.0\n")
    client.flush()
    qtbot.waitUntil(
        lambda: client.bytesAvailable() > 0 or client.state() != QLocalSocket.LocalSocketState.ConnectedState
    )
    assert bytes(client.readAll().data()) == b"error\n"
    assert received == []
    server.close()


def test_server_follows_the_window_to_another_database(qtbot, window: MainWindow, db: NetDesk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert db.path is not None
    server = serve_window(window, db.path)
    other = tmp_path / "other.sqlite3"
    open_netdesk(other).close()
    with qtbot.waitSignal(window.database_changed):
        assert window.open_database(other)
    assert server.name == server_name(other)
    qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0)


def test_open_database_goes_to_the_window_that_has_it_open(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path
) -> None:
    other = tmp_path / "busy.sqlite3"
    open_netdesk(other).close()
    running = start_netdesk(tmp_path, "--db", str(other))  # another NetDesk, its window open on that file
    try:
        qtbot.waitUntil(lambda: _serving(other), timeout=60_000)
        assert window.open_database(other) is False
        assert window.nd is db  # this window stays on its own database
        assert "open in another NetDesk window" in window.statusBar().currentMessage()
    finally:
        running.kill()
        running.communicate(timeout=30)


def _serving(db_path: Path) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(server_name(db_path))
    alive = probe.waitForConnected(200)
    probe.abort()
    return alive


def test_a_second_start_while_the_first_opens_its_new_database_is_handed_over(tmp_path: Path) -> None:
    """The first start's frame takes the database's name before the file is even created: a second start in those
    seconds hands its file over (it used to open the file itself and fail on "table contacts already exists")."""
    db_path = tmp_path / "new.sqlite3"
    card = tmp_path / "card.vcf"
    card.write_text(CARD)
    env = {"NETDESK_REPORT_STARTUP": "1"}
    first = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--db", str(db_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), **env),
        cwd=REPO_ROOT,
    )
    try:
        assert first.stderr is not None
        for line in first.stderr:  # the frame is on screen: the database may not be open yet
            if line.startswith("window-shown-at="):
                break
        else:
            pytest.fail(f"the first start ended without showing its window (exit {first.wait()})")
        second = start_netdesk(tmp_path, "--db", str(db_path), "--smoke-test", str(card))
        _stdout, stderr = second.communicate(timeout=60)
        assert second.returncode == 0, stderr
        assert "already open" in stderr

        deadline = time.monotonic() + 60
        names: list[str] = []
        while time.monotonic() < deadline and "Vera Card" not in names:
            time.sleep(0.2)
            if db_path.exists():
                nd = open_netdesk(db_path)
                names = [r.name for r in nd.contacts.rows()]
                nd.close()
        assert "Vera Card" in names  # imported by the first start once its database was open
    finally:
        first.kill()
        first.wait()
