"""One NetDesk per database: a second start on the same database hands its files to the first and exits.

The first instance listens on a local socket (a Unix domain socket or a Windows named pipe, never a network
port) whose name is a hash of the user and the resolved database path. A second start connects, sends one JSON
line ``{"files": [...]}`` and waits for ``ok``. If nobody answers, the name is stale (a crashed instance) and the
new process starts normally, taking the name over.

On Unix the socket lives in a folder only its user can enter ($XDG_RUNTIME_DIR/netdesk, else an owned 0700 folder
in the temporary folder), so nobody else can take its name first; and both ends check the other's user id
(SO_PEERCRED) before trusting it with file paths.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import socket as sockets
import stat
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMainWindow

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000
# The first instance answers from its event loop; give a busy GUI thread time before calling it stale.
REPLY_TIMEOUT_MS = 5000
MAX_MESSAGE_BYTES = 1 << 20
REPLY_OK = b"ok\n"


def _owned_private_dir(folder: Path) -> bool:
    """``folder`` exists (or is made) as a real directory of this user that nobody else may enter."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            log.warning("%s belongs to someone else; not using it for the instance socket", folder)
            return False
        if st.st_mode & 0o077:
            os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def private_socket_dir() -> Path:
    """Where this user's instance sockets live: a folder only they can enter.

    When neither $XDG_RUNTIME_DIR nor the temporary folder gives one (someone else took the name), a fresh private
    folder is used: this instance is then not found by later starts, which is safe, merely not single.
    """
    candidates = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        candidates.append(Path(runtime) / "netdesk")
    candidates.append(Path(tempfile.gettempdir()) / f"netdesk-{os.getuid()}")
    for folder in candidates:
        if _owned_private_dir(folder):
            return folder
    return Path(tempfile.mkdtemp(prefix="netdesk-"))


def server_name(db_path: Path) -> str:
    """The local server name for ``db_path``: the same for every spelling of the path, private to the user.

    On Unix a full socket path in :func:`private_socket_dir`; on Windows a pipe name.
    """
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = f"{user}\0{os.path.normcase(str(db_path.expanduser().resolve()))}"
    name = "netdesk-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    if not hasattr(os, "getuid"):
        return name
    return str(private_socket_dir() / name)


def peer_is_trusted(descriptor: int) -> bool:
    """Whether the process at the other end of the connected local socket ``descriptor`` runs as this user.

    Linux tells (SO_PEERCRED); elsewhere the private folder is the protection and this answers True.
    """
    if not hasattr(sockets, "SO_PEERCRED") or descriptor < 0:
        return True
    try:
        probe = sockets.socket(fileno=os.dup(descriptor))
    except OSError:
        return False
    try:
        creds = probe.getsockopt(sockets.SOL_SOCKET, sockets.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    finally:
        probe.close()  # closes the duplicate only
    _pid, uid, _gid = struct.unpack("3i", creds)
    return bool(uid == os.getuid())


def encode_request(files: Sequence[Path]) -> bytes:
    # Absolute paths: the first instance runs in another working directory.
    return json.dumps({"files": [str(Path(f).expanduser().absolute()) for f in files]}).encode("utf-8") + b"\n"


def decode_request(data: bytes) -> list[Path]:
    """The files of one request line; ValueError for anything that is not a well-formed request."""
    message = json.loads(data.decode("utf-8"))
    files = message.get("files") if isinstance(message, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ValueError("not a NetDesk request")
    return [Path(f) for f in files]


def forward_to_running_instance(db_path: Path, files: Sequence[Path] = ()) -> bool:
    """Hand ``files`` to the NetDesk that has ``db_path`` open; False when there is none (or it does not answer)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    if not peer_is_trusted(int(socket.socketDescriptor())):
        log.warning("the process listening for %s runs as another user; not handing it anything", db_path)
        socket.abort()
        return False
    try:
        socket.write(encode_request(files))
        if not socket.waitForBytesWritten(CONNECT_TIMEOUT_MS):
            return False
        reply = b""
        while not reply.endswith(b"\n"):
            if not socket.bytesAvailable() and not socket.waitForReadyRead(REPLY_TIMEOUT_MS):
                log.warning("the running NetDesk did not answer; starting another")
                return False
            reply += bytes(socket.readAll().data())
        return reply == REPLY_OK
    finally:
        socket.abort()


class InstanceServer(QObject):
    """Listens for later starts on the same database; emits what they ask for."""

    request_received = Signal(list)  # the files (Paths) the other start was given

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        # Only the same user may talk to us (the socket file gets mode 0700 on Unix).
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}
        self.name = ""

    def listen(self, db_path: Path) -> bool:
        """Take ``db_path``'s name; a stale name (nobody answers) is removed first. False if another instance has it."""
        name = server_name(db_path)
        if self._server.isListening():
            if self.name == name:
                return True
            self._server.close()
        # Ask first: with access options set, Qt's listen() replaces an existing socket file, even a live one.
        if _answers(name):
            log.warning("another NetDesk already serves %s", db_path)
            self.name = ""
            return False
        QLocalServer.removeServer(name)  # a stale socket file left by a crashed instance
        if self._server.listen(name):
            self.name = name
            return True
        log.warning("cannot listen as %s: %s", name, self._server.errorString())
        self.name = ""
        return False

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()
        self.name = ""

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not peer_is_trusted(int(socket.socketDescriptor())):
                log.warning("refused a connection from another user's process")
                socket.abort()
                socket.deleteLater()
                continue
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_MESSAGE_BYTES:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        line = data.split(b"\n", 1)[0]
        try:
            files = decode_request(line)
        except ValueError as exc:
            log.warning("ignored a malformed request from another NetDesk start: %s", exc)
            socket.write(b"error\n")
            socket.disconnectFromServer()
            return
        socket.write(REPLY_OK)
        socket.flush()
        socket.disconnectFromServer()
        self.request_received.emit(files)


def _answers(name: str) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(CONNECT_TIMEOUT_MS)
    probe.abort()
    return alive


def bring_forward(window: QMainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def serve_early(window: QMainWindow, db_path: Path) -> tuple[InstanceServer, list[Path]]:
    """Take ``db_path``'s name as soon as the window's frame is shown, before the database is open: a second start
    in those seconds is answered (it would otherwise open the file itself, racing this one). The files it hands
    over are kept in the list returned, for ``serve_window`` to import once the window has its database."""
    server = InstanceServer(window)
    server.listen(db_path)
    early: list[Path] = []

    def keep(files: list[Path]) -> None:
        bring_forward(window)
        early.extend(files)

    server.request_received.connect(keep)
    return server, early


def serve_window(window: QMainWindow, db_path: Path, server: InstanceServer | None = None) -> InstanceServer:
    """Make ``window`` the instance for ``db_path``: later starts bring it forward and import their files there.
    ``server``: the one ``serve_early`` started (its early requests' files are the caller's to import).

    Follows the window to another database when File → Open database… switches it (``database_changed``).
    """
    if server is None:
        server = InstanceServer(window)
    else:
        server.request_received.disconnect()  # from now on files go straight to the window
    server.listen(db_path)

    def received(files: list[Path]) -> None:
        bring_forward(window)
        if files:
            window.import_files(files)  # type: ignore[attr-defined]

    server.request_received.connect(received)
    changed = getattr(window, "database_changed", None)
    if changed is not None:
        changed.connect(lambda path: server.listen(Path(path)) if path else server.close())
    return server
