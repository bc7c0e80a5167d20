"""Introductions as a workflow: asks you make, introductions you make with double opt-in, templates, Due items."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import ContactDTO, InteractionKind
from netdesk.core.networking import DueKind
from netdesk.core.practices import IntroKind, IntroState, Outcome, TemplateName
from netdesk.services import NetDesk
from netdesk.services.owner import OwnerDTO

D1 = date(2025, 3, 1)


def person(nd: NetDesk, name: str, org: str = "", title: str = "") -> int:
    given, _, family = name.partition(" ")
    dto = ContactDTO(
        given_name=given, family_name=family, organization=org, title=title, created_at=datetime(2024, 1, 1)
    )
    cid = nd.contacts.create(dto).value.id
    assert cid is not None
    return cid


def d(day: int) -> date:
    return date(2025, 3, day)


def test_an_ask_moves_through_every_dated_step_to_met_and_records_the_favour(nd: NetDesk) -> None:
    nd.owner.update(OwnerDTO(name="Sam Rivera"))
    priya = person(nd, "Priya Patel", "Northwind")
    cto = person(nd, "Grace Ho", "Globex", "CTO")
    asked = nd.introductions.ask(priya, cto, reason="We both work on payments.", on=d(1))
    assert asked.changes.records == {"introduction"} and asked.changes.networking
    assert asked.changes.contacts == {priya}
    intro = asked.value
    assert (intro.kind, intro.state, intro.title) == (
        IntroKind.ASK,
        IntroState.ASKED,
        "Priya Patel to introduce you to Grace Ho",
    )

    with pytest.raises(ValidationError, match="next step"):
        nd.introductions.introduce(intro.id, on=d(2))  # agreed and opted in come first
    nd.introductions.agreed(intro.id, on=d(2))
    nd.introductions.opted_in(intro.id, "b", on=d(4))
    introduced = nd.introductions.introduce(intro.id, on=d(5))
    assert introduced.value.state is IntroState.INTRODUCED
    (logged,) = introduced.changes.interactions
    timeline = nd.timeline.for_contact(cto)
    assert [(i.id, i.kind, i.summary) for i in timeline] == [
        (logged, InteractionKind.INTRODUCTION, "Priya Patel introduced you to Grace Ho")
    ]

    closed = nd.introductions.close(intro.id, Outcome.MET, on=d(9))
    result = closed.value.introduction
    assert result.state is IntroState.CLOSED and result.outcome is Outcome.MET
    assert [label for label, _ in result.steps] == [
        "asked Priya Patel",
        "Priya Patel agreed",
        "Grace Ho opted in",
        "introduced",
        "outcome: met",
    ]
    assert [when for _, when in result.steps] == [d(1), d(2), d(4), d(5), d(9)]
    # The favour is received from Priya, and the thank-you is ready to copy.
    assert nd.networking.favour_balance(priya) == (0, 1)
    assert closed.value.thank_you.startswith("Hi Priya,") and "Grace Ho" in closed.value.thank_you
    assert closed.value.thank_you.rstrip().endswith("Sam Rivera")
    with pytest.raises(ValidationError, match="already done"):
        nd.introductions.decline(intro.id)


def test_an_ask_for_a_described_target_and_bad_asks(nd: NetDesk) -> None:
    priya = person(nd, "Priya Patel")
    intro = nd.introductions.ask(priya, target_text="  Globex's   CTO ", on=d(1)).value
    assert intro.b_id is None and intro.b_name == "Globex's CTO"
    with pytest.raises(ValidationError, match="whom"):
        nd.introductions.ask(priya)
    with pytest.raises(ValidationError, match="same"):
        nd.introductions.ask(priya, priya)
    with pytest.raises(NotFoundError):
        nd.introductions.ask(999, target_text="x")


def test_an_introduction_naming_a_trashed_contact_is_refused_and_changes_nothing(nd: NetDesk) -> None:
    a, b = person(nd, "Marcus Weber"), person(nd, "Li Chen")
    nd.contacts.delete([b])
    with pytest.raises(ValidationError, match="Li Chen is in the Trash"):
        nd.introductions.propose(a, b)
    with pytest.raises(ValidationError, match="Trash"):
        nd.introductions.ask(b, a)
    assert nd.introductions.list_all() == []


def test_double_opt_in_before_you_introduce_then_knows_and_favour_given(nd: NetDesk) -> None:
    marcus, li = person(nd, "Marcus Weber", "Fjord Fintech", "CTO"), person(nd, "Li Chen", "Kestrel Health")
    intro = nd.introductions.propose(marcus, li, "Both build payment rails.", on=d(1)).value
    assert intro.kind is IntroKind.MAKE and intro.title == "Introduce Marcus Weber and Li Chen"
    nd.introductions.opted_in(intro.id, "a", on=d(2))
    with pytest.raises(ValidationError, match="Both people must opt in"):
        nd.introductions.introduce(intro.id, on=d(3))
    assert nd.introductions.get(intro.id).state is IntroState.ASKED
    nd.introductions.opted_in(intro.id, "b", on=d(3))
    assert nd.introductions.get(intro.id).state is IntroState.OPTED_IN
    nd.introductions.introduce(intro.id, on=d(4))
    roles = {r.other_name: r.role for r in nd.networking.relationships_of(marcus)}
    assert roles == {"Li Chen": "knows"}
    assert [i.summary for i in nd.timeline.for_contact(li)] == ["You introduced Marcus Weber and Li Chen"]
    closed = nd.introductions.close(intro.id, "deal", on=d(20))
    assert closed.value.thank_you == ""  # you made it: nobody to thank
    assert nd.networking.favour_balance(marcus) == (1, 0) and nd.networking.favour_balance(li) == (1, 0)


def test_steps_cannot_go_back_in_time_and_outcomes_are_checked(nd: NetDesk) -> None:
    a, b = person(nd, "Ana Silva"), person(nd, "Ben Okafor")
    intro = nd.introductions.ask(a, b, on=d(10)).value
    with pytest.raises(ValidationError, match="before the previous"):
        nd.introductions.agreed(intro.id, on=d(9))
    with pytest.raises(ValidationError, match="outcome"):
        nd.introductions.close(intro.id, "married")
    declined = nd.introductions.decline(intro.id, on=d(12)).value
    assert declined.state is IntroState.DECLINED and declined.steps[-1] == ("declined", d(12))


def test_a_step_unmoved_for_a_week_is_due_until_it_moves(nd: NetDesk) -> None:
    priya, grace = person(nd, "Priya Patel"), person(nd, "Grace Ho")
    intro = nd.introductions.ask(priya, grace, on=d(1)).value
    assert [i for i in nd.networking.due(d(7)) if i.kind is DueKind.INTRODUCTION] == []
    (item,) = [i for i in nd.networking.due(d(10)) if i.kind is DueKind.INTRODUCTION]
    assert item.contact_id == priya and item.record_id == intro.id
    assert item.title == "Priya Patel to introduce you to Grace Ho: ask Priya Patel again"
    assert item.detail == "Last step 2025-03-01 · no move for 9 days"
    nd.introductions.agreed(intro.id, on=d(10))
    assert [i for i in nd.networking.due(d(10)) if i.kind is DueKind.INTRODUCTION] == []
    nd.introductions.decline(intro.id, on=d(11))
    assert [i for i in nd.networking.due(d(30)) if i.kind is DueKind.INTRODUCTION] == []


def test_templates_are_filled_with_both_peoples_context_and_editable(nd: NetDesk) -> None:
    nd.owner.update(OwnerDTO(name="Sam Rivera"))
    marcus = person(nd, "Marcus Weber", "Fjord Fintech", "CTO")
    li = person(nd, "Li Chen", "Kestrel Health", "Data Scientist")
    intro = nd.introductions.propose(marcus, li, "You both work on fraud models.", on=d(1)).value
    optin = nd.introductions.message(intro.id, TemplateName.OPTIN, side="a")
    assert optin.startswith("Hi Marcus,")
    assert "introduce you to Li Chen, Data Scientist at Kestrel Health." in optin
    assert "You both work on fraud models." in optin and optin.endswith("Sam Rivera")
    text = nd.introductions.message(intro.id, "introduction")
    assert "Marcus Weber, CTO at Fjord Fintech." in text and "Li Chen, Data Scientist at Kestrel Health." in text

    nd.introductions.set_template("optin", "Dear {person_first}, meet {other}{other_context}? {unknown}")
    assert nd.introductions.message(intro.id, "optin", side="b") == (
        "Dear Li, meet Marcus Weber, CTO at Fjord Fintech? {unknown}"
    )
    nd.introductions.set_template("optin", "")  # back to NetDesk's wording
    assert nd.introductions.message(intro.id, "optin", side="b").startswith("Hi Li,")
    with pytest.raises(ValidationError):
        nd.introductions.set_template("thanks", "x")


def test_target_completion_is_fuzzy_and_accent_insensitive(nd: NetDesk) -> None:
    person(nd, "Hana Suzuki", "Sakura Design Studio", "Designer")
    person(nd, "Jörg Müller", "Lumen Robotics")
    labels = [s.label for s in nd.introductions.target_suggestions("Sakura")]
    assert labels == ["Sakura Design Studio (organisation)"]
    (org,) = nd.introductions.target_suggestions("sakura des")
    assert org.organization == "Sakura Design Studio" and org.contact_id is None
    (joerg,) = nd.introductions.target_suggestions("jorg mull")
    assert joerg.label == "Jörg Müller (Lumen Robotics)"
    assert [s.organization for s in nd.introductions.target_suggestions("Lumen Robtics")] == ["Lumen Robotics"]
    assert nd.introductions.target_suggestions("   ") == []


def test_who_can_introduce_me_finds_an_organisation_by_its_first_word(nd: NetDesk) -> None:
    hana = person(nd, "Hana Suzuki", "Sakura Design Studio", "Designer")
    other = person(nd, "Sakura Tanaka", "Orchard Foods")  # a first name is not an organisation
    paths = nd.networking.introducers_for(organization="Sakura")
    assert [p.via_ids for p in paths] == [(hana,)]
    assert "Sakura Design Studio" in paths[0].reason
    assert other not in {p.via_ids[0] for p in nd.networking.introducers_for(organization="sakura design")}


def test_you_can_log_an_introduction_you_made(nd: NetDesk) -> None:
    nd.owner.update(OwnerDTO(name="Sam Rivera"))
    marcus, li = person(nd, "Marcus Weber"), person(nd, "Li Chen")
    logged = nd.networking.log_introduction(None, marcus, li).value
    assert logged.summary == "Sam Rivera introduced Marcus Weber and Li Chen"
    assert {p.contact_id for p in logged.participants} == {marcus, li}


def test_each_kind_has_only_its_own_messages_and_an_opt_in_is_recorded_once(nd: NetDesk) -> None:
    # The Intro tracker offers an ask its ask message, and an introduction you make its opt-ins and the introduction.
    # Asked for another, `netdesk intro message` wrote "Hi You, I would like to get to know Li Chen…" to nobody.
    nd.owner.update(OwnerDTO(name="Sam Rivera"))
    priya, marcus = person(nd, "Priya Patel", "Northwind"), person(nd, "Marcus Weber", "Fjord Fintech", "CTO")
    li = person(nd, "Li Chen", "Kestrel Health", "Data Scientist")
    ask = nd.introductions.ask(priya, li, on=d(1)).value
    made = nd.introductions.propose(marcus, li, "You both work on fraud models.", on=d(1)).value
    assert nd.introductions.message(ask.id, "ask").startswith("Hi Priya,")
    for intro_id, template in ((ask.id, "optin"), (ask.id, "introduction"), (made.id, "ask")):
        with pytest.raises(ValidationError, match=r"has no \w+ message"):
            nd.introductions.message(intro_id, template)
    assert nd.introductions.message(made.id, "optin", side="b").startswith("Hi Li,")

    # Marcus said yes on the 2nd; saying it again on the 5th moved his yes (the tracker hides the button once said).
    nd.introductions.opted_in(made.id, "a", on=d(2))
    with pytest.raises(ValidationError, match="Marcus Weber already opted in on 2025-03-02"):
        nd.introductions.opted_in(made.id, "a", on=d(5))
    again = nd.introductions.get(made.id)
    assert (again.a_opted_in_on, again.moved_on, again.state) == (d(2), d(2), IntroState.ASKED)
