"""`python -m mi …`: the command line (mi.cli)."""

import sys

from mi.cli import main

if __name__ == "__main__":
    sys.exit(main())
