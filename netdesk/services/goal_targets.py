"""GoalTargetService: goals with a target and a horizon ("meet 5 people in fintech by 2027-03-31", "2 talks this
year"), progress computed from the record, and goals linked to communities (contributions link to a goal
themselves).

What counts towards a target, between its start and its horizon:
- people met: distinct people in a meeting, call or event with you;
- new people: people added or connected;
- interactions: interactions with the people in focus;
- introductions: introductions made or received (the day of the introduction);
- contributions: your contributions of the focus kind ("talk"), else those linked to the goal or its communities.

The people in focus are those whose tag or organisation is the focus ("fintech"; accents and case ignored), else
the people linked to the goal or to its communities, else everybody.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import practices
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.normalize import fold
from netdesk.core.practices import ContributionKind, GoalMetric, Progress
from netdesk.core.words import plural
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.tables import CommunityRow, Goal, GoalCommunity, GoalContact, GoalTarget


@dataclass(frozen=True, slots=True)
class TargetDTO:
    metric: GoalMetric
    target: int
    horizon: date
    starts_on: date
    focus: str = ""

    @property
    def phrase(self) -> str:
        focus = f" ({self.focus})" if self.focus else ""
        return f"{self.target} {self.metric.noun}{focus} by {self.horizon.isoformat()}"


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal_id: int
    name: str
    target: TargetDTO | None
    progress: Progress | None
    communities: tuple[tuple[int, str], ...]

    @property
    def summary(self) -> str:
        if self.target is None or self.progress is None:
            return "No target"
        return progress_sentence(self.target.metric, self.progress)


def progress_sentence(metric: GoalMetric, p: Progress) -> str:
    """A goal's progress as a sentence: "Met 3 of 5 people, 30 days left", "Met 8 people — target of 5 reached"
    (not "8 of 5 people met · reached"), "1 introduction — target of 1 reached"."""
    if p.reached:
        return f"{_counted(metric, p.done, p.done)} — target of {p.target:,} reached"
    left = "time is up" if p.days_left == 0 else f"{plural(p.days_left, 'day')} left"
    return f"{_counted(metric, p.done, p.target, of=p.target)}, {left}"


def _counted(metric: GoalMetric, done: int, number: int, of: int | None = None) -> str:
    """ "Met 3 of 5 people", "1 of 2 contributions": the noun agrees with ``number``."""
    amount = f"{done:,} of {of:,}" if of is not None else f"{done:,}"
    one, many = _METRIC_WORDS[metric]
    noun = one if number == 1 else many
    return f"Met {amount} {noun}" if metric is GoalMetric.PEOPLE_MET else f"{amount} {noun}"


_METRIC_WORDS = {
    GoalMetric.PEOPLE_MET: ("person", "people"),
    GoalMetric.NEW_PEOPLE: ("new person", "new people"),
    GoalMetric.INTERACTIONS: ("interaction", "interactions"),
    GoalMetric.INTRODUCTIONS: ("introduction", "introductions"),
    GoalMetric.CONTRIBUTIONS: ("contribution", "contributions"),
}


def _metric(value: GoalMetric | str) -> GoalMetric:
    try:
        return GoalMetric(value)
    except ValueError:
        allowed = ", ".join(m.value for m in GoalMetric)
        raise ValidationError("metric", f"A target counts one of: {allowed}.") from None


def _stamp(day: date) -> str:
    return datetime.combine(day, datetime.min.time()).isoformat(sep=" ")


class GoalTargetService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def create(
        self,
        name: str,
        metric: GoalMetric | str,
        target: int,
        horizon: date,
        focus: str = "",
        starts_on: date | None = None,
        today: date | None = None,
    ) -> Written[GoalProgress]:
        """A new goal with its target, in one write."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("name", "A goal needs a name.")
        today = today or date.today()
        m, start = _metric(metric), starts_on or today
        practices.check_target(target, start, horizon, today)
        with self._sessions.begin() as s:
            position = (s.scalar(select(func.max(Goal.position))) or 0) + 1
            goal = Goal(name=name, description="", position=position, archived=False, created_at=repo.utcnow())
            s.add(goal)
            s.flush()
            s.add(
                GoalTarget(
                    goal_id=goal.id,
                    metric=m.value,
                    target=target,
                    starts_on=start,
                    horizon=horizon,
                    focus=focus.strip(),
                )
            )
            s.flush()
            result = self._progress(s, goal, today)
        return Written(result, ChangeSet(goals=True, records=frozenset({"goal_target"}), label=f"goal {name}"))

    def set_target(
        self,
        goal_id: int,
        metric: GoalMetric | str,
        target: int,
        horizon: date,
        focus: str = "",
        starts_on: date | None = None,
        today: date | None = None,
    ) -> Written[GoalProgress]:
        today = today or date.today()
        m = _metric(metric)
        with self._sessions.begin() as s:
            goal = repo.live_goal(s, goal_id)
            row = s.get(GoalTarget, goal_id)
            start = starts_on or (row.starts_on if row is not None else today)
            practices.check_target(target, start, horizon, today)
            if row is None:
                row = GoalTarget(goal_id=goal_id)
                s.add(row)
            row.metric, row.target, row.starts_on, row.horizon, row.focus = (
                m.value,
                target,
                start,
                horizon,
                focus.strip(),
            )
            s.flush()
            result = self._progress(s, goal, today)
        return Written(
            result, ChangeSet(goals=True, records=frozenset({"goal_target"}), label=f"target of {goal.name}")
        )

    def clear_target(self, goal_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            repo.live_goal(s, goal_id)
            s.execute(delete(GoalTarget).where(GoalTarget.goal_id == goal_id))
        return Written(None, ChangeSet(goals=True, records=frozenset({"goal_target"}), label="clear a target"))

    def link_community(self, goal_id: int, community_id: int, linked: bool = True) -> Written[None]:
        with self._sessions.begin() as s:
            repo.live_goal(s, goal_id)
            if s.get(CommunityRow, community_id) is None:
                raise NotFoundError(f"no community with id {community_id}")
            existing = s.get(GoalCommunity, (goal_id, community_id))
            if linked and existing is None:
                s.add(GoalCommunity(goal_id=goal_id, community_id=community_id))
            elif not linked and existing is not None:
                s.delete(existing)
        return Written(None, ChangeSet(goals=True, records=frozenset({"community"}), label="goal and community"))

    def progress(self, today: date | None = None) -> list[GoalProgress]:
        """Every active goal with its target and progress, in the Goals page's order."""
        today = today or date.today()
        with self._sessions() as s:
            goals = s.scalars(select(Goal).where(Goal.archived.is_(False)).order_by(Goal.position, Goal.id)).all()
            return [self._progress(s, g, today) for g in goals]

    def progress_of(self, goal_id: int, today: date | None = None) -> GoalProgress:
        today = today or date.today()
        with self._sessions() as s:
            return self._progress(s, repo.live_goal(s, goal_id), today)

    # --- computing ---------------------------------------------------------------------------------------------

    def _progress(self, s: Session, goal: Goal, today: date) -> GoalProgress:
        communities = tuple(
            (cid, name)
            for cid, name in s.execute(
                select(CommunityRow.id, CommunityRow.name)
                .join(GoalCommunity, GoalCommunity.community_id == CommunityRow.id)
                .where(GoalCommunity.goal_id == goal.id)
                .order_by(CommunityRow.name_folded)
            )
        )
        row = s.get(GoalTarget, goal.id)
        if row is None:
            return GoalProgress(goal.id, goal.name, None, None, communities)
        target = TargetDTO(GoalMetric(row.metric), row.target, row.horizon, row.starts_on, row.focus)
        done = self._count(s, goal.id, target, [c for c, _ in communities])
        return GoalProgress(
            goal.id,
            goal.name,
            target,
            practices.progress(done, target.target, target.starts_on, target.horizon, today),
            communities,
        )

    def _count(self, s: Session, goal_id: int, t: TargetDTO, communities: list[int]) -> int:
        start, end = _stamp(t.starts_on), _stamp(t.horizon + timedelta(days=1))
        params: dict[str, object] = {
            "start": start,
            "end": end,
            "day0": t.starts_on.isoformat(),
            "day1": t.horizon.isoformat(),
        }
        if t.metric is GoalMetric.CONTRIBUTIONS:
            focus_kind = {k.value: k for k in ContributionKind}.get(fold(t.focus).replace("-", "_").rstrip("s"))
            if focus_kind is not None:
                sql = "SELECT COUNT(*) FROM contributions WHERE kind = :kind AND occurred_on BETWEEN :day0 AND :day1"
                params["kind"] = focus_kind.value
            else:
                sql = (
                    "SELECT COUNT(*) FROM contributions WHERE occurred_on BETWEEN :day0 AND :day1"
                    " AND (goal_id = :goal OR community_id IN (SELECT value FROM json_each(:communities)))"
                )
                params.update(goal=goal_id, communities=json.dumps(communities))
            return int(s.execute(text(sql), params).scalar_one())
        people = self._people(s, goal_id, t.focus, communities)
        params["people"] = json.dumps(sorted(people)) if people is not None else "[]"
        if t.metric is GoalMetric.INTRODUCTIONS:  # made or received, involving one of the goal's people
            sql = "SELECT COUNT(*) FROM introductions WHERE introduced_on BETWEEN :day0 AND :day1"
            if people is not None:
                sql += (
                    " AND (introducer_id IN (SELECT value FROM json_each(:people))"
                    " OR a_id IN (SELECT value FROM json_each(:people))"
                    " OR b_id IN (SELECT value FROM json_each(:people)))"
                )
            return int(s.execute(text(sql), params).scalar_one())
        only = "" if people is None else " AND p.contact_id IN (SELECT value FROM json_each(:people))"
        if t.metric is GoalMetric.NEW_PEOPLE:
            only_c = "" if people is None else " AND c.id IN (SELECT value FROM json_each(:people))"
            sql = (
                "SELECT COUNT(*) FROM contacts c WHERE c.deleted_at IS NULL AND c.kind = 'person'"
                " AND date(COALESCE(c.connected_on, c.created_at)) BETWEEN :day0 AND :day1" + only_c
            )
        elif t.metric is GoalMetric.PEOPLE_MET:
            sql = (
                "SELECT COUNT(DISTINCT p.contact_id) FROM interactions i JOIN interaction_participants p"
                " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
                " WHERE c.deleted_at IS NULL AND p.role = 'participant' AND i.kind IN ('meeting', 'call', 'event')"
                " AND i.occurred_at >= :start AND i.occurred_at < :end" + only
            )
        else:
            sql = (
                "SELECT COUNT(DISTINCT i.id) FROM interactions i JOIN interaction_participants p"
                " ON p.interaction_id = i.id WHERE i.occurred_at >= :start AND i.occurred_at < :end"
                " AND (i.id IN (SELECT interaction_id FROM goal_interactions WHERE goal_id = :goal)"
                + (" OR 1" if people is None else " OR p.contact_id IN (SELECT value FROM json_each(:people))")
                + ")"
            )
            params["goal"] = goal_id
        return int(s.execute(text(sql), params).scalar_one())

    @staticmethod
    def _people(s: Session, goal_id: int, focus: str, communities: list[int]) -> set[int] | None:
        """The people a target counts (None: everybody)."""
        if focus.strip():
            wanted = fold(focus.strip())
            tagged = set(
                s.execute(
                    text(
                        "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                        " WHERE t.name_folded = :f"
                    ),
                    {"f": wanted},
                ).scalars()
            )
            # Organisation: compared folded, on the few rows the full-text index finds; the focus's words are quoted
            # as the search quotes them (a quote or an FTS5 operator in it is plain text).
            match = search.match_expression(wanted)
            found = (
                s.execute(
                    text(
                        "SELECT id, organization FROM contacts WHERE id IN"
                        " (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :m)"
                    ),
                    {"m": match},
                ).all()
                if match
                else []
            )
            at_org = {cid for cid, org in found if wanted in fold(org)}
            return tagged | at_org
        linked = set(s.scalars(select(GoalContact.contact_id).where(GoalContact.goal_id == goal_id)))
        if communities:
            linked |= set(
                s.execute(
                    text(
                        "SELECT contact_id FROM community_people"
                        " WHERE community_id IN (SELECT value FROM json_each(:c))"
                    ),
                    {"c": json.dumps(communities)},
                ).scalars()
            )
        return linked or None


__all__ = ["GoalProgress", "GoalTargetService", "TargetDTO"]
