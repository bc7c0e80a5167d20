"""Long fuzz run of the vCard and CSV readers (the short one is tests/fuzz/, part of the normal test suite).

    python tests/benchmarks/bench_fuzz.py                    # 100,000 inputs (~13 min on the 2-core machine)
    python tests/benchmarks/bench_fuzz.py --inputs 500000 --seed 7
    python tests/benchmarks/bench_fuzz.py --smoke            # a few hundred inputs, for CI
    python tests/benchmarks/bench_fuzz.py --atheris -- -atheris_runs=100000   # coverage-guided (pip install atheris)

Inputs rotate through: generated vCard files, the same mutated (byte flips, truncation, duplication, line shuffles,
NULs, CRs, huge lines), mutated files of the fixture corpus, a broken card between two good ones, generated CSV files
(LinkedIn, Google, Outlook and NetDesk headers) and mutated corpus CSVs. Each input must be read without an
exception other than UnsupportedFormatError (CSV APIs), within fuzzlib.TIME_LIMIT seconds, with every problem naming
file, line and reason. Prints inputs/s; exits 1 on any failure (the failing inputs are saved under --save-dir).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from common import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tests" / "fuzz"))

if TYPE_CHECKING:
    import fuzzlib
else:
    fuzzlib = None  # imported in main(): under atheris the readers must be imported inside its instrumentation

PEER_FIXTURES = REPO_ROOT / "tests" / "data" / "peer"

Check = Callable[[bytes], list[str]]


def _inputs(chooser: fuzzlib.RandomChooser, corpus: list[bytes], huge_line: int) -> list[tuple[str, bytes, Check]]:
    """One round of inputs, one of each kind: (kind, data, check)."""
    c = chooser
    generated = fuzzlib.vcard_file(c)
    round_: list[tuple[str, bytes, Check]] = [
        ("vcard", generated, fuzzlib.check_vcard_bytes),
        ("vcard-mutated", fuzzlib.mutate(c, generated, huge_line=huge_line), fuzzlib.check_vcard_bytes),
        ("sandwich", fuzzlib.mutate(c, fuzzlib.vcard_text(c).encode()), fuzzlib.check_good_cards_survive),
        ("csv", fuzzlib.csv_file(c), fuzzlib.check_csv_bytes),
    ]
    if corpus:
        original = c.choice(corpus)
        mutated = fuzzlib.mutate(c, original, huge_line=huge_line)
        round_.append(("corpus-vcard", mutated, fuzzlib.check_vcard_bytes))
        round_.append(("corpus-csv", mutated, fuzzlib.check_csv_bytes))
    return round_


def run(inputs: int, seed: int, huge_line: int, save_dir: Path, quiet: bool) -> int:
    corpus = fuzzlib.corpus_files(PEER_FIXTURES)
    chooser = fuzzlib.RandomChooser(seed)
    done = failed = 0
    per_kind: dict[str, int] = {}
    slowest = (0.0, "")
    start = time.perf_counter()
    next_report = start + 10
    while done < inputs:
        for kind, data, check in _inputs(chooser, corpus, huge_line):
            if done >= inputs:
                break
            began = time.perf_counter()
            failures = check(data)
            took = time.perf_counter() - began
            if took > slowest[0]:
                slowest = (took, f"{kind}, {len(data):,} bytes")
            done += 1
            per_kind[kind] = per_kind.get(kind, 0) + 1
            if failures:
                failed += 1
                save_dir.mkdir(parents=True, exist_ok=True)
                target = save_dir / f"{kind}-{hashlib.sha256(data).hexdigest()[:16]}.bin"
                target.write_bytes(data)
                print(f"FAIL #{failed} ({kind}, saved as {target}):\n  " + "\n  ".join(failures[:3]), file=sys.stderr)
        now = time.perf_counter()
        if not quiet and now >= next_report:
            print(f"  {done:,} inputs, {done / (now - start):,.0f} inputs/s, {failed} failures", flush=True)
            next_report = now + 10
    seconds = time.perf_counter() - start
    kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(per_kind.items()))
    print(f"fuzz: {done:,} inputs in {seconds:.1f} s = {done / seconds:,.0f} inputs/s ({kinds})")
    print(f"fuzz: slowest input {slowest[0] * 1000:.0f} ms ({slowest[1]}); limit {fuzzlib.TIME_LIMIT:.0f} s")
    print(f"fuzz: {failed} failing inputs" + (f" (saved under {save_dir})" if failed else ""))
    return 1 if failed else 0


def run_atheris(argv: list[str]) -> int:
    """Coverage-guided fuzzing of raw bytes into both readers (optional: needs ``pip install atheris``)."""
    import atheris

    global fuzzlib
    with atheris.instrument_imports(include=["netdesk.io"]):
        import fuzzlib as instrumented

    fuzzlib = instrumented

    def one_input(data: bytes) -> None:
        failures = fuzzlib.check_vcard_bytes(data) + fuzzlib.check_csv_bytes(data)
        if failures:
            raise AssertionError("\n".join(failures))

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="how many inputs to feed (default 100,000)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run (300 inputs) for CI")
    parser.add_argument("--seed", type=int, default=20260101, help="random seed (runs are reproducible)")
    parser.add_argument("--huge-line", type=int, default=200_000, help="length of the huge lines mutation inserts")
    parser.add_argument("--save-dir", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided fuzzing with atheris instead")
    args, rest = parser.parse_known_args()
    if args.atheris:
        return run_atheris([a for a in rest if a != "--"])
    global fuzzlib
    import fuzzlib as plain

    fuzzlib = plain
    if rest:
        parser.error(f"unknown arguments: {' '.join(rest)}")
    if args.smoke:
        return run(300, args.seed, 20_000, args.save_dir, quiet=True)
    return run(args.inputs, args.seed, args.huge_line, args.save_dir, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
