"""Command line: `python -m scan2text_tools.samplegen --level mild --out samples`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build_set
from .plan import STACKS
from .render import SampleGenError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scan2text_tools.samplegen", description=__doc__)
    parser.add_argument("--level", choices=sorted(STACKS), required=True)
    parser.add_argument("--out", type=Path, required=True, help="set root; truth.json is written there")
    parser.add_argument("--jobs", type=int, default=1, help="pages rendered in parallel (output is the same)")
    args = parser.parse_args(argv)
    try:
        truth = build_set(args.level, args.out, jobs=args.jobs)
    except SampleGenError as exc:
        print(f"samplegen: {exc}", file=sys.stderr)
        return 1
    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(
        f"{args.out}: {len(truth['pages'])} pages, {len(truth['documents'])} documents, "
        f"{len(files)} files, {size / 1e6:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
