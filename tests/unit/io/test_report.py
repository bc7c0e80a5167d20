"""The import report: exact counts and a bounded sample of names, however large the import."""

from __future__ import annotations

from pathlib import Path

from netdesk.io.report import SAMPLE_SIZE, ImportReport, NameSample
from netdesk.services import NetDesk


def test_a_name_sample_counts_every_name_and_keeps_the_first_ones() -> None:
    names = NameSample()
    names.extend(f"Person {n}" for n in range(SAMPLE_SIZE * 3))
    names.append("Last")
    assert len(names) == SAMPLE_SIZE * 3 + 1
    assert list(names) == [f"Person {n}" for n in range(SAMPLE_SIZE)] and not names.complete
    assert names[0] == "Person 0" and names != list(names)  # not every name: not equal to the sample alone


def test_a_lazy_extend_computes_only_the_names_the_sample_keeps() -> None:
    computed: list[int] = []

    def name(n: int) -> str:
        computed.append(n)
        return f"P{n}"

    names = NameSample(["first"])
    names.extend((name(n) for n in range(10_000)), 10_000)
    assert len(names) == 10_001 and len(computed) == SAMPLE_SIZE - 1


def test_a_small_sample_equals_the_list_of_its_names() -> None:
    assert NameSample(["Ada", "Bob"]) == ["Ada", "Bob"] and NameSample() == [] and not NameSample()
    report = ImportReport(created=["Ada"])  # a plain list is taken as names
    other = ImportReport()
    other.created += ["Bob"]
    report.extend(other)
    assert report.created == ["Ada", "Bob"] and report.summary().startswith("2 created")


def test_the_report_of_a_large_import_is_bounded_and_its_counts_exact(nd: NetDesk, tmp_path: Path) -> None:
    count = SAMPLE_SIZE * 3
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nN:{n};Person;;;\r\nEMAIL:p{n}@example.org\r\nEND:VCARD\r\n"
        for n in range(count)
    )
    path = tmp_path / "many.vcf"
    path.write_text(cards, encoding="utf-8")
    report = nd.imports.import_paths([path]).value
    assert len(report.created) == count == nd.contacts.count()
    assert len(list(report.created)) == SAMPLE_SIZE and report.summary().startswith(f"{count} created")
    again = nd.imports.import_paths([path]).value
    assert len(again.unchanged) == count and len(list(again.unchanged)) == SAMPLE_SIZE and again.created == []


def test_samples_add_up() -> None:
    joined = NameSample(["Ada"]) + NameSample(["Bob"]) + ["Cy"]
    assert joined == ["Ada", "Bob", "Cy"] and len(joined) == 3
