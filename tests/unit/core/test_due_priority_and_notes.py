"""The Due list's "Today" priority and sections, and how a personal-note template is filled."""

from __future__ import annotations

from datetime import date, datetime

from netdesk.core import networking as rules
from netdesk.core.networking import DueItem, DueKind, Section, today_items
from netdesk.core.notes import DEFAULT_TEMPLATES, NoteContext, fill

TODAY = date(2025, 10, 6)


def test_today_ranks_by_the_documented_priority_and_caps() -> None:
    items = [
        DueItem(DueKind.OVERDUE, 1, "Rhythm Late", 40),
        DueItem(DueKind.BIRTHDAY, 2, "Far Birthday", -10),
        DueItem(DueKind.BIRTHDAY, 3, "Near Birthday", -1),
        DueItem(DueKind.FAVOUR, 4, "Promise", 3, interaction_id=9),
        DueItem(DueKind.FAVOUR, 5, "Balance"),
        DueItem(DueKind.START_RHYTHM, 6, "Never Yet", cadence_days=30),
        rules.invitation_item(7, "Dana", datetime(2025, 10, 4, 15), "hi", TODAY),
        DueItem(DueKind.FOLLOWUP, 8, "New One", 1),
        DueItem(DueKind.REPLY, 9, "Waiting Long", 3),
        DueItem(DueKind.REPLY, 10, "Waiting Short", -1),
    ]
    names = [i.contact_name for i in today_items(items, 20)]
    assert names == [
        "Waiting Long",
        "Waiting Short",
        "New One",
        "Dana",
        "Near Birthday",
        "Promise",
        "Rhythm Late",
        "Balance",
        "Far Birthday",
    ]  # "Never Yet" is in its own section only
    assert len(today_items(items, 3)) == 3
    assert [i.section for i in items[:2]] == [Section.STAY_IN_TOUCH, Section.OCCASIONS]
    assert (items[3].json_kind, items[4].json_kind, items[0].json_kind) == ("promise", "favour", "cadence")


def test_reply_items_are_offered_for_a_month_and_dated_relative_to_today() -> None:
    item = rules.reply_item(1, "Priya", datetime(2025, 10, 5, 10), TODAY)
    assert item is not None and (item.days_overdue, item.detail) == (
        -1,
        "They wrote 2025-10-05 (yesterday) · no answer yet",
    )
    later = rules.reply_item(1, "Priya", datetime(2025, 10, 5, 10), date(2025, 10, 30))
    assert later is not None and later.detail == "They wrote 2025-10-05 (25 days ago) · no answer yet"
    assert rules.reply_item(1, "Priya", datetime(2025, 10, 5, 10), date(2025, 11, 5)) is None


def test_rhythm_counts_from_the_later_of_last_exchange_and_the_day_it_was_set() -> None:
    set_after = rules.cadence_item(1, "Ann", 30, date(2020, 1, 1), date(2025, 10, 1), TODAY)
    assert set_after is None  # set on 1 October: due on 31 October, not 2,000 days ago
    late = rules.cadence_item(1, "Ann", 30, date(2025, 8, 1), date(2025, 1, 1), TODAY)
    assert late is not None and late.days_overdue == 36


def test_a_template_is_filled_and_lines_about_unknown_facts_are_left_out() -> None:
    personal = DEFAULT_TEMPLATES[0].body
    context = NoteContext({"first_name": "Lena", "role": "Data Scientist at Umbrella"})
    draft = fill(personal, context)
    assert draft.startswith("Hi Lena,\n") and "Data Scientist at Umbrella" in draft
    assert "meet you" not in draft and "{" not in draft
    assert fill("Dear {first_name}, see {unknown}", context) == "Dear Lena, see {unknown}\n"
    assert len({t.key for t in DEFAULT_TEMPLATES}) == 3


def test_today_of_thousands_is_the_head_of_the_whole_list_by_priority() -> None:
    import random

    from netdesk.core.due import _priority

    rng = random.Random(4)
    kinds = [k for k in DueKind if k is not DueKind.INVITATION]
    items = [
        DueItem(
            rng.choice(kinds),
            n,
            rng.choice(["Ada", "Zoë", "ada", "Bo", "Émile"]),  # many ties: names and ids break them
            rng.choice([None, *range(-12, 12)]),
            interaction_id=rng.choice([None, n]),
        )
        for n in range(3000)
    ]
    eligible = [i for i in items if i.kind is not DueKind.START_RHYTHM]
    for limit in (0, 1, 10, 57, 5000):
        assert today_items(items, limit) == sorted(eligible, key=_priority)[:limit]
