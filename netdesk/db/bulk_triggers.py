"""Per-row triggers set aside while a bulk write runs, and what they would have said, said once at the end.

The change-tracking triggers (migrations 0002, 0007, 0009) run a few statements for every row written to contacts,
interactions and their participants: bump due_generation and favour_generation, log the contact in due_changes (and
prune it). An import of tens of thousands of rows pays that per row for a log that keeps only its last rows anyway,
and that the Due list reads as "read everything again" past 500 contacts. Inside the bulk write's own transaction
the triggers are dropped and then created again from their stored SQL (all of it rolls back together), and the
write ends with what they would have amounted to: both generations moved, and one "every_contact" entry in the log.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

# The tables an import writes row by row at its size.
BULK_TABLES = ("contacts", "contact_points", "contact_history", "interactions", "interaction_participants")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def triggers_set_aside(session: Session, tables: Collection[str] = BULK_TABLES) -> Iterator[None]:
    """Run the block without the stored triggers of ``tables`` (inside the caller's write transaction)."""
    connection = session.connection()
    marks = ", ".join("?" * len(tables))
    triggers = connection.exec_driver_sql(
        f"SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) ORDER BY rowid",
        tuple(tables),
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER main.{_quoted(name)}")
    try:
        yield
    finally:
        # Also after an error: a caller that goes on in the same transaction finds the schema whole.
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)
    if triggers:
        connection.exec_driver_sql("UPDATE due_generation SET value = random()")
        connection.exec_driver_sql("UPDATE favour_generation SET value = random()")
        connection.exec_driver_sql(
            "INSERT INTO due_changes (what, contact_id, token) VALUES ('every_contact', NULL, random())"
        )
