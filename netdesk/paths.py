"""Where NetDesk keeps its files: the platform's user data, config and cache folders (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from netdesk import APP_NAME

APP_AUTHOR = "NetDesk"
DB_FILENAME = "netdesk.sqlite3"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    """``NETDESK_DB`` if set, else netdesk.sqlite3 in the user data folder (created on first use)."""
    env = os.environ.get("NETDESK_DB")
    if env:
        return Path(env).expanduser()
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILENAME


def backup_dir(db_path: Path) -> Path:
    """Backups sit beside the database they belong to, in a folder named after it."""
    return db_path.parent / f"{db_path.stem}-backups"
