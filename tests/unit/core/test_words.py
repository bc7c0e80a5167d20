"""Counts read as sentences: "1 problem", "2 problems"."""

from netdesk.core.words import plural
from netdesk.io.report import ImportProblem, ImportReport


def test_plural_forms() -> None:
    assert plural(1, "problem") == "1 problem"
    assert plural(0, "problem") == "0 problems"
    assert plural(2, "person") == "2 people"
    assert plural(1200, "contact") == "1,200 contacts"


def test_import_summary_counts_in_the_right_number() -> None:
    report = ImportReport(created=["a"], errors=[ImportProblem("f.vcf", 3, "no name")], interactions_added=1)
    assert report.summary() == "1 created, 0 updated, 0 merged, 0 unchanged, 0 skipped, 1 interaction added, 1 problem"


def test_month_names_and_whole_number_steps_for_charts() -> None:
    from netdesk.core.words import count_step, month_label

    assert month_label("2026-01") == "Jan ’26" and month_label("2025-12") == "Dec ’25"
    assert count_step(0) == 1 and count_step(3) == 1 and count_step(12) == 5 and count_step(100) == 20
    assert count_step(55) == 20 and count_step(9) == 2 and count_step(240) == 50 and count_step(1300) == 500


def test_articles() -> None:
    from netdesk.core.words import with_article

    assert with_article("post") == "a post" and with_article("answer") == "an answer"
    assert with_article("open-source contribution") == "an open-source contribution"
