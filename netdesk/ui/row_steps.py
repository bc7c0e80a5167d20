"""How the contact list's visible rows change: runs of rows coming and going between two lists of ids, worked out
with numpy (imported on first use, never at start-up), so that a search or a delete moves only the rows it changes."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# show_matching looks ids up in a table as long as the largest is within this many per row (SQLite's usual row ids);
# 0.1 ms for a narrow search at 100,000 rows, where np.isin's sort takes 1 ms.
_TABLE_IDS_PER_ROW = 8
_TABLE_IDS_ANYWAY = 1 << 22  # a table this long is cheap whatever the rows (4 MB, zeroed lazily)
# Past this many runs of rows coming or going, one reset costs the view less than a removal or insertion per run.
MAX_ROW_STEPS = 200
# (first row, number of rows) runs: removed from the old list (positions in it), inserted into the new one
Runs = list[tuple[int, int]]
# The ids the list shows, in order: one buffer of int64 rather than a list, so that numpy hands over a search's answer
# as one copy (no Python int per row) and dropping 100,000 rows frees one block (freeing a list of them cost ~1 ms).
Ids = array  # array("q")


def id_array(ids: Iterable[int] | npt.NDArray[np.int64]) -> array[int]:
    """``ids`` as the model's Ids: from numpy by one copy of its buffer."""
    if isinstance(ids, array):
        return array("q", ids)
    if hasattr(ids, "tobytes"):
        return array("q", ids.tobytes())
    return array("q", ids)


def as_numpy(ids: Sequence[int]) -> npt.NDArray[np.int64]:
    """A numpy copy of ``ids`` (a copy, not a view: an array viewed by numpy could not be resized)."""
    import numpy as np

    if isinstance(ids, array):
        return np.frombuffer(ids, dtype=np.int64).copy()
    return np.fromiter(ids, dtype=np.int64, count=len(ids))


def import_list_updates() -> None:
    """Import what the list's updates use (numpy), to be called on a worker once the list shows: imported on the
    GUI thread by the first import or delete after start-up, numpy held it for 100-200 ms."""
    import numpy  # noqa: F401


def runs_of(positions: npt.NDArray[np.intp]) -> Runs:
    """Consecutive positions as (first, count) runs."""
    import numpy as np

    if not len(positions):
        return []
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1
    firsts = positions[np.concatenate(([0], breaks))]
    counts = np.diff(np.concatenate(([0], breaks, [len(positions)])))
    return list(zip(firsts.tolist(), counts.tolist(), strict=True))


def run_count(positions: npt.NDArray[np.intp]) -> int:
    """How many runs ``runs_of`` would make of ``positions``, without building them (5,000 runs took ~5 ms)."""
    import numpy as np

    return int(np.count_nonzero(np.diff(positions) != 1)) + 1 if len(positions) else 0


def id_table(ids: npt.NDArray[np.int64], size: int, rows: int) -> npt.NDArray[np.bool_] | None:
    """A table of ``size`` flags marking ``ids`` (each in 0..size-1), or None when the ids are too far apart for one
    beside ``rows`` rows (``_TABLE_IDS_PER_ROW``): then np.isin is the way."""
    import numpy as np

    if size > _TABLE_IDS_PER_ROW * rows + _TABLE_IDS_ANYWAY:
        return None
    table = np.zeros(size, dtype=np.bool_)
    table[ids] = True
    return table


def visible_steps(old: Sequence[int], new: Sequence[int]) -> tuple[Runs, Runs] | None:
    """How ``old`` becomes ``new`` by removing runs of rows (positions in ``old``) and then inserting runs (positions
    in ``new``), when the rows in both keep their order and come or go in at most MAX_ROW_STEPS runs; None otherwise
    (a reset is cheaper, or the order changed). Vectorised: on 100,000 rows sets and Python loops took ~50 ms."""
    import numpy as np

    before, after = as_numpy(old), as_numpy(new)
    if (len(before) and before.min() < 0) or (len(after) and after.min() < 0):
        return None
    size = int(max(before.max(initial=0), after.max(initial=0))) + 1
    in_old = id_table(before, size, len(before) + len(after))
    in_new = id_table(after, size, len(before) + len(after))
    if in_old is not None and in_new is not None:
        if int(np.count_nonzero(in_old)) != len(before) or int(np.count_nonzero(in_new)) != len(after):
            return None  # a row listed twice: positions would be ambiguous
        gone = ~in_new[before]
        come = ~in_old[after]
    else:  # ids far apart: no tables sized by them
        if len(np.unique(before)) != len(before) or len(np.unique(after)) != len(after):
            return None
        gone = ~np.isin(before, after, kind="sort")
        come = ~np.isin(after, before, kind="sort")
    if not np.array_equal(before[~gone], after[~come]):
        return None  # the rows kept moved: not a matter of rows coming and going
    gone_at, come_at = np.flatnonzero(gone), np.flatnonzero(come)
    if run_count(gone_at) + run_count(come_at) > MAX_ROW_STEPS:
        return None
    return runs_of(gone_at), runs_of(come_at)
