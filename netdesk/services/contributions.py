"""ContributionService: becoming better known. A log of what you put out (post, article, talk, answer, newsletter,
open-source work) that needs no contact and can belong to a community and a goal; rhythms per kind ("a post every
10 days") whose lapse is a Due item; contributions per month for the Dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core import practices
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.practices import ContributionKind
from netdesk.db import repository as repo
from netdesk.db.tables import CommunityRow, ContributionRhythm, ContributionRow, Goal

CHANGED = frozenset({"contribution"})


@dataclass(frozen=True, slots=True)
class ContributionDTO:
    kind: ContributionKind
    title: str
    occurred_on: date
    link: str = ""
    notes: str = ""
    community_id: int | None = None
    goal_id: int | None = None
    id: int | None = None
    community_name: str = ""  # filled when read
    goal_name: str = ""


@dataclass(frozen=True, slots=True)
class ContributionMonth:
    month: str  # YYYY-MM
    kind: ContributionKind
    count: int


def _kind(value: ContributionKind | str) -> ContributionKind:
    try:
        return ContributionKind(value)
    except ValueError:
        allowed = ", ".join(k.value for k in ContributionKind)
        raise ValidationError("kind", f"A contribution is one of: {allowed}.") from None


class ContributionService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def save(self, contribution: ContributionDTO) -> Written[ContributionDTO]:
        """Log (``id`` None) or edit a contribution."""
        kind = _kind(contribution.kind)
        title = " ".join(contribution.title.split())
        if not title:
            raise ValidationError("title", "A contribution needs a title.")
        practices.check_day(contribution.occurred_on, "A contribution", "occurred_on")
        link = contribution.link.strip()
        if link and not link.lower().startswith(("http://", "https://")):
            raise ValidationError("link", "A link starts with http:// or https://.")
        with self._sessions.begin() as s:
            if contribution.community_id is not None and s.get(CommunityRow, contribution.community_id) is None:
                raise NotFoundError(f"no community with id {contribution.community_id}")
            if contribution.goal_id is not None:
                goal = s.get(Goal, contribution.goal_id)
                if goal is None or goal.archived:
                    raise NotFoundError(f"no goal with id {contribution.goal_id}")
            if contribution.id is None:
                row = ContributionRow(created_at=repo.utcnow())
                s.add(row)
            else:
                found = s.get(ContributionRow, contribution.id)
                if found is None:
                    raise NotFoundError(f"no contribution with id {contribution.id}")
                row = found
            row.kind, row.title, row.link, row.notes = kind.value, title, link, contribution.notes
            row.occurred_on = contribution.occurred_on
            row.community_id, row.goal_id = contribution.community_id, contribution.goal_id
            s.flush()
            result = self._dto(s, row)
        label = f"{kind.noun} “{title[:40]}”"
        return Written(
            result, ChangeSet(networking=True, goals=result.goal_id is not None, records=CHANGED, label=label)
        )

    def delete(self, contribution_id: int) -> Written[None]:
        with self._sessions.begin() as s:
            row = s.get(ContributionRow, contribution_id)
            if row is None:
                raise NotFoundError(f"no contribution with id {contribution_id}")
            s.delete(row)
        return Written(None, ChangeSet(networking=True, goals=True, records=CHANGED, label="delete of a contribution"))

    def recent(
        self,
        kind: ContributionKind | str | None = None,
        community_id: int | None = None,
        goal_id: int | None = None,
        limit: int | None = None,
    ) -> list[ContributionDTO]:
        """Newest first."""
        with self._sessions() as s:
            stmt = select(ContributionRow).order_by(ContributionRow.occurred_on.desc(), ContributionRow.id.desc())
            if kind is not None:
                stmt = stmt.where(ContributionRow.kind == _kind(kind).value)
            if community_id is not None:
                stmt = stmt.where(ContributionRow.community_id == community_id)
            if goal_id is not None:
                stmt = stmt.where(ContributionRow.goal_id == goal_id)
            return [self._dto(s, r) for r in s.scalars(stmt.limit(limit))]

    # --- rhythms -----------------------------------------------------------------------------------------------

    def set_rhythm(self, kind: ContributionKind | str, every_days: int | None) -> Written[None]:
        """ "A post every 10 days" (None: no rhythm for that kind)."""
        k = _kind(kind)
        if every_days is not None and not 1 <= every_days <= 366:
            raise ValidationError("every_days", "A rhythm is every 1 to 366 days.")
        with self._sessions.begin() as s:
            row = s.get(ContributionRhythm, k.value)
            if every_days is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(ContributionRhythm(kind=k.value, every_days=every_days))
            else:
                row.every_days = every_days
        return Written(None, ChangeSet(networking=True, records=CHANGED, label=f"{k.noun} rhythm"))

    def rhythms(self) -> dict[ContributionKind, int]:
        with self._sessions() as s:
            return {
                ContributionKind(k): d
                for k, d in s.execute(select(ContributionRhythm.kind, ContributionRhythm.every_days))
            }

    # --- dashboard ---------------------------------------------------------------------------------------------

    def per_month(self, months: int = 12, today: date | None = None) -> list[ContributionMonth]:
        keys = rules.last_months(today or date.today(), months)
        if not keys:
            return []
        with self._sessions() as s:
            rows = s.execute(
                text(
                    "SELECT strftime('%Y-%m', occurred_on) AS month, kind, COUNT(*) FROM contributions"
                    " WHERE occurred_on >= :start GROUP BY month, kind ORDER BY month, kind"
                ),
                {"start": f"{keys[0]}-01"},
            ).all()
        return [ContributionMonth(m, ContributionKind(k), n) for m, k, n in rows if m <= keys[-1]]

    @staticmethod
    def _dto(s: Session, r: ContributionRow) -> ContributionDTO:
        community = s.get(CommunityRow, r.community_id) if r.community_id is not None else None
        goal = s.get(Goal, r.goal_id) if r.goal_id is not None else None
        return ContributionDTO(
            ContributionKind(r.kind),
            r.title,
            r.occurred_on,
            r.link,
            r.notes,
            r.community_id,
            r.goal_id,
            r.id,
            community.name if community is not None else "",
            goal.name if goal is not None and not goal.archived else "",
        )


__all__ = ["ContributionDTO", "ContributionMonth", "ContributionService"]
