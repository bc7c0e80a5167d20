"""What the contact search also finds a person by: the communities they belong to or were met at, and what they
offer and look for (issue 15). Appended to each contact's full-text document by repository.refresh_fts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session


def extra_documents(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    params = {"ids": json.dumps(list(ids))}
    parts: dict[int, list[str]] = defaultdict(list)
    for cid, name in session.execute(
        text(
            "SELECT cp.contact_id, c.name FROM community_people cp JOIN communities c ON c.id = cp.community_id"
            " WHERE cp.contact_id IN (SELECT value FROM json_each(:ids))"
        ),
        params,
    ):
        parts[cid].append(name)
    for cid, body in session.execute(
        text("SELECT contact_id, text FROM offers_needs WHERE contact_id IN (SELECT value FROM json_each(:ids))"),
        params,
    ):
        parts[cid].append(body)
    return {cid: "\n".join(dict.fromkeys(values)) for cid, values in parts.items()}
