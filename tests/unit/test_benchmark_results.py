"""The README's speed table is generated from the benchmarks' results file, in the format run_all.py documents."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import common  # noqa: E402
import readme_table  # noqa: E402
import run_all  # noqa: E402

DOCUMENTED_KEYS = {
    "benchmark",
    "command",
    "size",
    "figure",
    "value",
    "unit",
    "anchor",
    "anchor_value",
    "ratio",
    "target_ratio",
    "target",
    "ok",
}


def test_readme_speed_table_is_the_one_generated_from_results_json() -> None:
    assert readme_table.main(["--check"]) == 0, "run python tests/benchmarks/readme_table.py after make bench"


def test_results_json_holds_documented_results_with_same_run_anchors() -> None:
    document = json.loads(run_all.RESULTS.read_text(encoding="utf-8"))
    assert document["format"] == run_all.FORMAT
    assert document["results"]
    for result in document["results"]:
        assert set(result) >= DOCUMENTED_KEYS, result["figure"]
        if result["anchor"]:
            assert result["ratio"] == pytest.approx(result["value"] / result["anchor_value"], rel=0.01)


def test_record_appends_one_json_line_with_ratio_and_verdict(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    lines = tmp_path / "results.jsonl"
    monkeypatch.setenv(common.RESULTS_ENV, str(lines))
    monkeypatch.setattr(sys, "argv", [str(BENCHMARKS / "bench_example.py"), "--cards", "10"])
    common.describe_size("10 cards")
    common.record("import", 3.0, "s", anchor="parser", anchor_value=2.0, target_ratio=1.0)
    common.report_line("cards per second", 5.0, "cards/s")
    first, second = (json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines())
    assert set(first) == DOCUMENTED_KEYS == set(second)
    assert first["ratio"] == 1.5 and first["ok"] is False and first["size"] == "10 cards"
    assert first["command"] == "python tests/benchmarks/bench_example.py --cards 10"
    assert second["anchor"] == "" and second["ratio"] is None and second["ok"] is None
    assert "ratio 1.50" in capsys.readouterr().out
    row = readme_table.row({**first, "load_average": [1.0, 2.0]})
    assert "| 1.50× |" in row and "≤ 1×" in row and "over" in row
