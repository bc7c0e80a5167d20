"""The pure networking rules: due items, occasions, follow-ups, favours, relationships, strength."""

from __future__ import annotations

from datetime import date

import pytest

from netdesk.core import networking as rules
from netdesk.core.errors import ValidationError
from netdesk.core.networking import DueItem, DueKind, FollowupState, StrengthFacts

TODAY = date(2025, 3, 10)


def test_own_cadence_wins_over_tags_and_shortest_tag_applies() -> None:
    assert rules.effective_cadence(45, [7, 30]) == 45
    assert rules.effective_cadence(None, [90, 30, 60]) == 30
    assert rules.effective_cadence(None, []) is None


@pytest.mark.parametrize("days", [0, -3, 4000])
def test_cadence_out_of_range_is_rejected(days: int) -> None:
    with pytest.raises(ValidationError):
        rules.validate_cadence(days)


def test_cadence_item_overdue_due_soon_and_not_yet() -> None:
    late = rules.cadence_item(1, "Ada", 30, date(2025, 1, 1), date(2024, 1, 1), TODAY)
    assert late is not None and late.kind is DueKind.OVERDUE
    assert late.days_overdue == 38 and late.due_date == date(2025, 1, 31)
    assert "overdue by 38 days" in late.title and "2025-01-01" in late.detail

    soon = rules.cadence_item(1, "Ada", 30, date(2025, 2, 13), date(2024, 1, 1), TODAY)
    assert soon is not None and soon.kind is DueKind.DUE_THIS_WEEK
    assert soon.days_overdue == -5 and "due in 5 days" in soon.title

    assert rules.cadence_item(1, "Ada", 30, date(2025, 3, 1), date(2024, 1, 1), TODAY) is None


def test_never_contacted_runs_from_connection_date() -> None:
    item = rules.cadence_item(1, "Ada", 14, None, date(2025, 2, 1), TODAY)
    assert item is not None and item.days_overdue == 23 and "never contacted" in item.detail


def in_window(month_day: str, today: date) -> bool:
    return any(lo <= month_day <= hi for lo, hi in rules.occasion_ranges(today))


def test_occasion_window_includes_feb_29_on_feb_28_in_non_leap_years() -> None:
    today = date(2025, 2, 20)
    assert all(in_window(d, today) for d in ("02-20", "02-28", "02-29", "03-06"))
    assert not in_window("03-07", today) and not in_window("02-19", today)
    assert not in_window("02-29", date(2025, 5, 1))
    assert in_window("02-29", date(2025, 2, 14))  # the window ends on 28 February exactly


def test_occasion_window_wraps_the_year() -> None:
    today = date(2024, 12, 25)
    assert in_window("12-25", today) and in_window("12-31", today) and in_window("01-08", today)
    assert not in_window("01-09", today) and not in_window("12-24", today)


def test_birthday_on_feb_29_is_celebrated_on_feb_28_in_non_leap_year() -> None:
    item = rules.occasion_item(DueKind.BIRTHDAY, 1, "Leap", "2000-02-29", date(2025, 2, 20))
    assert item is not None and item.due_date == date(2025, 2, 28)
    assert item.title == "Birthday of Leap in 8 days (turns 25)"
    leap = rules.occasion_item(DueKind.BIRTHDAY, 1, "Leap", "--02-29", date(2028, 2, 20))
    assert leap is not None and leap.due_date == date(2028, 2, 29) and "turns" not in leap.title


def test_birthday_without_year_and_year_wrap() -> None:
    item = rules.occasion_item(DueKind.BIRTHDAY, 1, "Bo", "--01-03", date(2024, 12, 25))
    assert item is not None and item.due_date == date(2025, 1, 3) and item.days_overdue == -9
    assert rules.occasion_item(DueKind.BIRTHDAY, 1, "Bo", "--01-30", date(2024, 12, 25)) is None
    today_item = rules.occasion_item(DueKind.ANNIVERSARY, 1, "Bo", "2015-03-10", TODAY)
    assert today_item is not None and today_item.title == "Anniversary of Bo today (10 years)"


@pytest.mark.parametrize("stored", ["", "garbage", "2020-02-30", "--13-01"])
def test_bad_stored_dates_are_ignored(stored: str) -> None:
    assert rules.occasion_item(DueKind.BIRTHDAY, 1, "X", stored, TODAY) is None


def test_followup_steps() -> None:
    first = rules.followup_item(1, "Ada", "", date(2025, 3, 1), None, TODAY)
    assert first is not None and first.title == "Send Ada a personal note"
    assert first.due_date == date(2025, 3, 4) and first.days_overdue == 6
    assert first.followup_state is FollowupState.NONE
    # Once the note is sent the next move is theirs: nothing to do.
    assert rules.followup_item(1, "Ada", "messaged", date(2025, 3, 1), date(2025, 3, 5), TODAY) is None
    assert rules.followup_item(1, "Ada", "replied", date(2025, 3, 1), None, TODAY) is None
    assert rules.followup_item(1, "Ada", "dismissed", date(2025, 3, 1), None, TODAY) is None
    assert rules.followup_item(1, "Ada", "", date(2025, 1, 1), None, TODAY) is None  # older than 30 days


def test_favour_nudges() -> None:
    item = rules.favour_balance_item(1, "Xu", 0, 3)
    assert item is not None and item.title == "You have received 3 favours from Xu and given none"
    assert rules.favour_balance_item(1, "Xu", 1, 3) is None
    assert rules.favour_balance_item(1, "Xu", 1, 4).title.endswith("and given 1")  # type: ignore[union-attr]
    promise = rules.open_favour_item(9, 1, "Yve", "the intro to Bob", date(2025, 2, 24), TODAY)
    assert promise.title == "You promised Yve: the intro to Bob"
    assert promise.detail.startswith("Promised 14 days ago") and promise.interaction_id == 9


def test_sort_due_groups_sections_then_most_overdue_first() -> None:
    items = [
        DueItem(DueKind.BIRTHDAY, 1, "b", -2, TODAY),
        DueItem(DueKind.OVERDUE, 2, "x", 3),
        DueItem(DueKind.OVERDUE, 3, "y", 30),
        DueItem(DueKind.FAVOUR, 4, "z"),
        DueItem(DueKind.DUE_THIS_WEEK, 5, "w", -1),
        DueItem(DueKind.OVERDUE, 6, "Émile", 3),
        DueItem(DueKind.OVERDUE, 7, "adam", 3),
    ]
    # Equally late: by name, ignoring case and accents.
    assert [i.contact_id for i in rules.sort_due(items)] == [3, 7, 6, 2, 5, 1, 4]


def test_relationships_symmetric_and_directed() -> None:
    assert rules.canonical_relationship(9, 2, "Colleague") == (2, 9, "colleague")
    assert rules.canonical_relationship(9, 2, "manager") == (9, 2, "manager")
    assert rules.canonical_relationship(9, 2, "report") == (2, 9, "manager")
    assert rules.canonical_relationship(9, 2, "mentee") == (2, 9, "mentor")
    assert rules.canonical_relationship(9, 2, "  climbing   partner ") == (2, 9, "climbing partner")
    # stored "9 is 2's manager": 2 sees a manager, 9 sees a report
    assert rules.role_of_other(2, 9, "manager") == "manager"
    assert rules.role_of_other(9, 9, "manager") == "report"
    assert rules.role_of_other(2, 9, "friend") == "friend"
    with pytest.raises(ValidationError):
        rules.canonical_relationship(1, 2, "  ")


def test_strength_parts_explain_the_score() -> None:
    facts = StrengthFacts(
        last_interaction=TODAY,
        interactions_12m=12,
        favours_given_12m=2,
        favours_received_12m=2,
        cadence_days=30,
        last_contacted=TODAY,
    )
    best = rules.strength(facts, TODAY)
    assert best.score == 100
    assert sum(points for _, points in best.parts) == 100
    assert [label for label, _ in best.parts][2] == "Rhythm every 30 days kept"

    nothing = rules.strength(StrengthFacts(), TODAY)
    assert nothing.score == 0 and ("No rhythm set", 0) in nothing.parts

    half_year = rules.strength(StrengthFacts(last_interaction=date(2024, 9, 10), interactions_12m=3), TODAY)
    labels = dict(half_year.parts)
    assert 0 < half_year.score < 50
    assert labels["3 exchanges in 12 months"] == round(35 * 3 / 12)

    overdue = rules.strength(StrengthFacts(cadence_days=30, last_contacted=date(2025, 1, 24)), TODAY)
    assert dict(overdue.parts)["Rhythm overdue by 15 days"] == 8
    # A rhythm set after the last exchange counts from the day it was set, as the Due list counts it.
    set_later = StrengthFacts(cadence_days=30, last_contacted=date(2025, 1, 24), cadence_since=date(2025, 3, 1))
    assert dict(rules.strength(set_later, TODAY).parts)["Rhythm every 30 days kept"] == 15


def test_month_helpers() -> None:
    assert rules.last_months(date(2025, 2, 15), 3) == ["2024-12", "2025-01", "2025-02"]
    assert rules.quarter_start(date(2025, 8, 19)) == date(2025, 7, 1)
    assert rules.who_clause("colleague of Ada") == "who is colleague of Ada"
    assert rules.who_clause("works at ACME") == "who works at ACME"
