"""Write tests/slow-tests.txt from a timing run, so that ``pytest -m "not slow"`` stays quick.

    python3 -m pytest -m "not slow" --durations=0 -p no:cacheprovider > durations.txt
    python3 scripts/slow-tests.py durations.txt [--threshold 0.6] [--scale 1.0]

A test function whose setup, call and teardown together took more than ``threshold`` seconds
(after dividing by ``scale``, for a run on a busy machine: a run 3.7x slower than a quiet one
takes ``--scale 3.7``) is listed; tests/conftest.py marks every listed test ``slow``. Tests
already marked slow in their file are not in the timing run and need no entry. The list only
grows: entries are removed by hand when a test becomes fast.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

LIST = Path(__file__).resolve().parent.parent / "tests" / "slow-tests.txt"
HEADER = """\
# Tests measured slower than {threshold} s on a quiet 2-core machine (setup + call + teardown),
# marked `slow` by tests/conftest.py so that `pytest -m "not slow"` is the quick loop. CI runs
# everything. Regenerate with scripts/slow-tests.py from a `--durations=0` run.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("durations", type=Path)
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    seconds: Counter[str] = Counter()
    for line in args.durations.read_text(encoding="utf-8").splitlines():
        found = re.match(r"([\d.]+)s (?:call|setup|teardown)\s+(\S+)", line)
        if found:
            test = found.group(2).split("[")[0]       # a parametrized test is listed as one
            seconds[test] = max(seconds[test], 0) + float(found.group(1))
    listed = set(_read())
    listed |= {test for test, total in seconds.items() if total / args.scale > args.threshold}
    LIST.write_text(HEADER.format(threshold=args.threshold) + "".join(f"{t}\n" for t in sorted(listed)),
                    encoding="utf-8")
    print(f"{len(listed)} tests listed in {LIST}")


def _read() -> list[str]:
    if not LIST.exists():
        return []
    return [line.strip() for line in LIST.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


if __name__ == "__main__":
    main()
