"""`make bench`: every figure a ratio against a baseline measured in the same run, written
to bench/results.md. `python -m bench --quick` runs shorter and smaller; `--only CASE`
runs one case and keeps the other rows of the results file."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import cases, client_cases, world_cases
from bench.report import Row, write_report

ALL = {**cases.ALL, **world_cases.ALL, **client_cases.ALL}
"""Every case by name, in the order they run."""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="short runs, small data")
    parser.add_argument("--only", action="append", choices=sorted(ALL), help="run only these")
    parser.add_argument("--out", default="bench/results.md")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="mdekit-bench-") as tmp:
        for name, case in ALL.items():
            if args.only and name not in args.only:
                continue
            print(f"== {name}", flush=True)
            found = case(Path(tmp) / name, quick=args.quick)
            for row in found:
                row.group = name
                print(f"   {row.describe()}", flush=True)
            rows += found
    only = set(args.only) if args.only else None
    write_report(Path(args.out), rows, quick=args.quick, only=only)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
