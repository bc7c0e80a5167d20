"""Bad dates in a LinkedIn export (a connection dated before 1990 or in the future) and in the manual overrides are
reported, crash nothing and never move a pipeline."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
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
