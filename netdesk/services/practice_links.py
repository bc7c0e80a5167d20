"""What a merge of duplicates carries over from the practices (issue 15): community links, offers and needs, and the
introductions that name the merged-away contacts move to the contact that is kept. Runs inside the merge's
transaction; the generic undo reverses it with the rest of the merge."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session


def move_practice_links(s: Session, from_ids: Sequence[int], to_id: int) -> None:
    params = {"ids": json.dumps(list(from_ids)), "to": to_id}
    others = "(SELECT value FROM json_each(:ids))"
    s.execute(
        text(
            "INSERT OR IGNORE INTO community_people (community_id, contact_id, relation)"
            f" SELECT community_id, :to, relation FROM community_people WHERE contact_id IN {others}"
        ),
        params,
    )
    s.execute(text(f"DELETE FROM community_people WHERE contact_id IN {others}"), params)
    # An offer or need the kept contact already has (same words) is not repeated.
    s.execute(
        text(
            f"DELETE FROM offers_needs WHERE contact_id IN {others} AND EXISTS (SELECT 1 FROM offers_needs k"
            " WHERE k.contact_id = :to AND k.kind = offers_needs.kind AND k.folded = offers_needs.folded)"
        ),
        params,
    )
    s.execute(text(f"UPDATE offers_needs SET contact_id = :to WHERE contact_id IN {others}"), params)
    for column in ("introducer_id", "a_id", "b_id"):
        s.execute(text(f"UPDATE introductions SET {column} = :to WHERE {column} IN {others}"), params)
