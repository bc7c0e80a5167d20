"""IntroductionService: introductions as a workflow.

- An ask: you ask an introducer to introduce you to a target (a contact, or a description such as "Globex's CTO"),
  moving through asked → agreed → they opted in → introduced → an outcome (met, helped, hired, deal, nothing).
- An introduction you make: double opt-in. You ask each side; once both said yes you introduce them, then note the
  outcome.

Every step is dated; a step unmoved for INTRO_STALL_DAYS is a Due item. Introducing logs one introduction
interaction (on the timelines of those involved); closing with an outcome records the favour (received from your
introducer, or given to the two people you introduced) and, for an ask, offers a thank-you to copy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from rapidfuzz import fuzz, process
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core import networking as rules
from netdesk.core import practices
from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import Channel, Direction, InteractionDTO, InteractionKind, Participant, ParticipantRole
from netdesk.core.normalize import fold
from netdesk.core.practices import IntroKind, IntroState, Outcome, TemplateName
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.tables import Contact, Interaction, IntroductionRow, IntroTemplate, Relationship
from netdesk.services.owner import owner_name
from netdesk.services.timeline import TimelineService, index_interactions, refresh_last_contacted

CHANGED = frozenset({"introduction"})


@dataclass(frozen=True, slots=True)
class IntroductionDTO:
    id: int
    kind: IntroKind
    state: IntroState
    introducer_id: int | None  # ask: who you asked; make: None (you)
    introducer_name: str
    a_id: int | None  # make: one side; ask: None (you)
    a_name: str
    b_id: int | None  # the target (ask) or the other side (make), when a contact
    b_name: str  # the target's name, or its description for an ask
    reason: str
    outcome: Outcome | None
    asked_on: date
    agreed_on: date | None
    a_opted_in_on: date | None
    b_opted_in_on: date | None
    introduced_on: date | None
    closed_on: date | None
    moved_on: date
    interaction_id: int | None
    favour_id: int | None

    @property
    def title(self) -> str:
        if self.kind is IntroKind.ASK:
            return f"{self.introducer_name} to introduce you to {self.b_name}"
        return f"Introduce {self.a_name} and {self.b_name}"

    @property
    def open(self) -> bool:
        return self.state not in (IntroState.CLOSED, IntroState.DECLINED)

    @property
    def steps(self) -> list[tuple[str, date]]:
        """The dated steps so far, oldest first, as the user reads them."""
        if self.kind is IntroKind.ASK:
            named = [
                (f"asked {self.introducer_name}", self.asked_on),
                (f"{self.introducer_name} agreed", self.agreed_on),
                (f"{self.b_name} opted in", self.b_opted_in_on),
            ]
        else:
            named = [
                ("asked both sides", self.asked_on),
                (f"{self.a_name} opted in", self.a_opted_in_on),
                (f"{self.b_name} opted in", self.b_opted_in_on),
            ]
        named += [("introduced", self.introduced_on)]
        if self.state is IntroState.DECLINED:
            named.append(("declined", self.closed_on))
        elif self.outcome is not None:
            named.append((f"outcome: {self.outcome.value}", self.closed_on))
        return [(label, when) for label, when in named if when is not None]


@dataclass(frozen=True, slots=True)
class Closed:
    """A closed introduction and, for an ask, the thank-you to send its introducer."""

    introduction: IntroductionDTO
    thank_you: str


@dataclass(frozen=True, slots=True)
class TargetSuggestion:
    label: str  # what the field shows
    contact_id: int | None  # a person (or organisation contact); None: an organisation known only by name
    organization: str  # the organisation to look for introducers at ("" for a person)


# The messages each kind has, as the Intro tracker offers them: an ask is yours to send the introducer; the opt-ins
# and the introduction are yours to send when you make one (in an ask, the introducer writes those).
_MESSAGES = {
    IntroKind.ASK: frozenset({TemplateName.ASK}),
    IntroKind.MAKE: frozenset({TemplateName.OPTIN, TemplateName.INTRODUCTION}),
}


def _name(s: Session, cid: int | None) -> str:
    if cid is None:
        return ""
    row = s.get(Contact, cid)
    return (row.display_name or f"Contact #{cid}") if row is not None else f"Contact #{cid}"


def _live(s: Session, cid: int, role: str) -> Contact:
    row = s.get(Contact, cid)
    if row is None:
        raise NotFoundError(f"no contact with id {cid}")
    if row.deleted_at is not None:
        raise ValidationError(role, f"{row.display_name or 'This contact'} is in the Trash: restore them first.")
    return row


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0))


def _log_in(s: Session, dto: InteractionDTO) -> Interaction:
    """Log an interaction inside the caller's transaction (TimelineService.log opens its own)."""
    row = TimelineService._apply(s, Interaction(created_at=repo.utcnow()), dto)
    s.add(row)
    s.flush()
    index_interactions(s, [row])
    refresh_last_contacted(s, dto.contact_ids)
    return row


class IntroductionService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- reading -----------------------------------------------------------------------------------------------

    def get(self, intro_id: int) -> IntroductionDTO:
        with self._sessions() as s:
            return self._dto(s, self._row(s, intro_id))

    def list_all(self, open_only: bool = False) -> list[IntroductionDTO]:
        """Open introductions first (longest waiting first), then closed ones, newest first."""
        with self._sessions() as s:
            stmt = select(IntroductionRow)
            if open_only:
                stmt = stmt.where(IntroductionRow.closed_on.is_(None))
            dtos = [self._dto(s, r) for r in s.scalars(stmt)]
        return sorted(dtos, key=lambda d: (not d.open, d.moved_on if d.open else -d.moved_on.toordinal(), d.id))

    # --- starting ----------------------------------------------------------------------------------------------

    def ask(
        self,
        introducer_id: int,
        target_id: int | None = None,
        target_text: str = "",
        reason: str = "",
        on: date | None = None,
    ) -> Written[IntroductionDTO]:
        """ "Ask Priya to introduce me to Globex's CTO": the target is a contact or a description."""
        target_text = " ".join(target_text.split())
        if target_id is None and not target_text:
            raise ValidationError("target", "Say whom you want to be introduced to.")
        if target_id == introducer_id:
            raise ValidationError("target", "The introducer and the person you want to meet are the same.")
        day = on or date.today()
        practices.check_day(day, "An introduction")
        with self._sessions.begin() as s:
            introducer = _live(s, introducer_id, "introducer")
            if target_id is not None:
                _live(s, target_id, "target")
            row = self._new(s, IntroKind.ASK, day, introducer_id=introducer_id, b_id=target_id, target=target_text)
            row.reason = reason.strip()
            result = self._dto(s, row)
            label = f"ask {introducer.display_name} for an introduction"
        return Written(result, self._changes(label, {introducer_id}))

    def propose(self, a_id: int, b_id: int, reason: str = "", on: date | None = None) -> Written[IntroductionDTO]:
        """An introduction you make, double opt-in: you ask ``a`` and ``b`` first (this step), introduce later."""
        if a_id == b_id:
            raise ValidationError("b", "An introduction needs two different people.")
        day = on or date.today()
        practices.check_day(day, "An introduction")
        with self._sessions.begin() as s:
            a, b = _live(s, a_id, "a"), _live(s, b_id, "b")
            row = self._new(s, IntroKind.MAKE, day, a_id=a_id, b_id=b_id)
            row.reason = reason.strip()
            result = self._dto(s, row)
            label = f"introduction of {a.display_name} and {b.display_name}"
        return Written(result, self._changes(label, {a_id, b_id}))

    @staticmethod
    def _new(
        s: Session,
        kind: IntroKind,
        day: date,
        introducer_id: int | None = None,
        a_id: int | None = None,
        b_id: int | None = None,
        target: str = "",
    ) -> IntroductionRow:
        row = IntroductionRow(
            kind=kind.value,
            state=IntroState.ASKED.value,
            introducer_id=introducer_id,
            a_id=a_id,
            b_id=b_id,
            target_text=target,
            reason="",
            outcome="",
            asked_on=day,
            moved_on=day,
            created_at=repo.utcnow(),
        )
        s.add(row)
        s.flush()
        return row

    # --- steps -------------------------------------------------------------------------------------------------

    def agreed(self, intro_id: int, on: date | None = None) -> Written[IntroductionDTO]:
        """Ask: the introducer agreed to introduce you."""
        return self._step(intro_id, IntroState.AGREED, on, kind=IntroKind.ASK)

    def opted_in(self, intro_id: int, side: str = "b", on: date | None = None) -> Written[IntroductionDTO]:
        """A side said yes. Ask: the target (side "b"). Make: side "a" or "b"; both yes moves it to opted in."""
        if side not in ("a", "b"):
            raise ValidationError("side", "A side is a or b.")
        day = on or date.today()
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            kind, state = IntroKind(row.kind), IntroState(row.state)
            self._check_day(row, day)
            if kind is IntroKind.ASK:
                if side != "b":
                    raise ValidationError("side", "In an ask, only the person you want to meet opts in.")
                practices.check_move(kind, state, IntroState.OPTED_IN)
                row.b_opted_in_on = day
                row.state = IntroState.OPTED_IN.value
            else:
                if state is not IntroState.ASKED:
                    practices.check_move(kind, state, IntroState.OPTED_IN)
                said = row.a_opted_in_on if side == "a" else row.b_opted_in_on
                if said is not None:
                    who = _name(s, row.a_id if side == "a" else row.b_id)
                    raise ValidationError("side", f"{who} already opted in on {said.isoformat()}.")
                if side == "a":
                    row.a_opted_in_on = day
                else:
                    row.b_opted_in_on = day
                if row.a_opted_in_on is not None and row.b_opted_in_on is not None:
                    row.state = IntroState.OPTED_IN.value
            row.moved_on = day
            result = self._dto(s, row)
        who = result.b_name if side == "b" else result.a_name
        return Written(result, self._changes(f"{who} opted in", self._people(result)))

    def introduce(self, intro_id: int, on: date | None = None, notes: str = "") -> Written[IntroductionDTO]:
        """The introduction is made: one introduction interaction on the timelines of those involved; the two people
        introduced get a "knows" relationship (for an ask: you are one side, so only the interaction)."""
        day = on or date.today()
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            kind = IntroKind(row.kind)
            practices.check_move(kind, IntroState(row.state), IntroState.INTRODUCED)
            self._check_day(row, day)
            for cid, role in ((row.introducer_id, "introducer"), (row.a_id, "a"), (row.b_id, "b")):
                if cid is not None:
                    _live(s, cid, role)
            me = owner_name(s)
            dto = self._dto(s, row)
            if kind is IntroKind.ASK:
                participants = [Participant(row.introducer_id or 0, ParticipantRole.INTRODUCER)]
                if row.b_id is not None:
                    participants.append(Participant(row.b_id))
                summary = f"{dto.introducer_name} introduced you to {dto.b_name}"
            else:
                participants = [Participant(row.a_id or 0), Participant(row.b_id or 0)]
                summary = f"{me if me != 'You' else 'You'} introduced {dto.a_name} and {dto.b_name}"
                self._knows(s, row.a_id or 0, row.b_id or 0, f"introduced by {me}")
            logged = _log_in(
                s,
                InteractionDTO(
                    occurred_at=_at(day),
                    kind=InteractionKind.INTRODUCTION,
                    channel=Channel.ONLINE,
                    summary=summary,
                    notes=notes or row.reason,
                    participants=tuple(participants),
                ),
            )
            row.introduced_on = day
            row.moved_on = day
            row.state = IntroState.INTRODUCED.value
            row.interaction_id = logged.id
            result = self._dto(s, row)
            interactions = frozenset({logged.id})
        changes = self._changes(f"introduction: {result.title}", self._people(result))
        return Written(result, replace(changes, interactions=interactions))

    def close(self, intro_id: int, outcome: Outcome | str, on: date | None = None) -> Written[Closed]:
        """Note the outcome. The favour is recorded (received from your introducer for an ask, given to both people
        for one you made) and an ask offers a thank-you message for the introducer."""
        try:
            result_outcome = Outcome(outcome)
        except ValueError:
            raise ValidationError("outcome", "An outcome is met, helped, hired, deal or nothing.") from None
        day = on or date.today()
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            kind = IntroKind(row.kind)
            practices.check_move(kind, IntroState(row.state), IntroState.CLOSED)
            self._check_day(row, day)
            dto = self._dto(s, row)
            if kind is IntroKind.ASK:
                favour = InteractionDTO(
                    occurred_at=_at(day),
                    kind=InteractionKind.FAVOUR_RECEIVED,
                    direction=Direction.IN,
                    summary=f"Introduced me to {dto.b_name} ({result_outcome.value})",
                    participants=(Participant(row.introducer_id or 0),),
                )
            else:
                favour = InteractionDTO(
                    occurred_at=_at(day),
                    kind=InteractionKind.FAVOUR_GIVEN,
                    direction=Direction.OUT,
                    summary=f"Introduced {dto.a_name} and {dto.b_name} ({result_outcome.value})",
                    participants=(Participant(row.a_id or 0), Participant(row.b_id or 0)),
                )
            logged = _log_in(s, favour)
            row.outcome = result_outcome.value
            row.closed_on = day
            row.moved_on = day
            row.state = IntroState.CLOSED.value
            row.favour_id = logged.id
            closed = self._dto(s, row)
            thank_you = ""
            if kind is IntroKind.ASK:
                thank_you = (
                    f"Hi {practices.first_name(closed.introducer_name)},\n\nThank you for introducing me to "
                    f"{closed.b_name}. {_OUTCOME_THANKS[result_outcome]}\n\n{owner_name(s)}"
                )
            favour_id = logged.id
        changes = self._changes(f"outcome of {closed.title}", self._people(closed))
        return Written(Closed(closed, thank_you), replace(changes, interactions=frozenset({favour_id})))

    def decline(self, intro_id: int, on: date | None = None) -> Written[IntroductionDTO]:
        """Someone said no (or you let it go): closed without an introduction."""
        day = on or date.today()
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            practices.check_move(IntroKind(row.kind), IntroState(row.state), IntroState.DECLINED)
            self._check_day(row, day)
            row.state = IntroState.DECLINED.value
            row.closed_on = day
            row.moved_on = day
            result = self._dto(s, row)
        return Written(result, self._changes(f"decline of {result.title}", self._people(result)))

    def delete(self, intro_id: int) -> Written[None]:
        """Forget an introduction noted by mistake (the favour and timeline entries it recorded stay)."""
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            result = self._dto(s, row)
            s.delete(row)
        return Written(None, self._changes(f"delete of “{result.title}”", self._people(result)))

    def _step(self, intro_id: int, to: IntroState, on: date | None, kind: IntroKind) -> Written[IntroductionDTO]:
        day = on or date.today()
        with self._sessions.begin() as s:
            row = self._row(s, intro_id)
            if IntroKind(row.kind) is not kind:
                raise ValidationError("state", f"Only an introduction you ask for is {to.label}.")
            practices.check_move(kind, IntroState(row.state), to)
            self._check_day(row, day)
            row.agreed_on = day
            row.state = to.value
            row.moved_on = day
            result = self._dto(s, row)
        return Written(result, self._changes(f"{result.introducer_name} {to.label}", self._people(result)))

    # --- messages ----------------------------------------------------------------------------------------------

    def templates(self) -> dict[TemplateName, str]:
        with self._sessions() as s:
            stored = {name: body for name, body in s.execute(select(IntroTemplate.name, IntroTemplate.body))}
        return {name: stored.get(name.value, practices.DEFAULT_TEMPLATES[name]) for name in TemplateName}

    def set_template(self, name: TemplateName | str, body: str | None) -> Written[str]:
        """Your wording for a message (None or blank: back to NetDesk's)."""
        try:
            key = TemplateName(name)
        except ValueError:
            raise ValidationError("template", "A template is ask, optin or introduction.") from None
        with self._sessions.begin() as s:
            row = s.get(IntroTemplate, key.value)
            if body is None or not body.strip():
                if row is not None:
                    s.delete(row)
                value = practices.DEFAULT_TEMPLATES[key]
            else:
                if row is None:
                    s.add(IntroTemplate(name=key.value, body=body))
                else:
                    row.body = body
                value = body
        return Written(value, ChangeSet(records=frozenset({"introduction_template"}), label=f"{key.value} template"))

    def message(self, intro_id: int, template: TemplateName | str, side: str = "a") -> str:
        """The message for a step, filled with both people's context, ready to copy. For the opt-in of an
        introduction you make, ``side`` says whom it is addressed to."""
        key = TemplateName(template)
        body = self.templates()[key]
        with self._sessions() as s:
            row = self._row(s, intro_id)
            dto = self._dto(s, row)
            if key not in _MESSAGES[dto.kind]:
                what = "an introduction you ask for" if dto.kind is IntroKind.ASK else "an introduction you make"
                raise ValidationError("template", f"{what.capitalize()} has no {key.value} message.")
            me = owner_name(s)
            ctx = {cid: self._context(s, cid) for cid in (row.introducer_id, row.a_id, row.b_id) if cid is not None}
        a_name = dto.a_name if dto.kind is IntroKind.MAKE else me
        b_ctx = ctx.get(row.b_id or -1, "")
        values = {
            "me": me,
            "reason": dto.reason,
            "introducer": dto.introducer_name,
            "introducer_first": practices.first_name(dto.introducer_name),
            "target": dto.b_name,
            "target_context": b_ctx,
            "a": a_name,
            "a_first": practices.first_name(a_name),
            "a_context": ctx.get(row.a_id or -1, ""),
            "b": dto.b_name,
            "b_first": practices.first_name(dto.b_name),
            "b_context": b_ctx,
        }
        person, other = (("a", "b") if side == "a" else ("b", "a")) if dto.kind is IntroKind.MAKE else ("b", "a")
        values["person"] = values[person]
        values["person_first"] = values[f"{person}_first"]
        values["other"] = values[other]
        values["other_context"] = values[f"{other}_context"]
        filled = practices.fill_template(body, values)
        return "\n".join(line.rstrip() for line in filled.splitlines())

    @staticmethod
    def _context(s: Session, cid: int) -> str:
        row = s.get(Contact, cid)
        if row is None:
            return ""
        return practices.context_of(row.title.strip(), row.organization.strip())

    # --- the target field --------------------------------------------------------------------------------------

    def target_suggestions(self, typed: str, limit: int = 12) -> list[TargetSuggestion]:
        """People and organisations for what was typed, accent- and case-insensitive: every word a prefix of a word
        of the name ("sakura" finds "Sakura Design Studio", "zur" finds "Zürich"); a near miss ("Sakra") when
        nothing matches that way."""
        words = search.match_expression(typed)
        if not words:
            return []
        typed_words = fold(typed).split()
        with self._sessions() as s:
            # The first matches of the full-text index (it also holds notes, emails …), kept when the name or the
            # organisation itself matches: a bounded read, so that a short prefix costs no more than a long one.
            rows = s.execute(
                text(
                    "SELECT id, kind, display_name, organization FROM contacts WHERE id IN"
                    " (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :m LIMIT 2000) AND deleted_at IS NULL"
                ),
                {"m": words},
            ).all()
            people: list[TargetSuggestion] = []
            orgs: dict[str, str] = {}
            for cid, kind, name, org in rows:
                if _words_match(typed_words, name):
                    label = f"{name} ({org})" if org and kind == "person" else name
                    people.append(TargetSuggestion(label, cid, org if kind == "organization" else ""))
                if org.strip() and _words_match(typed_words, org):
                    orgs.setdefault(fold(org.strip()), org.strip())
            if not people and not orgs and len(fold(typed).strip()) >= 4:
                # A near miss ("Lumen Robtics"): the closest organisation names by edit similarity, from the
                # organisation index.
                known: dict[str, str] = {}
                for (org,) in s.execute(
                    text(
                        "SELECT DISTINCT organization FROM contacts INDEXED BY ix_contacts_organization"
                        " WHERE organization > ''"
                    )
                ):
                    known.setdefault(fold(org.strip()), org.strip())
                for key, _score, _index in process.extract(
                    fold(typed), list(known), scorer=fuzz.WRatio, limit=limit, score_cutoff=80
                ):
                    orgs[key] = known[key]
        people.sort(key=lambda t: fold(t.label))
        org_items = [TargetSuggestion(f"{o} (organisation)", None, o) for o in sorted(orgs.values(), key=fold)]
        return (org_items + people)[:limit]

    # --- helpers -----------------------------------------------------------------------------------------------

    @staticmethod
    def _row(s: Session, intro_id: int) -> IntroductionRow:
        row = s.get(IntroductionRow, intro_id) if 0 < intro_id < 2**63 else None  # SQLite's integers end there
        if row is None:
            raise NotFoundError(f"no introduction with id {intro_id}")
        return row

    @staticmethod
    def _check_day(row: IntroductionRow, day: date) -> None:
        practices.check_day(day, "A step of an introduction")
        if day < row.moved_on:
            raise ValidationError("on", f"A step cannot be dated before the previous one ({row.moved_on.isoformat()}).")

    @staticmethod
    def _knows(s: Session, a: int, b: int, notes: str) -> None:
        from_id, to_id, stored = rules.canonical_relationship(a, b, "knows")
        exists = s.scalar(
            select(Relationship.id).where(
                Relationship.from_id == from_id, Relationship.to_id == to_id, Relationship.type == stored
            )
        )
        if exists is None:
            s.add(Relationship(from_id=from_id, to_id=to_id, type=stored, notes=notes, created_at=repo.utcnow()))

    @staticmethod
    def _people(d: IntroductionDTO) -> set[int]:
        return {cid for cid in (d.introducer_id, d.a_id, d.b_id) if cid is not None}

    @staticmethod
    def _changes(label: str, contacts: set[int]) -> ChangeSet:
        return ChangeSet(contacts=frozenset(contacts), networking=True, records=CHANGED, label=label)

    @staticmethod
    def _dto(s: Session, r: IntroductionRow) -> IntroductionDTO:
        b_name = _name(s, r.b_id) if r.b_id is not None else r.target_text
        return IntroductionDTO(
            id=r.id,
            kind=IntroKind(r.kind),
            state=IntroState(r.state),
            introducer_id=r.introducer_id,
            introducer_name=_name(s, r.introducer_id) if r.introducer_id is not None else owner_name(s),
            a_id=r.a_id,
            a_name=_name(s, r.a_id) if r.a_id is not None else owner_name(s),
            b_id=r.b_id,
            b_name=b_name,
            reason=r.reason,
            outcome=Outcome(r.outcome) if r.outcome else None,
            asked_on=r.asked_on,
            agreed_on=r.agreed_on,
            a_opted_in_on=r.a_opted_in_on,
            b_opted_in_on=r.b_opted_in_on,
            introduced_on=r.introduced_on,
            closed_on=r.closed_on,
            moved_on=r.moved_on,
            interaction_id=r.interaction_id,
            favour_id=r.favour_id,
        )


_OUTCOME_THANKS = {
    Outcome.MET: "We met, and it was well worth it.",
    Outcome.HELPED: "They helped me a great deal.",
    Outcome.HIRED: "It led to a hire.",
    Outcome.DEAL: "It led to a deal.",
    Outcome.NOTHING: "Nothing came of it this time, but I am grateful you made the connection.",
}


def _words_match(typed: list[str], name: str) -> bool:
    words = fold(name).replace("-", " ").split()
    return all(any(w.startswith(t) for w in words) for t in typed)


__all__ = ["Closed", "IntroductionDTO", "IntroductionService", "TargetSuggestion"]
