"""Runs every benchmark script (bench_*.py) in turn and writes their results to one small JSON file.

    python tests/benchmarks/run_all.py                      # full size; writes tests/benchmarks/results.json
    python tests/benchmarks/run_all.py --only bench_contacts bench_vcard_parse   # re-run some, keep the others
    python tests/benchmarks/run_all.py --smoke              # tiny size (CI); results go to a temporary file
    python tests/benchmarks/readme_table.py                 # then: the README's speed table, from results.json

Results format (how a benchmark joins): a script records each figure with ``common.record(...)`` (or
``common.report_line(...)`` for a figure without an anchor). run_all.py names a file in $NETDESK_BENCH_RESULTS;
each recorded figure is appended to it as one JSON object per line with these keys:

    benchmark     the script's file name, e.g. "bench_contacts.py"
    command       how to repeat the run, e.g. "python tests/benchmarks/bench_contacts.py --contacts 100000"
    size          the true size measured (asserted by the script), e.g. "100,000 contacts"; may be ""
    figure        what was measured, e.g. "start-up to window shown"
    value, unit   the figure, e.g. 0.61 and "s"
    anchor        what it is compared with, measured in the same run, e.g. "bare PySide6 window"; "" for none
    anchor_value  the anchor's figure in the same unit (null without an anchor)
    ratio         value / anchor_value (null without an anchor)
    target_ratio  the highest acceptable ratio (null: none)
    target        the highest acceptable value in ``unit`` when there is no anchor (null: none)
    ok            whether the target is met (null: no target)

run_all.py adds "measured_at" and "load_average" (1-minute load before and after the script: the machine is shared)
to each, then writes {"format": 1, "written_at", "cpus", "results": [...]}
to --output. With --only, the results of the scripts not run this time are kept from the existing file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
RESULTS_ENV = "NETDESK_BENCH_RESULTS"
FORMAT = 1


def run(scripts: list[Path], extra: list[str]) -> tuple[list[dict[str, object]], list[str]]:
    """Run ``scripts`` with ``extra`` arguments; their recorded results and the names of those that failed."""
    results: list[dict[str, object]] = []
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts:
            print(f"== {script.name} {' '.join(extra)}", flush=True)
            lines = Path(tmp) / f"{script.stem}.jsonl"
            env = {**os.environ, RESULTS_ENV: str(lines)}
            load_before = os.getloadavg()[0]
            if subprocess.run([sys.executable, str(script), *extra], cwd=HERE, env=env).returncode != 0:
                failed.append(script.name)
            # The machine is shared: each result says when it was measured and how busy the machine was.
            when = {
                "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            }
            if lines.exists():
                results += [
                    {**json.loads(line), **when} for line in lines.read_text(encoding="utf-8").splitlines() if line
                ]
    return results, failed


def merged(previous: Path, fresh: list[dict[str, object]], ran: list[str]) -> list[dict[str, object]]:
    """The fresh results, plus those of scripts that did not run this time from ``previous``."""
    if not previous.exists():
        return fresh
    kept = [r for r in json.loads(previous.read_text(encoding="utf-8"))["results"] if r["benchmark"] not in ran]
    return kept + fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny size, for CI; nothing written unless --output")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts (bench_contacts …)")
    parser.add_argument("--output", type=Path, help=f"where the JSON goes (default: {RESULTS.name}, not in --smoke)")
    args, extra = parser.parse_known_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {name.removesuffix(".py") for name in args.only}
        unknown = wanted - {s.stem for s in scripts}
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
        scripts = [s for s in scripts if s.stem in wanted]
    if args.smoke:
        extra = ["--smoke", *extra]
    results, failed = run(scripts, extra)
    output = args.output if args.output is not None else (None if args.smoke else RESULTS)
    if output is not None:
        document = {
            "format": FORMAT,
            "written_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cpus": os.cpu_count(),
            "results": merged(output, results, [s.name for s in scripts]),
        }
        output.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"results: {output}")
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
