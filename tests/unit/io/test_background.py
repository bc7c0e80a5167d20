"""io.background: an import's parse workers run below the process that started them, in a group of their own."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from netdesk.core.normalize import default_region
from netdesk.io import vcard_stream
from netdesk.io.background import WORKER_NICENESS


def _scheduling() -> tuple[int, int]:
    return os.getpriority(os.PRIO_PROCESS, 0), os.getsid(0)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX scheduling")
def test_a_parse_worker_runs_nicer_than_its_parent_in_a_session_of_its_own() -> None:
    parent = os.getpriority(os.PRIO_PROCESS, 0)
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=get_context("spawn"),
        initializer=vcard_stream._init_worker,  # what CardParser's pool starts each worker with
        initargs=(os.getpid(), default_region()),
    ) as pool:
        niceness, session = pool.submit(_scheduling).result(timeout=60)
    assert niceness == min(parent + WORKER_NICENESS, 19)
    assert session != os.getsid(0)
    assert os.getpriority(os.PRIO_PROCESS, 0) == parent  # the parent keeps its own
