"""The Due list's items from the practices kept as records (issue 15), as one registered due source: introduction
steps unmoved for INTRO_STALL_DAYS, contribution rhythms that lapsed ("No post in 12 days") and communities whose
rhythm is not met in its window. The tables are small; open introductions are read through their partial index."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta

from netdesk.core import practices
from netdesk.core.networking import DueItem
from netdesk.core.practices import ContributionKind, IntroKind, IntroState
from netdesk.services.communities import COMMUNITY_ACTIVITY_SQL
from netdesk.services.due import DueQuery, as_date, register_due_source

_NAME = "COALESCE(NULLIF({t}.display_name, ''), 'Contact #' || {t}.id)"
_STALLED_SQL = f"""
SELECT i.id, i.kind, i.state, i.introducer_id, i.a_id, i.b_id, i.target_text, i.a_opted_in_on, i.moved_on,
       {_NAME.format(t="ci")}, {_NAME.format(t="ca")}, {_NAME.format(t="cb")}
FROM introductions i INDEXED BY ix_introductions_open
LEFT JOIN contacts ci ON ci.id = i.introducer_id
LEFT JOIN contacts ca ON ca.id = i.a_id
LEFT JOIN contacts cb ON cb.id = i.b_id
WHERE i.closed_on IS NULL AND i.moved_on <= :stalled_since
"""
# Whom the next step waits on must be a live, unsnoozed contact (one query for all of them).
_VISIBLE_SQL = (
    "SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(:ids)) AND deleted_at IS NULL"
    " AND (snoozed_until IS NULL OR snoozed_until <= :today)"
)
_RHYTHMS_SQL = """
SELECT r.kind, r.every_days,
       (SELECT MAX(c.occurred_on) FROM contributions c WHERE c.kind = r.kind AND c.occurred_on <= :today)
FROM contribution_rhythms r ORDER BY r.kind
"""
_COMMUNITY_RHYTHMS_SQL = """
SELECT id, name, rhythm_what, rhythm_count, rhythm_days, date(created_at) FROM communities
WHERE rhythm_count IS NOT NULL ORDER BY name_folded
"""


def _next_step(kind: IntroKind, state: IntroState, who: str, target: str) -> str:
    nxt = practices.next_state(kind, state)
    if nxt is IntroState.AGREED:
        return f"ask {who} again"
    if nxt is IntroState.OPTED_IN:
        return f"check whether {target} opted in" if kind is IntroKind.ASK else f"wait for {who}'s yes"
    if nxt is IntroState.INTRODUCED:
        return "make the introduction" if kind is IntroKind.MAKE else f"remind {who}"
    return "note the outcome"


def stalled_introductions(q: DueQuery) -> Iterable[DueItem]:
    since = (q.today - timedelta(days=practices.INTRO_STALL_DAYS)).isoformat()
    rows = list(q.rows(_STALLED_SQL, stalled_since=since))
    waiting_on = {r[3] for r in rows} | {r[4] for r in rows} | {r[5] for r in rows}
    q.mention(waiting_on)
    q.reads("introductions")
    visible = {cid for (cid,) in q.rows(_VISIBLE_SQL, ids=json.dumps(sorted(c for c in waiting_on if c is not None)))}
    for iid, kind_v, state_v, introducer, a, b, target_text, a_opted, moved, i_name, a_name, b_name in rows:
        kind, state = IntroKind(kind_v), IntroState(state_v)
        target = b_name if b is not None else target_text
        if kind is IntroKind.ASK:
            who_id, who = introducer, i_name
            title = f"{i_name} to introduce you to {target}"
        else:
            who_id, who = (a, a_name) if a_opted is None else (b, b_name)
            title = f"Introduce {a_name} and {b_name}"
        if who_id not in visible:
            continue
        moved_on = as_date(moved) or q.today
        item = practices.stalled_item(
            iid, who_id, who, f"{title}: {_next_step(kind, state, who, target)}", moved_on, q.today
        )
        if item is not None:
            yield item


def lapsed_contributions(q: DueQuery) -> Iterable[DueItem]:
    q.mention(())
    q.reads("contributions", "contribution_rhythms")
    for kind, every, last in list(q.rows(_RHYTHMS_SQL)):
        item = practices.lapsed_contribution_item(ContributionKind(kind), every, as_date(last), q.today)
        if item is not None:
            yield item


def lapsed_communities(q: DueQuery) -> Iterable[DueItem]:
    q.mention(())
    q.reads("communities", "community_interactions", "contributions")
    for cid, name, what, count, days, created in list(q.rows(_COMMUNITY_RHYTHMS_SQL)):
        days = days or 30
        created_on = as_date(created) or q.today
        if (q.today - created_on).days < days:
            continue  # a rhythm set up this week cannot have lapsed yet
        since = (q.today - timedelta(days=days - 1)).isoformat()
        done, last = next(iter(q.rows(COMMUNITY_ACTIVITY_SQL, cid=cid, since=since)))
        item = practices.lapsed_community_item(cid, name, what, count, days, int(done or 0), as_date(last), q.today)
        if item is not None:
            yield item


# Watched: migration 0009's triggers log every write to the tables read here (contacts already were). Not per contact:
# these few hundred rows are read again whole after a write to the tables each names (q.reads) or to a contact it
# mentions.
for _source in (stalled_introductions, lapsed_contributions, lapsed_communities):
    register_due_source(_source, watched=True)
