"""The demo network's practices: you, introductions at every step, communities and events with the people met
there, a contributions log with rhythms, offers and needs, and goals with targets, so that every page has
something true to show."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from netdesk.core.model import Channel, InteractionDTO, InteractionKind, Participant
from netdesk.core.practices import CommunityKind, ContributionKind, GoalMetric, Outcome
from netdesk.services.app import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.services.owner import OwnerDTO

OFFERS = (
    "SaaS pricing reviews",
    "Hiring data engineers",
    "Pitch deck feedback",
    "UX research interviews",
    "Introductions to fintech investors",
    "Kubernetes migrations",
    "Public speaking coaching",
    "Grant applications",
)
NEEDS = (
    "Looking for a UX designer",
    "Help with pricing for a SaaS launch",
    "Wants to meet fintech investors",
    "Looking for a speaking slot at a conference",
    "Needs advice on a Kubernetes migration",
    "Hiring a data engineer",
)


def populate_practices(nd: NetDesk, people: Sequence[int], seed: int = 7, today: date | None = None) -> None:
    rng = random.Random(seed)
    today = today or date.today()
    nd.owner.update(
        OwnerDTO(
            "Sam Rivera",
            "Product lead · networking on purpose",
            ("sam.rivera@example.org",),
            ("https://www.linkedin.com/in/sam-rivera-demo", "https://samrivera.example/blog"),
            ("Product strategy reviews", "UX design critiques", "Introductions to product leaders"),
        )
    )
    chosen = rng.sample(list(people), k=min(len(people), 40))
    if len(chosen) < 12:
        return
    for cid, offer in zip(chosen[:8], OFFERS, strict=False):
        nd.offers.set_for(cid, offers=[offer])
    for cid, need in zip(chosen[8:14], NEEDS, strict=False):
        nd.offers.set_for(cid, needs=[need])

    summit = nd.communities.save(
        CommunityDTO(
            "Platform Summit",
            CommunityKind.CONFERENCE,
            "https://platformsummit.example",
            "speaker",
            held_on=today - timedelta(days=45),
        )
    ).value
    guild = nd.communities.save(
        CommunityDTO(
            "Product Guild",
            CommunityKind.COMMUNITY,
            "https://productguild.example",
            "member",
            rhythm_count=2,
            rhythm_days=7,
            rhythm_what="answer questions",
        )
    ).value
    meetup = nd.communities.save(
        CommunityDTO(
            "Fintech Breakfast",
            CommunityKind.GROUP,
            "",
            "regular",
            rhythm_count=1,
            rhythm_days=30,
            rhythm_what="attend",
        )
    ).value
    assert summit.id is not None and guild.id is not None and meetup.id is not None
    for n, cid in enumerate(chosen[14:22]):
        nd.communities.link_person(summit.id, cid, "met_at")
        if n < 4:  # the conversations at the summit, on its page and on their timelines
            met_there = nd.timeline.log(
                InteractionDTO(
                    occurred_at=datetime.combine(today - timedelta(days=45), time(11 + n)),
                    kind=InteractionKind.EVENT,
                    channel=Channel.IN_PERSON,
                    summary="Talked after my session at Platform Summit",
                    participants=(Participant(cid),),
                )
            )
            nd.communities.attach_interaction(met_there.value.id or 0, summit.id)
    for cid in chosen[18:30]:
        nd.communities.link_person(guild.id, cid, "member")
    for cid in chosen[26:34]:
        nd.communities.link_person(meetup.id, cid, "member")

    # The demo's three goals get a target each: "2 talks this year", "meet 5 people in fintech", "20 conversations".
    existing = {g.name: g.id for g in nd.networking.goals()}
    targets = {
        "Better known": (GoalMetric.CONTRIBUTIONS, 2, date(today.year, 12, 31), "talk", date(today.year, 1, 1)),
        "Better connected": (
            GoalMetric.PEOPLE_MET,
            5,
            today + timedelta(days=180),
            "fintech",
            today - timedelta(days=90),
        ),
        "Better equipped": (GoalMetric.INTERACTIONS, 20, today + timedelta(days=120), "", today - timedelta(days=60)),
    }
    goal_ids: dict[str, int] = {}
    for name, (metric, target, horizon, focus, start) in targets.items():
        if name in existing:
            nd.goal_targets.set_target(existing[name], metric, target, horizon, focus, start, today)
            goal_ids[name] = existing[name]
        else:
            goal_ids[name] = nd.goal_targets.create(name, metric, target, horizon, focus, start, today).value.goal_id
    known = goal_ids["Better known"]
    nd.goal_targets.link_community(known, guild.id)

    nd.contributions.set_rhythm(ContributionKind.POST, 10)
    nd.contributions.set_rhythm(ContributionKind.ANSWER, 7)
    log = [
        (ContributionKind.TALK, "Networking on purpose", 45, summit.id, known),
        (ContributionKind.POST, "What a personal note after connecting does", 14, None, None),
        (ContributionKind.POST, "Favours, not business cards", 40, None, None),
        (ContributionKind.ARTICLE, "A plan for your network", 70, None, None),
        (ContributionKind.ANSWER, "How do you follow up after a conference?", 3, guild.id, known),
        (ContributionKind.ANSWER, "Pricing a B2B product", 20, guild.id, known),
        (ContributionKind.NEWSLETTER, "Product notes #12", 30, None, None),
        (ContributionKind.OPEN_SOURCE, "Fixed vCard 4.0 birthdays in a contact tool", 95, None, None),
    ]
    for kind, title, days_ago, community, goal in log:
        # The talk counts towards "2 talks this year" whatever the day: never dated before 1 January.
        day = max(today - timedelta(days=days_ago), date(today.year, 1, 1)) if kind is ContributionKind.TALK else None
        nd.contributions.save(
            ContributionDTO(kind, title, day or today - timedelta(days=days_ago), community_id=community, goal_id=goal)
        )

    intro = nd.introductions
    # Eight people (from the 31st chosen on, around again in a small network: --people takes 12 and up).
    a, b, c, d, e, f, g, h = (chosen[i % len(chosen)] for i in range(30, 38))
    intro.ask(
        a, target_text="Globex's CTO", reason="I want to learn how they scaled payments.", on=today - timedelta(days=12)
    )
    agreed = intro.ask(b, c, reason="We both care about design systems.", on=today - timedelta(days=20)).value
    intro.agreed(agreed.id, on=today - timedelta(days=16))
    met = intro.ask(d, e, reason="They hire product managers.", on=today - timedelta(days=60)).value
    intro.agreed(met.id, on=today - timedelta(days=58))
    intro.opted_in(met.id, "b", on=today - timedelta(days=55))
    intro.introduce(met.id, on=today - timedelta(days=54))
    intro.close(met.id, Outcome.MET, on=today - timedelta(days=40))
    made = intro.propose(f, g, "Both are building fintech products.", on=today - timedelta(days=9)).value
    intro.opted_in(made.id, "a", on=today - timedelta(days=8))
    done = intro.propose(g, h, "Same city, same problem: hiring.", on=today - timedelta(days=30)).value
    intro.opted_in(done.id, "a", on=today - timedelta(days=29))
    intro.opted_in(done.id, "b", on=today - timedelta(days=28))
    intro.introduce(done.id, on=today - timedelta(days=27))
