"""OffersService: what people can help with and what they are looking for, and what you offer.

"Who could help with X?" reads people's offers; "Whom could I help?" matches people's needs against your offers
and your other contacts' offers, shows the words that matched and suggests the introduction. Offers and needs are
also in each contact's search document (db.practice_search), so the contact search finds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import ValidationError
from netdesk.core.normalize import fold
from netdesk.core.practices import matched_terms, terms
from netdesk.db import repository as repo
from netdesk.db.tables import OfferNeed

KINDS = ("offer", "need")


@dataclass(frozen=True, slots=True)
class OffersNeeds:
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HelpMatch:
    """Someone whose offer answers a question ("who could help with pricing?")."""

    contact_id: int
    name: str
    offer: str
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HelpSuggestion:
    """A person's need that you (``helper_id`` None) or another contact could meet, with the words that matched."""

    person_id: int
    person_name: str
    need: str
    helper_id: int | None
    helper_name: str
    offer: str
    matched: tuple[str, ...]

    @property
    def suggestion(self) -> str:
        if self.helper_id is None:
            return f"Offer {self.person_name} your help: {self.offer}"
        return f"Introduce {self.person_name} to {self.helper_name} ({self.offer})"


def _clean(texts: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for t in texts:
        t = " ".join(t.split())
        if t and fold(t) not in seen:
            seen[fold(t)] = t
    return list(seen.values())


def texts_of(s: Session, contact_id: int | None, kind: str) -> list[str]:
    who = OfferNeed.contact_id.is_(None) if contact_id is None else OfferNeed.contact_id == contact_id
    return list(s.scalars(select(OfferNeed.text).where(who, OfferNeed.kind == kind).order_by(OfferNeed.id)))


def replace_texts(s: Session, contact_id: int | None, kind: str, texts: Iterable[str]) -> None:
    """Make ``contact_id``'s (None: your) list of ``kind`` exactly ``texts``, keeping rows that stay (their ids)."""
    if kind not in KINDS:
        raise ValidationError("kind", "An entry is an offer or a need.")
    wanted = _clean(texts)
    who = OfferNeed.contact_id.is_(None) if contact_id is None else OfferNeed.contact_id == contact_id
    existing = {row.folded: row for row in s.scalars(select(OfferNeed).where(who, OfferNeed.kind == kind))}
    keep = {fold(t) for t in wanted}
    for folded, row in existing.items():
        if folded not in keep:
            s.delete(row)
    for t in wanted:
        if fold(t) not in existing:
            s.add(OfferNeed(contact_id=contact_id, kind=kind, text=t, folded=fold(t)))
    s.flush()


class OffersService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def of(self, contact_id: int | None) -> OffersNeeds:
        """A person's (None: your) offers and needs."""
        with self._sessions() as s:
            return OffersNeeds(tuple(texts_of(s, contact_id, "offer")), tuple(texts_of(s, contact_id, "need")))

    def set_for(
        self, contact_id: int | None, offers: Iterable[str] | None = None, needs: Iterable[str] | None = None
    ) -> Written[OffersNeeds]:
        """Replace a person's (None: your) offers and/or needs (a list left as None is kept)."""
        with self._sessions.begin() as s:
            name = "your"
            if contact_id is not None:
                name = f"{repo.live_contact(s, contact_id).display_name}'s"
            if offers is not None:
                replace_texts(s, contact_id, "offer", offers)
            if needs is not None:
                replace_texts(s, contact_id, "need", needs)
            if contact_id is not None:
                repo.refresh_fts(s, [contact_id])
            result = OffersNeeds(tuple(texts_of(s, contact_id, "offer")), tuple(texts_of(s, contact_id, "need")))
        contacts = frozenset() if contact_id is None else frozenset({contact_id})
        return Written(
            result, ChangeSet(contacts=contacts, records=frozenset({"offer"}), label=f"{name} offers and needs")
        )

    def who_could_help(self, query: str, limit: int = 50) -> list[HelpMatch]:
        """People whose offers share a word (or a longer form of one) with ``query``, most matched words first."""
        wanted = terms(query)
        if not wanted:
            return []
        with self._sessions() as s:
            rows = self._offers(s, "offer")
        found: list[HelpMatch] = []
        for cid, name, offer, _folded in rows:
            if cid is None:
                continue
            matched = matched_terms(wanted, terms(offer))
            if matched:
                found.append(HelpMatch(cid, name, offer, matched))
        found.sort(key=lambda m: (-len(m.matched), fold(m.name), m.contact_id, m.offer))
        return found[:limit]

    def whom_could_i_help(self, limit: int = 100) -> list[HelpSuggestion]:
        """Needs of people you know matched against your offers and other people's offers, best matches first."""
        with self._sessions() as s:
            needs = self._offers(s, "need")
            offers = self._offers(s, "offer")
        offer_terms = [(cid, name, offer, terms(offer)) for cid, name, offer, _ in offers]
        found: list[HelpSuggestion] = []
        for person_id, person_name, need, _ in needs:
            if person_id is None:
                continue
            need_terms = terms(need)
            for helper_id, helper_name, offer, o_terms in offer_terms:
                if helper_id == person_id:
                    continue
                matched = matched_terms(need_terms, o_terms)
                if matched:
                    found.append(
                        HelpSuggestion(person_id, person_name, need, helper_id, helper_name or "You", offer, matched)
                    )
        # Your own offers first (you can act at once), then by the number of matched words.
        found.sort(key=lambda h: (h.helper_id is not None, -len(h.matched), fold(h.person_name), h.person_id))
        return found[:limit]

    @staticmethod
    def _offers(s: Session, kind: str) -> list[tuple[int | None, str, str, str]]:
        """(contact id or None for you, display name, text, folded) of every live person's entries of ``kind``."""
        return [
            (cid, name or "", body, folded)
            for cid, name, body, folded in s.execute(
                text(
                    "SELECT o.contact_id, c.display_name, o.text, o.folded FROM offers_needs o"
                    " LEFT JOIN contacts c ON c.id = o.contact_id"
                    " WHERE o.kind = :kind AND (o.contact_id IS NULL OR c.deleted_at IS NULL) ORDER BY o.id"
                ),
                {"kind": kind},
            )
        ]


__all__ = ["HelpMatch", "HelpSuggestion", "OffersNeeds", "OffersService", "replace_texts", "texts_of"]
