"""UIDs made in bulk for an import's new contacts: random version-4 UUIDs, as one made alone."""

from __future__ import annotations

import uuid

from netdesk.db.bulk_insert import new_uids
from netdesk.db.repository import new_uid


def test_uids_made_in_bulk_are_distinct_version_4_uuids_written_like_one_made_alone() -> None:
    uids = new_uids(5000)
    assert len(uids) == len(set(uids)) == 5000
    for text in uids[:50] + uids[-50:]:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text  # the canonical lower-case form, as str(uuid4()) writes it
    assert len(new_uid()) == len(uids[0])
    assert new_uids(0) == []
