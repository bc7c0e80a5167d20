"""The collector pause used around imports: off inside, restored after, shared by nested sections and threads."""

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdesk.services import NetDesk
from netdesk.services.collector import paused_collector


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_back_after_even_on_error() -> None:
    with pytest.raises(ValueError), paused_collector():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_nested_sections_resume_only_at_the_outermost_end() -> None:
    with paused_collector():
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    with paused_collector():
        pass
    assert not gc.isenabled()


def test_threads_share_the_pause() -> None:
    inside = threading.Event()
    release = threading.Event()

    def worker() -> None:
        with paused_collector():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    with paused_collector():
        pass
    assert not gc.isenabled()  # the worker's section is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_an_import_runs_with_the_collector_paused(nd: NetDesk, tmp_path: Path) -> None:
    from netdesk.services import importing

    seen: list[bool] = []
    original = importing.read_paths

    def spying_read_paths(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    card = tmp_path / "a.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n")
    importing.read_paths = spying_read_paths
    try:
        report = nd.imports.import_paths([card]).value
    finally:
        importing.read_paths = original
    assert seen == [False] and report.created == ["Ada"] and gc.isenabled()
