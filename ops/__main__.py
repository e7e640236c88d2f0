"""``python -m ops <verb>``: the ops command line (`ops/cli.py`)."""

import sys

from ops.cli import main

if __name__ == "__main__":
    sys.exit(main())
