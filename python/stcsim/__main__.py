"""`python -m stcsim sweep SPEC ...`: what `stcsim sweep` runs (the command line's Python part)."""

import sys


def main(argv):
    if len(argv) < 1 or argv[0] not in ("sweep",):
        print("usage: python -m stcsim sweep SPEC [--out FILE] [--scheduler ADDRESS] [--workers N]", file=sys.stderr)
        return 2
    from .sweep import main as sweep_main
    return sweep_main(argv[1:])


if __name__ == "__main__":  # not when a spawned worker process imports this module again
    sys.exit(main(sys.argv[1:]))
