"""Composition root: parse the command line, open the database, then run the GUI or a CLI command."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from netdesk import cli


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return cli.run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
