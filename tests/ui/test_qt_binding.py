"""The Qt binding itself: a defect there crashes the app however correct the rest is."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    number = Signal(int)


def test_emitting_signals_does_not_release_booleans() -> None:
    """PySide6 6.12.0 returned True from Signal.emit() without owning it: each emit lowered True's reference count,
    and a long session crashed ("deallocating True or False") once it reached zero. pyproject.toml excludes it."""
    emitter = _Emitter()
    received: list[int] = []
    emitter.number.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(200):
        emitter.number.emit(n)
    assert len(received) == 200
    assert sys.getrefcount(True) >= before - 10  # a little slack for unrelated references going away
