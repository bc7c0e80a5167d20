"""`netdesk duplicates`: list, find, merge and keep apart, from the command line, over real imports."""

from __future__ import annotations

import json
from pathlib import Path

import duplicates_story as story
import pytest

from netdesk import cli
from netdesk.services import open_netdesk


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_review_duplicates_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "nd.sqlite3")
    assert run(capsys, "import", "--db", db, str(story.phone_book(tmp_path)))[0] == 0
    code, out, _err = run(capsys, "import", "--db", db, str(story.linkedin_export(tmp_path)))
    assert code == 0 and "3 possible duplicates to review: netdesk duplicates" in out

    code, out, _err = run(capsys, "duplicates", "--db", db)
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and [line[1:] for line in lines] == [
        ["Bob Smith", "Robert Smith", "similar names"],
        ["Jon Baker", "Jonathan Baker", "similar names"],
        ["Priya R.", "Priya Raman", "family name given as an initial"],
    ]
    ids = {line[1]: line[0] for line in lines}

    code, out, _err = run(capsys, "duplicates", "--db", db, "--json")
    listed = json.loads(out)
    bob = next(p for p in listed if p["first"]["name"] == "Bob Smith")
    assert set(bob) == {"id", "first", "second", "reason", "found_by", "found_at", "differences"}  # README's keys
    assert bob["found_by"] == "import" and bob["reason"] == "similar names"
    assert {"field": "given_name", "first": "Bob", "second": "Robert", "choosable": True} in bob["differences"]

    code, _out, err = run(capsys, "duplicates", "--db", db, "merge", ids["Bob Smith"], "--take", "given_name=second")
    assert code == 0 and err.startswith("merged Robert Smith into Bob Smith")
    code, _out, err = run(capsys, "duplicates", "--db", db, "keep-apart", ids["Jon Baker"])
    assert code == 0 and err == "kept Jon Baker and Jonathan Baker apart\n"

    nd = open_netdesk(db)
    names = sorted(r.name for r in nd.contacts.rows())
    nd.close()
    assert "Robert Smith" in names and "Bob Smith" not in names and "Jon Baker" in names

    code, out, err = run(capsys, "duplicates", "--db", db, "find")
    assert code == 0 and err == "0 new possible duplicates to review\n"
    assert [line.split("\t")[1] for line in out.splitlines()] == ["Priya R."]


def test_mistakes_are_one_line_and_a_non_zero_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "nd.sqlite3")
    code, out, err = run(capsys, "duplicates", "--db", db, "merge")
    assert code == cli.EXIT_USAGE and "give the pair's id" in err and out == ""
    code, _out, err = run(capsys, "duplicates", "--db", db, "keep-apart", "7")
    assert (
        code == cli.EXIT_ERROR
        and err == "netdesk: no duplicate suggestion 7 to review (merged, kept apart or trashed)\n"
    )
    code, _out, err = run(capsys, "duplicates", "--db", db, "merge", "7", "--take", "title")
    assert code == cli.EXIT_USAGE and "FIELD=first or FIELD=second" in err
    code, out, _err = run(capsys, "duplicates", "--db", db, "--json")
    assert code == 0 and json.loads(out) == []
