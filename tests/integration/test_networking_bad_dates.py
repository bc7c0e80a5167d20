"""Bad dates in a LinkedIn export (a connection dated before 1990 or in the future) and in the manual overrides are
reported, crash nothing and never move a pipeline."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from netdesk.core.errors import ValidationError
from netdesk.core.exchange import Stage
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk

CONNECTIONS = """First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ada,Early,https://www.linkedin.com/in/ada-early,,Difference Ltd,Engineer,15 Mar 1985
Bea,Later,https://www.linkedin.com/in/bea-later,,Future Corp,Seer,01 Jan 2031
Cy,Recent,https://www.linkedin.com/in/cy-recent,,Now Inc,Analyst,{recent}
"""


def test_implausible_connection_dates_are_reported_and_enter_no_pipeline(nd: NetDesk, tmp_path: Path) -> None:
    export = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.writestr("Connections.csv", CONNECTIONS.format(recent=f"{date.today():%d %b %Y}"))
    report = nd.imports.import_paths([export]).value
    reasons = sorted((e.line, e.reason) for e in report.errors)
    assert reasons == [
        (2, "'Connected On' ignored: date 1985-03-15 is before 1990"),
        (3, "'Connected On' ignored: date 2031-01-01 is in the future"),
    ]
    people = {r.name: r.id for r in nd.contacts.rows()}
    assert set(people) == {"Ada Early", "Bea Later", "Cy Recent"}  # the contacts are kept
    stages = {name: nd.followups.pipeline(cid) for name, cid in people.items()}
    assert not stages["Ada Early"].in_pipeline and not stages["Bea Later"].in_pipeline
    assert stages["Cy Recent"].stage is Stage.CONNECTED
    assert [i.contact_name for i in nd.networking.due(date.today()) if i.kind is DueKind.FOLLOWUP] == ["Cy Recent"]
    # The overrides refuse such dates too, and nothing moves.
    with pytest.raises(ValidationError, match="before 1990"):
        nd.followups.mark_new_connection(people["Ada Early"], date(1985, 3, 15))
    with pytest.raises(ValidationError, match="in the future"):
        nd.followups.mark(people["Cy Recent"], "messaged", when=datetime(2031, 1, 1, 9))
    assert nd.followups.pipeline(people["Cy Recent"]).stage is Stage.CONNECTED
    assert not nd.followups.pipeline(people["Ada Early"]).in_pipeline


def test_practices_refuse_a_day_before_1990_or_in_the_future(nd: NetDesk) -> None:
    """A contribution, a rhythm's start and an introduction's steps are facts of the record, as an interaction is: a
    talk dated 2031 counted towards a goal today, a step dated 1985 put the introduction "no move for 15,000 days"."""
    from netdesk.core.model import ContactDTO
    from netdesk.core.practices import ContributionKind
    from netdesk.services.contributions import ContributionDTO

    priya = nd.contacts.create(ContactDTO(given_name="Priya", family_name="Raman")).value.id
    grace = nd.contacts.create(ContactDTO(given_name="Grace", family_name="Hopper")).value.id
    assert priya is not None and grace is not None
    future, early = date.today() + timedelta(days=5 * 365), date(1985, 3, 15)
    for day, reason in ((future, "in the future"), (early, "before 1990")):
        with pytest.raises(ValidationError, match=reason):
            nd.contributions.save(ContributionDTO(ContributionKind.TALK, "PyData Berlin", day))
        with pytest.raises(ValidationError, match=reason):
            nd.networking.set_contact_cadence(priya, 30, since=day)
        with pytest.raises(ValidationError, match=reason):
            nd.introductions.ask(priya, grace, on=day)
        with pytest.raises(ValidationError, match=reason):
            nd.introductions.propose(priya, grace, on=day)
    assert nd.contributions.recent() == [] and nd.introductions.list_all() == []
    assert nd.networking.cadence_of(priya) == (None, None)

    asked = nd.introductions.ask(priya, grace, on=date(2025, 3, 1)).value
    with pytest.raises(ValidationError, match="in the future"):
        nd.introductions.agreed(asked.id, future)
    with pytest.raises(ValidationError, match="in the future"):
        nd.introductions.decline(asked.id, future)
    assert nd.introductions.get(asked.id).state.value == "asked"
    # Today and yesterday are fine.
    nd.contributions.save(ContributionDTO(ContributionKind.TALK, "PyData Berlin", date.today()))
    nd.networking.set_contact_cadence(priya, 30, since=date.today())
    nd.introductions.agreed(asked.id, date.today())
