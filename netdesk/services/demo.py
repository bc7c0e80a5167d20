"""A demo network of invented people and organisations, so a new user sees the app working at once.

Also used by the benchmarks to build large databases (``generate_contacts`` is deterministic for a seed).
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from netdesk.core.model import (
    Channel,
    ContactDTO,
    ContactKind,
    ContactPoint,
    Direction,
    InteractionDTO,
    InteractionKind,
    PartialDate,
    Participant,
    PostalAddress,
)
from netdesk.io.report import ImportReport
from netdesk.services.app import NetDesk
from netdesk.services.demo_practices import populate_practices
from netdesk.services.importing import ImportService
from netdesk.services.networking import DEFAULT_GOALS

GIVEN = (
    "Ada Alan Amara Anders Aiko Beatriz Bjørn Carmen Chen Chloé Dmitri Elena Émile Farah Finn Gabriel Hana Hiroshi "
    "Ingrid Isabela Jamal Jana Jörg Kai Karin Kwame Lars Leila Liam Lucía Malik Maria Mateo Mei Nadia Nikolai Noah "
    "Olga Omar Paula Priya Rafael Rania Santiago Sofia Søren Tariq Thandiwe Tomás Umar Valentina Wei Yara Yusuf Zoë "
    "Zeynep François Ana Ben Clara David Emma Felix Greta Hugo Iris Jonas Katarzyna Luca Mia Nils Oscar Petra"
).split()
_ONE_WORD_FAMILY_NAMES = (
    "Abara Andersen Bauer Becker Castillo Chen Costa Dubois Eriksson Fernández García Haddad Hansen Ivanova Jansen "
    "Kim Kowalski Larsen López Mahlangu Martin Müller Nakamura Nguyen Novak O'Brien Okafor Olsen Patel Pereira "
    "Petrov Quintero Rossi Sánchez Schmidt Schäfer Silva Singh Sørensen Suzuki Tanaka Torres Wagner "
    "Weber Wójcik Yamamoto Yılmaz Zhang Ødegaard Lefèvre Brandão Kaya Mensah Novák Horvath Lindqvist"
).split()
FAMILY = [*_ONE_WORD_FAMILY_NAMES, "van der Berg", "de la Cruz", "Al-Hashimi"]
ORGS = (
    ("Northwind Analytics", "northwind.io", "Berlin", "Germany"),
    ("Blue Harbor Ventures", "blueharbor.vc", "Lisbon", "Portugal"),
    ("Kestrel Health", "kestrelhealth.com", "Boston", "USA"),
    ("Lumen Robotics", "lumenrobotics.ai", "Zürich", "Switzerland"),
    ("Fjord Fintech", "fjordfintech.no", "Oslo", "Norway"),
    ("Sakura Design Studio", "sakura-design.jp", "Kyoto", "Japan"),
    ("Greenline Energy", "greenline.energy", "Copenhagen", "Denmark"),
    ("Atlas Logistics", "atlaslogistics.com", "Rotterdam", "Netherlands"),
    ("Meridian University", "meridian.edu", "Edinburgh", "United Kingdom"),
    ("Cobalt Security", "cobaltsec.io", "Tel Aviv", "Israel"),
    ("Orchard Foods", "orchardfoods.com", "Portland", "USA"),
    ("Polar Bear Media", "polarbear.media", "Helsinki", "Finland"),
    ("Sierra Cloud", "sierracloud.dev", "Madrid", "Spain"),
    ("Baobab Payments", "baobabpay.africa", "Nairobi", "Kenya"),
    ("Quill & Ink Publishing", "quillink.co.uk", "London", "United Kingdom"),
    ("Nimbus Biotech", "nimbusbio.com", "San Diego", "USA"),
)
TITLES = (
    "CEO",
    "CTO",
    "Product Manager",
    "Senior Engineer",
    "Data Scientist",
    "Designer",
    "Head of Sales",
    "Marketing Lead",
    "Recruiter",
    "Investor",
    "Professor",
    "Founder",
    "Engineering Manager",
    "Consultant",
    "Researcher",
    "Partner",
    "Account Executive",
    "Operations Director",
    "UX Researcher",
    "Developer Advocate",
)
TAGS = (
    "conference",
    "mentor",
    "fintech",
    "alumni",
    "friend",
    "client",
    "investor",
    "hiring",
    "open source",
    "community",
    "former colleague",
    "speaker",
)
NOTES = (
    "Met at the Web Summit afterparty; interested in climate tech.",
    "Introduced by a former colleague. Wants to hear about our data platform.",
    "Runs a monthly founders' breakfast — ask for an invite.",
    "Great at negotiating enterprise contracts; offered to review our pricing.",
    "Mentored me through my first management role.",
    "Plays in a jazz band on Thursdays. Kids: two, both at university.",
    "Looking for senior engineers; keep in mind for referrals.",
    "Writes a newsletter on product strategy.",
    "Prefers calls over email. Based in the CET time zone.",
    "",
    "",
)
STREETS = (
    "Market Street",
    "Harbour Road",
    "Linden Allee",
    "Rue des Fleurs",
    "Calle Mayor",
    "King's Road",
    "Birch Lane",
    "Canal Street",
)


def _ascii(text: str) -> str:
    table = str.maketrans("øØåÅæÆ", "oOaAaA")
    decomposed = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch in ".-"))


def generate_contacts(count: int, seed: int = 7, organizations: bool = True) -> Iterator[ContactDTO]:
    """``count`` invented people (plus the organisations they work at first, when ``organizations``)."""
    rng = random.Random(seed)
    if organizations:
        for name, domain, city, country in ORGS:
            yield ContactDTO(
                uid=f"demo-org-{domain}",
                kind=ContactKind.ORGANIZATION,
                formatted_name=name,
                organization=name,
                emails=(ContactPoint(f"hello@{domain}", "work", True),),
                urls=(ContactPoint(f"https://www.{domain}", "work"),),
                addresses=(
                    PostalAddress(
                        label="work",
                        street=f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
                        locality=city,
                        country=country,
                    ),
                ),
                tags=("company",),
            )
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        org, domain, city, country = rng.choice(ORGS)
        local = f"{_ascii(given).lower()}.{_ascii(family).lower().replace(' ', '')}"
        year = rng.choice((None, None, *range(1960, 2000)))
        phone_cc = rng.choice(("+49 30", "+44 20", "+1 617", "+33 1", "+47 22", "+81 75"))
        contact = ContactDTO(
            uid=f"demo-{seed}-{n}",
            given_name=given,
            family_name=family,
            organization=org,
            title=rng.choice(TITLES),
            emails=(ContactPoint(f"{local}@{domain}", "work", True),)
            + ((ContactPoint(f"{local}{n % 97}@example.org", "home"),) if rng.random() < 0.3 else ()),
            phones=(ContactPoint(f"{phone_cc} {rng.randint(1000000, 9999999)}", rng.choice(("work", "mobile"))),),
            urls=(ContactPoint(f"https://www.linkedin.com/in/{local.replace('.', '-')}-{n}", "linkedin"),)
            if rng.random() < 0.6
            else (),
            addresses=(PostalAddress(label="work", locality=city, country=country),) if rng.random() < 0.4 else (),
            birthday=PartialDate(rng.randint(1, 12), rng.randint(1, 28), year) if rng.random() < 0.6 else None,
            notes=rng.choice(NOTES),
            tags=tuple(rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))),
            # Most connections are years old; a few are new enough to need a follow-up.
            connected_on=date.today()
            - timedelta(days=rng.randint(2, 25) if rng.random() < 0.04 else rng.randint(40, 2000)),
        )
        yield contact


# How often the demo user wants to hear from people with these tags (days).
TAG_CADENCES = {"mentor": 30, "client": 45, "investor": 60, "friend": 90, "former colleague": 120}


def populate_demo(nd: NetDesk, people: int = 300, seed: int = 7) -> None:
    """Fill ``nd`` with the demo network: people, organisations, tags, cadences, relationships, goals, favours
    and a year of interactions."""
    contacts = list(generate_contacts(people, seed))
    report = ImportReport()
    result = ImportService(nd.sessions).import_contacts(contacts, report, source="demo").value
    ids = [i for i in result.ids if i is not None]
    people_ids = ids[len(ORGS) :]
    rng = random.Random(seed)
    today = datetime.combine(date.today(), datetime.min.time()).replace(hour=10)
    kinds = (
        (InteractionKind.MEETING, Channel.IN_PERSON, "Coffee catch-up"),
        (InteractionKind.CALL, Channel.ONLINE, "Intro call"),
        (InteractionKind.MESSAGE, Channel.ONLINE, "Shared an article on hiring"),
        (InteractionKind.EMAIL, Channel.ONLINE, "Followed up after the conference"),
        (InteractionKind.EVENT, Channel.IN_PERSON, "Met at the meetup"),
        (InteractionKind.FAVOUR_GIVEN, Channel.ONLINE, "Reviewed their pitch deck"),
        (InteractionKind.FAVOUR_RECEIVED, Channel.ONLINE, "Introduced me to a recruiter"),
    )
    for tag, days in TAG_CADENCES.items():  # rhythms kept for a year: the demo shows who slipped since
        nd.networking.set_tag_cadence(tag, days, since=date.today() - timedelta(days=365))
    contacts_by_id = dict(zip(result.ids, contacts, strict=True))
    by_org: dict[str, list[int]] = {}
    for cid in people_ids:
        by_org.setdefault(contacts_by_id[cid].organization, []).append(cid)
    for members in by_org.values():  # a few known colleague links inside each organisation
        for a, b in itertools.pairwise(members[:4]):
            nd.networking.add_relationship(a, b, "colleague")
    goals = [nd.networking.create_goal(name).value for name in DEFAULT_GOALS]
    for goal in goals:
        for cid in rng.sample(people_ids, k=min(len(people_ids), 6)):
            nd.networking.link_contact(goal.id, cid)
    for cid in rng.sample(people_ids, k=min(len(people_ids), people * 2 // 3)):
        for _ in range(rng.randint(1, 4)):
            kind, channel, summary = rng.choice(kinds)
            direction = (
                Direction.OUT
                if kind is InteractionKind.FAVOUR_GIVEN
                else (Direction.IN if kind is InteractionKind.FAVOUR_RECEIVED else Direction.NONE)
            )
            nd.timeline.log(
                InteractionDTO(
                    occurred_at=today - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 8)),
                    kind=kind,
                    channel=channel,
                    direction=direction,
                    summary=summary,
                    participants=(Participant(cid),),
                    # Now and then a favour promised and not yet delivered.
                    is_open=kind is InteractionKind.FAVOUR_GIVEN and rng.random() < 0.2,
                )
            )
    a, b, c = rng.sample(people_ids, 3)
    nd.networking.log_introduction(a, b, c, today - timedelta(days=12), "Both work on payments; should meet.")
    populate_practices(nd, people_ids, seed, today.date())
