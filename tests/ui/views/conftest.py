"""Fixtures for the networking view tests (offscreen Qt; `nd` comes from tests/conftest.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk


def days_ago(n: int, hour: int = 10) -> datetime:
    return datetime.combine(date.today() - timedelta(days=n), datetime.min.time()).replace(hour=hour)


@pytest.fixture
def make_person(nd: NetDesk) -> Callable[..., int]:
    """make_person("Ada Lovelace", organization=…): a contact created long ago (no follow-up nudge)."""

    def make(name: str, **fields: object) -> int:
        given, _, family = name.partition(" ")
        fields.setdefault("created_at", datetime(2020, 1, 1))
        dto = ContactDTO(given_name=given, family_name=family, **fields)  # type: ignore[arg-type]
        cid = nd.contacts.create(dto).value.id
        assert cid is not None
        return cid

    return make


@pytest.fixture
def make_interaction(nd: NetDesk) -> Callable[..., int]:
    """make_interaction(contact_id or [ids], days_ago, kind=…, summary=…): logs it and returns its id."""

    def make(cid: int | list[int], ago: int, kind: InteractionKind = InteractionKind.CALL, **fields: object) -> int:
        ids = cid if isinstance(cid, list) else [cid]
        participants = tuple(Participant(i) for i in ids)
        dto = InteractionDTO(occurred_at=days_ago(ago), kind=kind, participants=participants, **fields)  # type: ignore[arg-type]
        iid = nd.timeline.log(dto).value.id
        assert iid is not None
        return iid

    return make
