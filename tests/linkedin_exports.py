"""A small generated LinkedIn export for tests: Connections.csv and messages.csv, one message from each person."""

from __future__ import annotations

from pathlib import Path

OWNER = "Ada Owner,https://www.linkedin.com/in/ada-owner"


def connections_export(folder: Path, count: int, companies: dict[int, str] | None = None) -> Path:
    """``count`` different people at Acme (``companies``: person number -> another employer), each with one message
    to the owner, written into the new ``folder``."""
    folder.mkdir()
    companies = companies or {}
    people = [(f"Given{n}", f"Family{n}", f"https://www.linkedin.com/in/person-{n}") for n in range(count)]
    connections = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    connections += [
        f"{g},{f},{url},,{companies.get(n, 'Acme')},Engineer,15 Mar 2021" for n, (g, f, url) in enumerate(people)
    ]
    messages = ["CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,CONTENT"]
    messages += [
        f"c{n},,{g} {f},{url},{OWNER},2023-05-02 14:03:11 UTC,Hello {n}" for n, (g, f, url) in enumerate(people)
    ]
    (folder / "Connections.csv").write_text("\n".join(connections) + "\n", encoding="utf-8")
    (folder / "messages.csv").write_text("\n".join(messages) + "\n", encoding="utf-8")
    return folder
