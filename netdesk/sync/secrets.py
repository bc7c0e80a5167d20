"""Account passwords: in the system keyring (Secret Service, macOS Keychain, Windows Credential Locker), never in
the database or the settings. Without a usable keyring the caller passes the password for one run only."""

from __future__ import annotations

import contextlib
import os

import keyring
import keyring.errors
from keyring.backends.fail import Keyring as FailKeyring

SERVICE = "NetDesk CardDAV"
PASSWORD_ENV = "NETDESK_PASSWORD"


def keyring_key(url: str, username: str) -> str:
    return f"{username}@{url}"


def keyring_available() -> bool:
    backend = keyring.get_keyring()
    return not isinstance(backend, FailKeyring) and getattr(backend, "priority", 1) > 0


def store_password(url: str, username: str, password: str) -> bool:
    """True when the keyring took the password."""
    if not keyring_available():
        return False
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
    try:
        return keyring.get_password(SERVICE, keyring_key(url, username))
    except keyring.errors.KeyringError:
        return None


def forget_password(url: str, username: str) -> None:
    if not keyring_available():
        return
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(SERVICE, keyring_key(url, username))
