"""The networking goals ("Better known", "Find a co-founder"): create, rename, archive, link people and interactions,
and the overview the Goals page shows. A part of ``NetworkingService`` (its public API is unchanged)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.db import repository as repo
from netdesk.db.tables import Contact, Goal, GoalContact, GoalInteraction, Interaction

DEFAULT_GOALS = ("Better known", "Better equipped", "Better connected")
STALE_GOAL_CONTACT_DAYS = 60


@dataclass(frozen=True, slots=True)
class GoalInfo:
    id: int
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class GoalPerson:
    contact_id: int
    name: str
    last_contacted: datetime | None = None


@dataclass(frozen=True, slots=True)
class GoalOverview:
    goal_id: int
    name: str
    people: tuple[GoalPerson, ...]
    interactions_this_month: int
    interactions_this_quarter: int
    stale: tuple[GoalPerson, ...]  # linked people not contacted for 60+ days (or never)


class NetworkingGoals:
    """Goals and their links; ``NetworkingService`` provides the sessions."""

    _sessions: sessionmaker[Session]

    # --- goals -------------------------------------------------------------------------------------------

    def goals(self) -> list[GoalInfo]:
        # No goal exists until the user creates one (the Goals page offers DEFAULT_GOALS as suggestions).
        with self._sessions() as s:
            rows = s.scalars(select(Goal).where(Goal.archived.is_(False)).order_by(Goal.position, Goal.id))
            return [GoalInfo(g.id, g.name, g.description) for g in rows]

    def create_goal(self, name: str, description: str = "") -> Written[GoalInfo]:
        name = self._goal_name(name)
        with self._sessions.begin() as s:
            position = (s.scalar(select(func.max(Goal.position))) or 0) + 1
            row = Goal(name=name, description=description, position=position, created_at=repo.utcnow())
            s.add(row)
            s.flush()
            info = GoalInfo(row.id, row.name, row.description)
        return Written(info, ChangeSet(goals=True, label=f"new goal {name}"))

    def rename_goal(self, goal_id: int, name: str) -> Written[GoalInfo]:
        name = self._goal_name(name)
        with self._sessions.begin() as s:
            row = repo.live_goal(s, goal_id)
            row.name = name
            info = GoalInfo(row.id, row.name, row.description)
        return Written(info, ChangeSet(goals=True, label=f"rename of goal {name}"))

    def delete_goal(self, goal_id: int) -> Written[None]:
        """Remove the goal and its links (the row stays, archived)."""
        with self._sessions.begin() as s:
            row = repo.live_goal(s, goal_id)
            row.archived = True
            name = row.name
            s.execute(delete(GoalContact).where(GoalContact.goal_id == goal_id))
            s.execute(delete(GoalInteraction).where(GoalInteraction.goal_id == goal_id))
        return Written(None, ChangeSet(goals=True, label=f"delete goal {name}"))

    def link_contact(self, goal_id: int, contact_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            goal = repo.live_goal(s, goal_id)
            who = repo.live_contact(s, contact_id)
            if s.get(GoalContact, (goal_id, contact_id)) is None:
                s.add(GoalContact(goal_id=goal_id, contact_id=contact_id))
            label = f"link of {who.display_name} to {goal.name}"
        return Written(None, ChangeSet(contacts=frozenset({contact_id}), goals=True, label=label))

    def unlink_contact(self, goal_id: int, contact_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            s.execute(delete(GoalContact).where(GoalContact.goal_id == goal_id, GoalContact.contact_id == contact_id))
        return Written(None, ChangeSet(contacts=frozenset({contact_id}), goals=True, label="unlink from a goal"))

    def link_interaction(self, goal_id: int, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            goal = repo.live_goal(s, goal_id)
            if s.get(Interaction, interaction_id) is None:
                raise NotFoundError(f"no interaction with id {interaction_id}")
            if s.get(GoalInteraction, (goal_id, interaction_id)) is None:
                s.add(GoalInteraction(goal_id=goal_id, interaction_id=interaction_id))
            label = f"link to {goal.name}"
        return Written(None, ChangeSet(interactions=frozenset({interaction_id}), goals=True, label=label))

    def unlink_interaction(self, goal_id: int, interaction_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            s.execute(
                delete(GoalInteraction).where(
                    GoalInteraction.goal_id == goal_id, GoalInteraction.interaction_id == interaction_id
                )
            )
        return Written(
            None, ChangeSet(interactions=frozenset({interaction_id}), goals=True, label="unlink from a goal")
        )

    def goal_overview(self, today: date | None = None) -> list[GoalOverview]:
        """Per goal: linked people, interactions this month / quarter (linked ones and those with linked people),
        and linked people not contacted for 60 days or more."""
        today = today if today is not None else date.today()
        quarter = datetime.combine(rules.quarter_start(today), datetime.min.time())
        month = datetime.combine(rules.month_start(today), datetime.min.time())
        stale_before = datetime.combine(today - timedelta(days=STALE_GOAL_CONTACT_DAYS), datetime.min.time())
        with self._sessions() as s:
            goals = s.execute(
                select(Goal.id, Goal.name).where(Goal.archived.is_(False)).order_by(Goal.position, Goal.id)
            ).all()
            people: dict[int, list[GoalPerson]] = defaultdict(list)
            for gid, cid, name, last in s.execute(
                select(GoalContact.goal_id, Contact.id, Contact.display_name, Contact.last_contacted)
                .join(Contact, Contact.id == GoalContact.contact_id)
                .where(Contact.deleted_at.is_(None))
                .order_by(Contact.sort_key, Contact.id)
            ):
                people[gid].append(GoalPerson(cid, name, last))
            counts = {
                gid: (int(m or 0), int(q or 0))
                for gid, m, q in s.execute(
                    text(
                        "WITH goal_items AS ("
                        " SELECT goal_id, interaction_id FROM goal_interactions"
                        " UNION SELECT gc.goal_id, p.interaction_id FROM goal_contacts gc"
                        " JOIN interaction_participants p ON p.contact_id = gc.contact_id)"
                        " SELECT g.goal_id, SUM(i.occurred_at >= :month), COUNT(*) FROM goal_items g"
                        " JOIN interactions i ON i.id = g.interaction_id"
                        " WHERE i.occurred_at >= :quarter AND i.occurred_at < :end GROUP BY g.goal_id"
                    ),
                    {
                        "month": month.isoformat(sep=" "),
                        "quarter": quarter.isoformat(sep=" "),
                        "end": datetime.combine(today + timedelta(days=1), datetime.min.time()).isoformat(sep=" "),
                    },
                )
            }
        return [
            GoalOverview(
                gid,
                name,
                tuple(people[gid]),
                *counts.get(gid, (0, 0)),
                tuple(p for p in people[gid] if p.last_contacted is None or p.last_contacted < stale_before),
            )
            for gid, name in goals
        ]

    def goal_interactions(self, goal_id: int) -> list[int]:
        with self._sessions() as s:
            return list(s.scalars(select(GoalInteraction.interaction_id).where(GoalInteraction.goal_id == goal_id)))

    @staticmethod
    def _goal_name(name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValidationError("name", "A goal needs a name.")
        return name
