"""services.write_process: a write run in a child process over the same database file, with its undo step."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from netdesk.services import NetDesk, open_netdesk, write_process
from netdesk.services.undo import UndoConflictError
from netdesk.services.write_process import (
    CHILD_NICENESS,
    WriteProcessCancelled,
    WriteProcessError,
    input_bytes,
    read_search_index,
    recorded_import,
    replayed_step,
    run_in_process,
)

CARDS = "".join(
    f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Child Person{n}\r\nN:Person{n};Child;;;\r\nEMAIL:c{n}@example.com\r\n"
    "END:VCARD\r\n"
    for n in range(30)
)


@pytest.fixture
def nd(tmp_path: Path) -> NetDesk:
    opened = open_netdesk(tmp_path / "child.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_an_import_in_a_child_process_returns_its_report_and_undo_step(nd: NetDesk, tmp_path: Path) -> None:
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(CARDS)
    seen: list[tuple[int, int, str]] = []
    assert nd.path is not None
    written, step = run_in_process(nd.path, partial(recorded_import, [vcf]), lambda *p: seen.append(p))
    assert len(written.value.created) == 30 and nd.contacts.count() == 30  # this process sees the child's commit
    assert seen  # progress came across
    assert step is not None and written.changes.label == "import"

    redo = nd.undo.undo(step)  # this process's journal undoes what the child recorded
    assert nd.contacts.count() == 0
    run_in_process(nd.path, partial(replayed_step, redo))  # and a child can redo it
    assert nd.contacts.count() == 30


def test_a_cancelled_child_import_saves_nothing(nd: NetDesk, tmp_path: Path) -> None:
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(CARDS)
    assert nd.path is not None
    written, step = run_in_process(nd.path, partial(recorded_import, [vcf]), cancel=lambda: True)
    assert written.value.cancelled and step is None
    assert nd.contacts.count() == 0


def test_an_error_in_the_child_is_raised_here_with_its_type(nd: NetDesk, tmp_path: Path) -> None:
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(CARDS)
    assert nd.path is not None
    _written, step = run_in_process(nd.path, partial(recorded_import, [vcf]))
    assert step is not None
    nd.undo.undo(step)
    with pytest.raises(UndoConflictError):  # its rows are gone already
        run_in_process(nd.path, partial(replayed_step, step))
    assert nd.contacts.count() == 0


def _priority(_nd: NetDesk, _progress: object, _cancel: object) -> tuple[int, int, str]:
    autogroup = Path("/proc/self/autogroup")
    return os.getpriority(os.PRIO_PROCESS, 0), os.getsid(0), autogroup.read_text() if autogroup.exists() else ""


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX scheduling")
def test_the_child_runs_below_the_window_in_a_scheduling_group_of_its_own(nd: NetDesk) -> None:
    assert nd.path is not None
    window = os.getpriority(os.PRIO_PROCESS, 0)
    niceness, session, autogroup = run_in_process(nd.path, _priority)
    assert niceness == min(window + CHILD_NICENESS, 19) and session != os.getsid(0)
    if autogroup:  # Linux with autogroup: the group as a whole weighs less than the window's
        assert autogroup.split()[-1] == str(CHILD_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, 0) == window  # the window itself keeps its priority


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX scheduling")
def test_the_childs_niceness_is_counted_from_the_windows(nd: NetDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``nice -n 10 netdesk`` the child runs at 15, not at 5 (above the window)."""
    assert nd.path is not None
    window = os.getpriority(os.PRIO_PROCESS, 0)
    real_getpriority = os.getpriority
    monkeypatch.setattr(os, "getpriority", lambda which, who: real_getpriority(which, who) + 3)
    niceness, _session, _autogroup = run_in_process(nd.path, _priority)
    assert niceness == min(window + 3 + CHILD_NICENESS, 19)


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_a_child_started_from_a_lowered_worker_thread_runs_only_child_niceness_below_the_window(nd: NetDesk) -> None:
    """The window starts children from its worker threads (ui/workers.py), which run 5 steps nicer than the GUI thread:
    the child's niceness is counted from the window's main thread, not from the worker's (that gave +10)."""
    assert nd.path is not None
    path = nd.path
    window = os.getpriority(os.PRIO_PROCESS, os.getpid())
    if window + 2 * CHILD_NICENESS > 19:
        pytest.skip("already too nice to tell the two apart")
    seen: list[tuple[int, int, str]] = []

    def on_a_lowered_worker() -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), window + 5)
        seen.append(run_in_process(path, _priority))

    worker = threading.Thread(target=on_a_lowered_worker)
    worker.start()
    worker.join()
    assert seen[0][0] == window + CHILD_NICENESS


class _TwoPartError(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} and {second}")  # pickles, but cannot be rebuilt from its args


def _raise_two_part(_nd: NetDesk, _progress: object, _cancel: object) -> None:
    raise _TwoPartError("this", "that")


def _unsendable_result(_nd: NetDesk, _progress: object, _cancel: object) -> object:
    return threading.Lock()


def test_what_cannot_come_back_from_the_child_comes_back_as_one_clear_error(nd: NetDesk) -> None:
    """An exception that pickles but cannot be rebuilt here raised a TypeError about its __init__; a result that does
    not pickle killed the child with a traceback and raised a bare EOFError here."""
    assert nd.path is not None
    with pytest.raises(RuntimeError, match=r"^_TwoPartError: this and that$"):
        run_in_process(nd.path, _raise_two_part)
    with pytest.raises(RuntimeError, match=r"could not send its result.*lock"):
        run_in_process(nd.path, _unsendable_result)


def _die(_nd: NetDesk, _progress: object, _cancel: object) -> None:
    os._exit(3)  # as a crash in native code or the OOM killer would end it


def test_a_child_that_dies_without_a_word_raises_write_process_error(nd: NetDesk) -> None:
    """Its pipe reads as ended as soon as it dies: that raised a bare EOFError here."""
    assert nd.path is not None
    with pytest.raises(WriteProcessError, match="exit code 3"):
        run_in_process(nd.path, _die)


def _note_pid_then_sleep(note: Path, _nd: NetDesk, _progress: object, _cancel: object) -> None:
    note.write_text(str(os.getpid()))
    time.sleep(600)  # sends nothing meanwhile: nothing tells it the window is gone but the window's end


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"  # a zombie waits for a reaper only
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="looks at /proc")
def test_a_child_does_not_outlive_a_window_killed_mid_task(nd: NetDesk, tmp_path: Path) -> None:
    note = tmp_path / "child.pid"
    window = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from functools import partial; from pathlib import Path\n"
        "from netdesk.services.write_process import run_in_process\n"
        "from test_write_process import _note_pid_then_sleep\n"
        "if __name__ == '__main__':\n"
        f"    run_in_process(Path({str(nd.path)!r}), partial(_note_pid_then_sleep, Path({str(note)!r})))\n"
    )
    started = subprocess.Popen([sys.executable, "-c", window])
    try:
        deadline = time.monotonic() + 60
        while not note.exists() or not note.read_text():
            assert time.monotonic() < deadline and started.poll() is None
            time.sleep(0.05)
        child = int(note.read_text())
    finally:
        started.kill()
        started.wait()
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _running(child):
        os.kill(child, 9)
        pytest.fail("the child outlived the window")


def _sleep(_nd: NetDesk, _progress: object, _cancel: object) -> None:
    time.sleep(600)  # never sees its cancel: only stopping the child ends it


def test_a_cancelled_read_stops_its_child_at_once(nd: NetDesk) -> None:
    assert nd.path is not None
    asked: list[bool] = []

    def cancel() -> bool:
        asked.append(True)
        return len(asked) > 1  # cancelled once the child runs

    with pytest.raises(WriteProcessCancelled):
        run_in_process(nd.path, _sleep, cancel=cancel, stop_on_cancel=True)
    assert len(asked) == 2


def test_the_search_index_read_in_a_child_answers_as_one_read_here(nd: NetDesk, tmp_path: Path) -> None:
    vcf = tmp_path / "cards.vcf"
    vcf.write_text(CARDS)
    nd.imports.import_paths([vcf])
    assert nd.path is not None
    there, here = run_in_process(nd.path, read_search_index), nd.contacts.search_index()
    for query in ("child", "person1", "c7@example"):
        assert (there.matching(query) == here.matching(query)).all()  # type: ignore[union-attr]
    assert int(there.matching("person2").sum()) == 11  # type: ignore[union-attr]  # Person2, Person20-29


def test_input_bytes_counts_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.vcf").write_bytes(b"x" * 5)
    assert input_bytes([tmp_path / "a.vcf"]) == 10
    assert input_bytes([tmp_path]) == 15
    assert input_bytes([tmp_path / "missing.vcf"]) == 0


def test_a_child_starts_below_the_window_before_it_imports_the_services() -> None:
    """The child's entry module imports nothing heavy: SQLAlchemy and the services load once it runs below the
    window (their 0.4 s of CPU ran in the window's scheduling group before)."""
    probe = (
        "import sys, netdesk.services.process_child; "
        "print(sorted(m for m in ('sqlalchemy', 'netdesk.services.write_process', 'netdesk.services.app') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def _answer_then_hang_at_exit(_nd: NetDesk, _progress: object, _cancel: object) -> str:
    threading.Thread(target=time.sleep, args=(600,), daemon=False).start()  # the child's exit waits for it
    return "done"


def test_a_child_that_answers_but_does_not_exit_is_stopped(nd: NetDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exit stuck in some library's shutdown must not hold up whoever waits (the window's close)."""
    assert nd.path is not None
    monkeypatch.setattr(write_process, "EXIT_GRACE_S", 1.0)
    assert run_in_process(nd.path, _answer_then_hang_at_exit) == "done"
    deadline = time.monotonic() + 30
    while [p for p in multiprocessing.active_children() if p.name == "netdesk-write"]:
        assert time.monotonic() < deadline, "the child that did not exit was not stopped"
        time.sleep(0.05)


def _answer_then_exit_slowly(_nd: NetDesk, _progress: object, _cancel: object) -> str:
    threading.Thread(target=time.sleep, args=(5,), daemon=False).start()  # as a deferred checkpoint does
    return "done"


def test_the_answer_does_not_wait_for_the_child_to_exit(nd: NetDesk) -> None:
    """After a large import the child's exit waits for its checkpoint: the window has its answer before that."""
    assert nd.path is not None
    before = set(multiprocessing.active_children())  # an earlier test's child may still be exiting
    assert run_in_process(nd.path, _answer_then_exit_slowly) == "done"
    [child] = [p for p in set(multiprocessing.active_children()) - before if p.name == "netdesk-write"]  # exiting
    deadline = time.monotonic() + 30
    while child.exitcode is None:  # polled: run_in_process's own thread may be the one that collects its exit
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.05)
    assert child.exitcode == 0  # it exited on its own, after the answer
