"""List the functions one catalog value passes through in one run of a command.

    python tools/trace_number.py COMPANY METRIC YEAR -- COMMAND [ARGS ...]

e.g. ``python tools/trace_number.py china-unicom ghg 2020 -- show china-unicom 2020``.
Runs the command in this process (run it twice: the second run is warm) and prints, per
module of esgcmp, each function that was called with the value among its arguments or
locals (its observation, its reported value, its number in the metric's unit or that
number as text) or that returned it. docs/architecture.md quotes what it prints.
"""

from __future__ import annotations

import contextlib
import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgcmp.cli import main  # noqa: E402
from esgcmp.model import Observation, Value  # noqa: E402


def tracer(company: str, metric: str, year: int) -> tuple[Any, dict[str, set[str]]]:
    numbers: set[Decimal] = set()
    texts: set[str] = set()
    seen: dict[str, set[str]] = {}

    def holds(item: Any, depth: int = 0) -> bool:
        if isinstance(item, Observation | Value):
            if (item.company, item.metric, item.year) != (company, metric, year):
                return False
            number = item.normalized if isinstance(item, Observation) else item.value
            numbers.add(number)
            texts.update({str(number), f"{number:,}"})
            return True
        if isinstance(item, Decimal):
            return item in numbers
        if isinstance(item, str):
            return any(text in item for text in texts)
        if depth < 2 and isinstance(item, list | tuple):
            return any(holds(i, depth + 1) for i in item[:200])
        if depth < 2 and isinstance(item, dict):
            return any(holds(i, depth + 1) for i in list(item.values())[:200])
        return False

    def profile(frame: Any, event: str, argument: Any) -> None:
        code = frame.f_code
        if "/esgcmp/" not in code.co_filename:
            return
        module = code.co_filename.rsplit("/esgcmp/", 1)[1]
        if event == "call" and any(holds(v) for v in frame.f_locals.values()):
            seen.setdefault(module, set()).add(code.co_name)
        elif event == "return" and holds(argument):
            seen.setdefault(module, set()).add(code.co_name)

    return profile, seen


def run(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") != 3:
        print(__doc__, file=sys.stderr)
        return 2
    company, metric, year = argv[0], argv[1], int(argv[2])
    command = argv[4:]
    profile, seen = tracer(company, metric, year)
    with contextlib.redirect_stdout(io.StringIO()):
        sys.setprofile(profile)
        try:
            main(command)
        finally:
            sys.setprofile(None)
    for module, functions in sorted(seen.items()):
        print(f"{module:14} {len(functions):3}  {', '.join(sorted(functions))}")
    print(f"{len(seen)} files, {sum(map(len, seen.values()))} functions")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
