"""The owner profile, communities, contributions, offers and needs, goal targets: every state change and Due rule."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import DueKind
from netdesk.core.practices import CommunityKind, CommunityRelation, ContributionKind, GoalMetric, progress
from netdesk.db import repository as repo
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.services.goal_targets import progress_sentence
from netdesk.services.owner import OwnerDTO

LINKEDIN = Path(__file__).resolve().parents[2] / "data" / "linkedin"
TODAY = date(2025, 3, 10)


def person(nd: NetDesk, name: str, org: str = "", tags: tuple[str, ...] = (), created: date = date(2024, 1, 1)) -> int:
    given, _, family = name.partition(" ")
    dto = ContactDTO(
        given_name=given,
        family_name=family,
        organization=org,
        tags=tags,
        created_at=datetime.combine(created, datetime.min.time()),
    )
    cid = nd.contacts.create(dto).value.id
    assert cid is not None
    return cid


def meet(nd: NetDesk, cid: int, day: date, kind: InteractionKind = InteractionKind.MEETING) -> int:
    iid = nd.timeline.log(
        InteractionDTO(
            occurred_at=datetime.combine(day, datetime.min.time()), kind=kind, participants=(Participant(cid),)
        )
    ).value.id
    assert iid is not None
    return iid


def due_of(nd: NetDesk, kind: DueKind, today: date = TODAY) -> list[str]:
    return [i.title for i in nd.networking.due(today) if i.kind is kind]


# --- you ---------------------------------------------------------------------------------------------------------


def test_owner_profile_comes_from_the_linkedin_export_and_your_edits_win(nd: NetDesk, tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:
        for name in ("Connections.csv", "messages.csv", "Invitations.csv"):
            z.write(LINKEDIN / name, name)
        z.writestr(
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,"
            "Twitter Handles,Websites,Instant Messengers\n"
            'Maren,Olsen,,,,"Robotics product lead, Oslo",,Robotics,,Oslo,,"[PERSONAL:https://maren.example/blog,'
            'COMPANY:https://nordlicht.example]",\n',
        )
        z.writestr(
            "Email Addresses.csv",
            "Email Address,Confirmed,Primary,Updated On\nmaren@example.org,Yes,Yes,1/2/20\nnot-an-email,No,No,\n",
        )
    assert nd.owner.get() == OwnerDTO()
    nd.imports.import_paths([export])
    owner = nd.owner.get()
    assert owner.name == "Maren Olsen" and owner.headline == "Robotics product lead, Oslo"
    assert owner.links == (
        "https://www.linkedin.com/in/maren-olsen-8a1b2c",
        "https://maren.example/blog",
        "https://nordlicht.example",
    )
    assert owner.emails == ("maren@example.org",)
    assert "Maren Olsen" not in {c.name for c in nd.contacts.search()}

    written = nd.owner.update(
        OwnerDTO("Maren K. Olsen", "Robotics", ("maren@example.org",), (), ("robot safety reviews",))
    )
    assert written.changes.records >= {"owner"}
    nd.imports.import_paths([export])  # a newer export never overwrites what you wrote
    assert nd.owner.get() == OwnerDTO(
        "Maren K. Olsen",
        "Robotics",
        ("maren@example.org",),
        ("https://www.linkedin.com/in/maren-olsen-8a1b2c", "https://maren.example/blog", "https://nordlicht.example"),
        ("robot safety reviews",),
    )


def test_owner_without_a_profile_file_is_the_detected_sender(nd: NetDesk) -> None:
    nd.imports.import_paths([LINKEDIN / "messages.csv"])
    assert nd.owner.get().name == "Maren Olsen"


def test_owner_edits_are_checked(nd: NetDesk) -> None:
    with pytest.raises(ValidationError, match="Not an email"):
        nd.owner.update(OwnerDTO(emails=("nope",)))
    with pytest.raises(ValidationError, match="http"):
        nd.owner.update(OwnerDTO(links=("javascript:alert(1)",)))
    assert nd.owner.get() == OwnerDTO()


# --- communities -------------------------------------------------------------------------------------------------


def test_communities_people_and_who_did_i_meet_at(nd: NetDesk) -> None:
    summit = nd.communities.save(
        CommunityDTO("Platform Summit", CommunityKind.CONFERENCE, "https://platformsummit.example", "speaker")
    ).value
    guild = nd.communities.save(
        CommunityDTO("Platform Guild", rhythm_count=2, rhythm_days=7, rhythm_what="answers")
    ).value
    assert guild.rhythm == "answers: 2 a week"
    assert summit.id is not None and guild.id is not None
    ana, ben, cleo = person(nd, "Ana Silva"), person(nd, "Ben Okafor"), person(nd, "Cléo Dubois")
    nd.communities.link_person(summit.id, ana, CommunityRelation.MET_AT)
    nd.communities.link_person(summit.id, cleo, "met_at")
    nd.communities.link_person(summit.id, ben, "member")
    nd.communities.link_person(guild.id, ben, "member")
    community, met = nd.communities.met_at("platform summ")
    assert community.name == "Platform Summit"
    assert [m.name for m in met] == ["Ana Silva", "Cléo Dubois"]
    # The contact search finds people by community.
    assert set(nd.contacts.search_ids("platform guild")) == {ben}
    assert set(nd.contacts.search_ids("summit")) == {ana, ben, cleo}
    nd.contacts.delete([cleo])
    assert [m.name for m in nd.communities.met_at("Platform Summit")[1]] == ["Ana Silva"]
    with pytest.raises(NotFoundError, match="no community"):
        nd.communities.met_at("Web Summit")
    with pytest.raises(ValidationError, match="already"):
        nd.communities.save(CommunityDTO("platform SUMMIT"))
    renamed = nd.communities.save(CommunityDTO("Platform Summit 2025", CommunityKind.CONFERENCE, id=summit.id))
    assert renamed.value.name == "Platform Summit 2025" and set(nd.contacts.search_ids("2025")) == {ana, ben}
    nd.communities.unlink_person(guild.id, ben, "member")
    assert nd.contacts.search_ids("guild") == []
    nd.communities.delete(summit.id)
    assert nd.contacts.search_ids("summit") == []
    assert [c.community.name for c in nd.communities.overview()] == ["Platform Guild"]


def test_community_rhythm_lapses_into_a_due_item_and_interactions_count(
    nd: NetDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rhythm was set up a month ago, so it is older than its window (a contribution is never dated in the future).
    month_ago = datetime.now() - timedelta(days=30)
    with monkeypatch.context() as m:
        m.setattr(repo, "utcnow", lambda: month_ago)
        guild = nd.communities.save(
            CommunityDTO("Platform Guild", rhythm_count=2, rhythm_days=7, rhythm_what="answers")
        ).value
    assert guild.id is not None
    later = date.today()
    assert due_of(nd, DueKind.RHYTHM, later) == ["Platform Guild: 0 of 2 (answers) in a week"]
    ana = person(nd, "Ana Silva")
    iid = meet(nd, ana, later - timedelta(days=1), InteractionKind.EVENT)
    nd.communities.attach_interaction(iid, guild.id)
    assert nd.communities.community_of_interaction(iid) == guild.id
    nd.contributions.save(ContributionDTO(ContributionKind.ANSWER, "How to version APIs", later, community_id=guild.id))
    assert due_of(nd, DueKind.RHYTHM, later) == []
    assert nd.communities.activity(guild.id, later) == (2, later)
    nd.communities.attach_interaction(iid, None)
    assert nd.communities.activity(guild.id, later)[0] == 1
    with pytest.raises(ValidationError, match="rhythm"):
        nd.communities.save(CommunityDTO("Odd", rhythm_count=2))


# --- contributions -----------------------------------------------------------------------------------------------


def test_a_talk_needs_no_contact_and_links_to_a_community_and_a_goal(nd: NetDesk) -> None:
    meetup = nd.communities.save(CommunityDTO("Rust Oslo", CommunityKind.GROUP)).value
    goal = nd.goal_targets.create(
        "2 talks this year", GoalMetric.CONTRIBUTIONS, 2, date(2025, 12, 31), "talk", date(2025, 1, 1), today=TODAY
    ).value
    talk = nd.contributions.save(
        ContributionDTO(
            ContributionKind.TALK,
            "Async Rust in production",
            date(2025, 3, 5),
            "https://talks.example/1",
            community_id=meetup.id,
            goal_id=goal.goal_id,
        )
    )
    assert talk.changes.records == {"contribution"} and talk.changes.goals
    assert talk.value.community_name == "Rust Oslo" and talk.value.goal_name == "2 talks this year"
    (progress,) = [g for g in nd.goal_targets.progress(TODAY) if g.goal_id == goal.goal_id]
    assert progress.summary == "1 of 2 contributions, 296 days left"
    assert [c.title for c in nd.contributions.recent(community_id=meetup.id)] == ["Async Rust in production"]
    with pytest.raises(ValidationError, match="one of"):
        nd.contributions.save(ContributionDTO("tweet", "x", TODAY))  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        nd.contributions.save(ContributionDTO(ContributionKind.POST, "x", TODAY, community_id=99))


def test_a_lapsed_post_rhythm_is_due_and_contributions_per_month(nd: NetDesk) -> None:
    nd.contributions.set_rhythm("post", 10)
    assert due_of(nd, DueKind.RHYTHM) == ["No post yet"]
    nd.contributions.save(ContributionDTO(ContributionKind.POST, "On follow-ups", date(2025, 2, 28)))
    assert due_of(nd, DueKind.RHYTHM) == ["No post in 10 days"]
    (item,) = [i for i in nd.networking.due(TODAY) if i.kind is DueKind.RHYTHM]
    assert item.detail == "Your rhythm: every 10 days · last 2025-02-28"
    nd.contributions.save(ContributionDTO(ContributionKind.POST, "On favours", date(2025, 3, 8)))
    assert due_of(nd, DueKind.RHYTHM) == []
    nd.contributions.save(ContributionDTO(ContributionKind.TALK, "Networking on purpose", date(2025, 1, 20)))
    months = [(m.month, m.kind.value, m.count) for m in nd.contributions.per_month(3, TODAY)]
    assert months == [("2025-01", "talk", 1), ("2025-02", "post", 1), ("2025-03", "post", 1)]
    nd.contributions.set_rhythm("post", None)
    assert nd.contributions.rhythms() == {}


# --- offers and needs --------------------------------------------------------------------------------------------


def test_who_could_help_and_whom_could_i_help(nd: NetDesk) -> None:
    ana, ben, cleo = person(nd, "Ana Silva"), person(nd, "Ben Okafor"), person(nd, "Cléo Dubois")
    nd.offers.set_for(ana, offers=["SaaS pricing reviews", "Hiring data engineers"])
    nd.offers.set_for(ben, needs=["help with pricing for our SaaS launch"])
    nd.offers.set_for(cleo, needs=["Looking for a UX designer"])
    nd.owner.update(OwnerDTO(offers=("UX design critiques",)))

    (match,) = nd.offers.who_could_help("pricing")
    assert (match.name, match.offer, match.matched) == ("Ana Silva", "SaaS pricing reviews", ("pricing",))
    assert nd.offers.who_could_help("Prícing SAAS")[0].matched == ("pricing", "saas")
    assert nd.offers.who_could_help("gardening") == []

    suggestions = nd.offers.whom_could_i_help()
    assert [(s.person_name, s.helper_name, s.matched) for s in suggestions] == [
        ("Cléo Dubois", "You", ("design", "ux")),
        ("Ben Okafor", "Ana Silva", ("pricing", "saas")),
    ]
    assert suggestions[1].suggestion == "Introduce Ben Okafor to Ana Silva (SaaS pricing reviews)"
    assert set(nd.contacts.search_ids("pricing")) == {ana, ben}  # offers and needs are searchable
    nd.offers.set_for(ana, offers=[])
    assert nd.offers.who_could_help("pricing") == [] and set(nd.contacts.search_ids("pricing")) == {ben}


def test_who_could_help_reads_plurals_as_their_singular(nd: NetDesk) -> None:
    """ "Who could help with strategies?" finds a growth strategy offer; "mentors" finds mentoring."""
    dina, eli = person(nd, "Dina Haddad"), person(nd, "Eli Novak")
    nd.offers.set_for(dina, offers=["Growth strategy for a digital agency"])
    nd.offers.set_for(eli, offers=["Mentoring junior engineers"], needs=["Introductions to communities of practice"])
    nd.owner.update(OwnerDTO(offers=("Community building",)))

    assert [(m.name, m.matched) for m in nd.offers.who_could_help("Agencies' strategies")] == [
        ("Dina Haddad", ("agency", "strategy"))
    ]
    assert [(m.name, m.matched) for m in nd.offers.who_could_help("Mentors")] == [("Eli Novak", ("mentor",))]
    assert nd.offers.who_could_help("engineer")[0].matched == ("engineer",)  # as before: a longer form
    assert nd.offers.who_could_help("business") == []  # "ss" is no plural
    assert [(s.person_name, s.helper_name, s.matched) for s in nd.offers.whom_could_i_help()] == [
        ("Eli Novak", "You", ("community",))
    ]


# --- goals -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "done", "target", "horizon", "expected"),
    [
        (GoalMetric.PEOPLE_MET, 8, 5, date(2025, 6, 1), "Met 8 people — target of 5 reached"),
        (GoalMetric.PEOPLE_MET, 0, 1, date(2025, 3, 11), "Met 0 of 1 person, 1 day left"),
        (GoalMetric.NEW_PEOPLE, 1, 1, date(2025, 6, 1), "1 new person — target of 1 reached"),
        (GoalMetric.INTERACTIONS, 3, 20, TODAY, "3 of 20 interactions, time is up"),
        (GoalMetric.CONTRIBUTIONS, 1000, 1200, date(2025, 3, 20), "1,000 of 1,200 contributions, 10 days left"),
    ],
)
def test_goal_progress_reads_as_a_sentence(
    metric: GoalMetric, done: int, target: int, horizon: date, expected: str
) -> None:
    assert progress_sentence(metric, progress(done, target, date(2025, 1, 1), horizon, TODAY)) == expected


def test_meet_five_people_in_fintech_progress_from_the_record(nd: NetDesk) -> None:
    goal = nd.goal_targets.create(
        "Meet people in fintech", "people_met", 5, date(2027, 3, 31), "fintech", date(2025, 1, 1), today=TODAY
    ).value
    assert goal.summary == "Met 0 of 5 people, 751 days left"
    tagged = [person(nd, f"Fin Person{i}", tags=("fintech",)) for i in range(3)]
    at_org = person(nd, "Olga Petrov", "Fjord Fintech AS")
    other = person(nd, "Noah Jansen", "Orchard Foods")
    for cid in [*tagged, at_org, other]:
        meet(nd, cid, date(2025, 2, 1))
    meet(nd, tagged[0], date(2025, 2, 2), InteractionKind.CALL)  # the same person twice counts once
    meet(nd, tagged[1], date(2024, 12, 31))  # before the start
    progress = nd.goal_targets.progress_of(goal.goal_id, TODAY)
    assert progress.progress is not None and progress.progress.done == 4 and not progress.progress.reached
    meet(nd, person(nd, "Ida Fintech-Fan", tags=("FinTech",)), date(2025, 3, 1))
    assert nd.goal_targets.progress_of(goal.goal_id, TODAY).summary == "Met 5 people — target of 5 reached"


def test_a_goal_focused_on_an_organisation_written_with_quotes(nd: NetDesk) -> None:
    # The focus went into the full-text query as typed: a quote in it stopped the goal with an SQL error.
    editor = person(nd, "Lena Vogt", 'Verlag "Die Zeit"')
    meet(nd, editor, date(2025, 2, 1))
    meet(nd, person(nd, "Noah Jansen", "Orchard Foods"), date(2025, 2, 1))
    goal = nd.goal_targets.create(
        "Press", "people_met", 2, date(2025, 12, 31), 'Verlag "Die Zeit"', date(2025, 1, 1), today=TODAY
    ).value
    assert goal.summary == "Met 1 of 2 people, 296 days left"
    star = nd.goal_targets.create("Odd", "people_met", 1, date(2025, 12, 31), "*", date(2025, 1, 1), today=TODAY)
    assert star.value.summary == "Met 0 of 1 person, 296 days left"  # no word to look for: nobody at it


def test_goal_targets_from_new_people_introductions_and_communities(nd: NetDesk) -> None:
    new = nd.goal_targets.create(
        "Grow", "new_people", 2, date(2025, 12, 31), starts_on=date(2025, 3, 1), today=TODAY
    ).value
    person(nd, "Old Friend", created=date(2024, 5, 1))
    person(nd, "New One", created=date(2025, 3, 2))
    assert nd.goal_targets.progress_of(new.goal_id, TODAY).progress.done == 1  # type: ignore[union-attr]
    intros = nd.goal_targets.create("Introduce", "introductions", 1, date(2025, 12, 31), today=TODAY).value
    a, b = person(nd, "Ana Silva"), person(nd, "Ben Okafor")
    intro = nd.introductions.propose(a, b, on=TODAY).value
    nd.introductions.opted_in(intro.id, "a", on=TODAY)
    nd.introductions.opted_in(intro.id, "b", on=TODAY)
    nd.introductions.introduce(intro.id, on=TODAY)
    assert nd.goal_targets.progress_of(intros.goal_id, TODAY).summary == "1 introduction — target of 1 reached"
    guild = nd.communities.save(CommunityDTO("Platform Guild")).value
    assert guild.id is not None
    answers = nd.goal_targets.create("Be known in the guild", "contributions", 3, date(2025, 6, 30), today=TODAY).value
    nd.goal_targets.link_community(answers.goal_id, guild.id)
    nd.contributions.save(ContributionDTO(ContributionKind.ANSWER, "Q1", TODAY, community_id=guild.id))
    nd.contributions.save(ContributionDTO(ContributionKind.ANSWER, "Q2", TODAY))  # not in the guild
    progress = nd.goal_targets.progress_of(answers.goal_id, TODAY)
    assert progress.communities == ((guild.id, "Platform Guild"),) and progress.progress.done == 1  # type: ignore[union-attr]


def test_an_introductions_goal_counts_only_its_focus(nd: NetDesk) -> None:
    # "3 introductions in fintech": the focus was ignored and every introduction counted.
    goal = nd.goal_targets.create(
        "Fintech intros", "introductions", 3, date(2025, 12, 31), "fintech", date(2025, 1, 1), today=TODAY
    ).value
    olga, marcus = person(nd, "Olga Petrov", "Fjord Fintech AS"), person(nd, "Marcus Weber", tags=("fintech",))
    ana, ben, priya = person(nd, "Ana Silva"), person(nd, "Ben Okafor"), person(nd, "Priya Patel", "Orchard Foods")
    for a, b in ((ana, ben), (olga, ana)):  # one outside fintech, one with Olga (Fjord Fintech)
        made = nd.introductions.propose(a, b, on=date(2025, 2, 1)).value
        nd.introductions.opted_in(made.id, "a", on=date(2025, 2, 2))
        nd.introductions.opted_in(made.id, "b", on=date(2025, 2, 2))
        nd.introductions.introduce(made.id, on=date(2025, 2, 3))
    asked = nd.introductions.ask(priya, marcus, on=date(2025, 2, 1)).value  # Priya introduces you to Marcus
    nd.introductions.agreed(asked.id, on=date(2025, 2, 2))
    nd.introductions.opted_in(asked.id, "b", on=date(2025, 2, 3))
    nd.introductions.introduce(asked.id, on=date(2025, 2, 4))
    nd.introductions.ask(priya, olga, on=date(2025, 2, 5))  # asked, not introduced yet: not counted
    assert nd.goal_targets.progress_of(goal.goal_id, TODAY).summary == "2 of 3 introductions, 296 days left"


def test_a_goal_dated_in_the_past_is_refused_and_changes_nothing(nd: NetDesk) -> None:
    before = [g.name for g in nd.goal_targets.progress(TODAY)]
    with pytest.raises(ValidationError, match="2025-01-01 is in the past"):
        nd.goal_targets.create("Too late", "contributions", 1, date(2025, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="in the past"):
        nd.goal_targets.create("Too late", "people_met", 1, date(2025, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="at least 1"):
        nd.goal_targets.create("Nothing", "people_met", 0, date(2026, 1, 1), today=TODAY)
    assert [g.name for g in nd.goal_targets.progress(TODAY)] == before


def test_a_merge_carries_communities_offers_and_introductions_and_undoes_exactly(nd: NetDesk) -> None:
    guild = nd.communities.save(CommunityDTO("Platform Guild")).value
    assert guild.id is not None
    keep, dup, priya = person(nd, "Ana Silva"), person(nd, "Ana Silva"), person(nd, "Priya Patel")
    nd.communities.link_person(guild.id, dup, "met_at")
    nd.communities.link_person(guild.id, keep, "met_at")  # both: one link remains
    nd.offers.set_for(dup, offers=["SaaS pricing reviews", "Hiring"], needs=["A designer"])
    nd.offers.set_for(keep, offers=["hiring"])
    intro = nd.introductions.ask(priya, dup, on=TODAY).value

    with nd.undo.recording() as rec:
        written = nd.contacts.merge(keep, [dup])
    step = rec.step(written.changes)
    assert [m.contact_id for m in nd.communities.met_at("platform guild")[1]] == [keep]
    assert nd.offers.of(keep).offers == ("SaaS pricing reviews", "hiring")  # the same words once
    assert nd.offers.of(keep).needs == ("A designer",)
    assert nd.introductions.get(intro.id).b_id == keep
    assert set(nd.contacts.search_ids("pricing")) == {keep}

    nd.undo.undo(step)
    assert nd.introductions.get(intro.id).b_id == dup
    assert nd.offers.of(dup).offers == ("SaaS pricing reviews", "Hiring")
    assert {m.contact_id for m in nd.communities.people(guild.id)} == {keep, dup}
