"""Account passwords: in the system keyring (Secret Service, macOS Keychain, Windows Credential Locker), never in
the database or the settings. Without a usable keyring the caller passes the password for one run only.

keyring is imported on first use: with its backends it took a tenth of the app's start-up, which only a sync needs.
"""

from __future__ import annotations

import contextlib
import os
from types import ModuleType

SERVICE = "NetDesk CardDAV"
PASSWORD_ENV = "NETDESK_PASSWORD"


def keyring_key(url: str, username: str) -> str:
    return f"{username}@{url}"


def _keyring() -> ModuleType:
    import keyring
    import keyring.errors

    return keyring


def keyring_available() -> bool:
    from keyring.backends.fail import Keyring as FailKeyring

    backend = _keyring().get_keyring()
    return not isinstance(backend, FailKeyring) and getattr(backend, "priority", 1) > 0


def store_password(url: str, username: str, password: str) -> bool:
    """True when the keyring took the password."""
    if not keyring_available():
        return False
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, keyring_key(url, username), password)
    except keyring.errors.KeyringError:
        return False
    return True


def load_password(url: str, username: str) -> str | None:
    """$NETDESK_PASSWORD when set (for this run only), else the keyring's, else None."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not keyring_available():
        return None
    keyring = _keyring()
    try:
        password: str | None = keyring.get_password(SERVICE, keyring_key(url, username))
    except keyring.errors.KeyringError:
        return None
    return password


def forget_password(url: str, username: str) -> None:
    if not keyring_available():
        return
    keyring = _keyring()
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, keyring_key(url, username))
