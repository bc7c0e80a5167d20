"""Personal-note templates and how a draft is filled from what the record says about the person.

A template is plain text with placeholders in braces. A line whose placeholders are all empty for this person is
left out, so a draft never says "we met at ." — the user edits the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDERS = {
    "first_name": "their first name",
    "name": "their full name",
    "title": "their job title",
    "company": "their company",
    "role": "title at company",
    "how_we_met": "where or how you met (the contact's notes, first line)",
    "shared": "tags or goals you share",
    "invitation": "the note of the invitation between you",
    "their_last_message": "the first line of their last message",
    "my_name": "your name",
}


@dataclass(frozen=True, slots=True)
class NoteTemplate:
    key: str
    name: str
    body: str


# Three starting points in NetDesk's own words: personal, specific, and offering something. Editable in the composer.
DEFAULT_TEMPLATES = (
    NoteTemplate(
        "personal",
        "Personal: glad we connected",
        "Hi {first_name},\n"
        "Thanks for connecting. It was good to meet you ({how_we_met}).\n"
        "I enjoyed hearing about your work as {role}.\n"
        "I hope we keep in touch.\n"
        "{my_name}",
    ),
    NoteTemplate(
        "specific",
        "Specific: pick up the thread",
        "Hi {first_name},\n"
        "You wrote: “{their_last_message}”\n"
        "Following on from my invitation (“{invitation}”), I would like to hear more about what you are working on.\n"
        "We both care about {shared}: what is the hardest part of it for you right now?\n"
        "{my_name}",
    ),
    NoteTemplate(
        "offer",
        "Offer: something useful",
        "Hi {first_name},\n"
        "Congratulations on the role as {role}.\n"
        "Since we share an interest in {shared}, here is something that might help you: [a link, an article, a name].\n"
        "If an introduction to someone in my network would be useful, just say who.\n"
        "{my_name}",
    ),
)

_FIELD = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What the record says about the person, for the placeholders."""

    values: dict[str, str] = field(default_factory=dict)
    profile_url: str = ""


def fill(template: str, context: NoteContext) -> str:
    """The draft: placeholders replaced; a line whose placeholders are all empty is dropped; unknown names kept."""
    lines = []
    for line in template.splitlines():
        names = [n for n in _FIELD.findall(line) if n in PLACEHOLDERS]
        if names and not any(context.values.get(n, "").strip() for n in names):
            continue
        lines.append(
            _FIELD.sub(
                lambda m: context.values.get(m.group(1), "").strip() if m.group(1) in PLACEHOLDERS else m.group(0),
                line,
            )
        )
    return "\n".join(lines).strip() + "\n"
