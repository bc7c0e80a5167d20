"""Entry script PyInstaller freezes (both the ``netdesk`` console and ``netdesk-gui`` windowed executables)."""

from __future__ import annotations

import multiprocessing
import os
import sys


def _give_windowed_builds_real_streams() -> None:
    # A windowed Windows/macOS build starts with sys.stdout/sys.stderr set to None; anything that writes to
    # them (logging, warnings, a stray print with file=sys.stderr) would then raise. Send them to the null device.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process


if __name__ == "__main__":
    # Imports parse vCards in worker processes; on Windows and macOS (spawn) a frozen child must stop here
    # instead of starting another copy of the app.
    multiprocessing.freeze_support()
    _give_windowed_builds_real_streams()

    from netdesk.app import main

    sys.exit(main())
