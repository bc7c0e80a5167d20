"""The newest schema revision, read from the migration files' text: without Alembic or SQLAlchemy, so that start-up
can tell whether a database is current before either is imported (netdesk/db/list_read.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def declared_head() -> str | None:
    """The newest revision, read from the migration files without Alembic (None: not one clear head)."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            return None
        revisions.add(str(revision))
        built_on.update(str(d) for d in (down if isinstance(down, tuple | list) else (down,)) if d is not None)
    heads = revisions - built_on
    return heads.pop() if len(heads) == 1 else None
