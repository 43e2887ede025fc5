"""`python -m bench [NAME] [OPTIONS]`: run one benchmark by name, or every one when no name is given."""
from __future__ import annotations

import importlib
import sys

# name -> module with main(argv) -> int; add a line per benchmark
BENCHMARKS = {
    "search": "bench.search",
    "dashboard": "bench.dashboard",
    "exports": "bench.exports",
    "pages": "bench.pages",
    "listening": "bench.listening",
    "spikes": "bench.spikes",
}


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("Benchmarks: " + ", ".join(BENCHMARKS))
        return 0
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in BENCHMARKS:
            print(f"Unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}.", file=sys.stderr)
            return 2
        return importlib.import_module(BENCHMARKS[name]).main(rest)
    status = 0
    for module in BENCHMARKS.values():
        status = importlib.import_module(module).main(argv) or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
