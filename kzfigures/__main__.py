"""``python -m kzfigures`` runs the command line."""

import sys

from kzfigures.cli import main

sys.exit(main())
