"""Dispatch `python -m tools.bench NAME [options]` to tools/bench/NAME.py's main(argv)."""
import importlib
import sys

BENCHES = ("dashboard", "dcgan", "sweep")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in BENCHES:
        sys.exit(f"usage: python -m tools.bench {{{','.join(BENCHES)}}} [options]  "
                 f"(--help after the name for options)")
    importlib.import_module(f"tools.bench.{argv[0]}").main(argv[1:])


if __name__ == "__main__":
    main()
