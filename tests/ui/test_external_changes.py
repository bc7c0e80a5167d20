"""Another program writes to the database the window has open (the CLI's import, a process holding the write lock):
the window shows it within a few seconds through the bus, without a full reload and without its GUI thread waiting;
the window's own writes are not refreshed a second time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from window_helpers import settle

from netdesk.core.changes import ChangeSet
from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk, open_netdesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View

LISKOV = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:liskov-1\r\nN:Liskov;Barbara;;;\r\nFN:Barbara Liskov\r\nORG:MIT\r\nEND:VCARD\r\n"
)

HOLD_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "UPDATE contacts SET organization = 'Held Lock Ltd', updated_at = datetime('now', '+1 day') WHERE id = ?",
    (int(sys.argv[3]),),
)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


class ListChanges:
    """How the list's model changed from now on: full resets, and rows inserted."""

    def __init__(self, window: MainWindow) -> None:
        self.resets = 0
        self.inserted: list[int] = []
        window.model.modelReset.connect(self._reset)
        window.model.rowsInserted.connect(lambda _parent, first, _last: self.inserted.append(first))

    def _reset(self) -> None:
        self.resets += 1


def listed_names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def published_externally(window: MainWindow) -> list[ChangeSet]:
    seen: list[ChangeSet] = []
    window.external_changes.published.connect(seen.append)
    return seen


def test_a_cli_import_in_another_process_appears_in_the_list(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)  # the first look is taken
    before = listed_names(window)
    signals = ListChanges(window)
    external = published_externally(window)
    card = tmp_path / "liskov.vcf"
    card.write_text(LISKOV, encoding="utf-8")
    import_elsewhere(db, card)
    qtbot.waitUntil(lambda: "Barbara Liskov" in listed_names(window), timeout=10_000)
    settle(qtbot, window)
    assert len(listed_names(window)) == len(before) + 1
    assert len(external) == 1 and not external[0].many_contacts  # the new person, by id
    assert signals.resets == 0 and len(signals.inserted) == 1  # inserted in place, no full reload


def cards(count: int) -> str:
    """``count`` new people, Pat Importee-0 … (uids of their own)."""
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:importee-{n}\r\nN:Importee-{n};Pat;;;\r\nFN:Pat Importee-{n}\r\n"
        "END:VCARD\r\n"
        for n in range(count)
    )


def import_elsewhere(db: NetDesk, path: Path) -> None:
    assert db.path is not None
    subprocess.run(
        [sys.executable, "-m", "netdesk", "import", "--db", str(db.path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_large_import_by_another_process_is_added_row_by_row_and_found_by_the_search(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path
) -> None:
    """More people than the list places one by one (ORDER_ABOVE), and than the watcher once named: named by id all
    the same, their rows and the list's order read on a worker, the search index updated for them; no full reload of
    the list or of the index."""
    count = 2_100  # more than the 2,000 the watcher named before it named as many as an import in the app
    window.contact_list.focus_search()  # the in-memory search index is built, and must learn the new names
    qtbot.waitUntil(lambda: window.contact_list.list_search.is_ready, timeout=10_000)
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    before = len(listed_names(window))
    signals = ListChanges(window)
    external = published_externally(window)
    rebuilds: list[bool] = []
    search = window.contact_list.list_search
    original_rebuild = search.rebuild
    search.rebuild = lambda: (rebuilds.append(True), original_rebuild())  # type: ignore[method-assign]
    path = tmp_path / "people.vcf"
    path.write_text(cards(count), encoding="utf-8")
    import_elsewhere(db, path)
    qtbot.waitUntil(lambda: len(listed_names(window)) == before + count, timeout=15_000)
    settle(qtbot, window)
    assert len(external) == 1 and len(external[0].contacts) == count and not external[0].many_contacts
    assert signals.resets == 0 and rebuilds == []
    qtbot.waitUntil(lambda: search.is_ready, timeout=10_000)
    window.search_edit.setText("Importee-217")
    qtbot.waitUntil(lambda: listed_names(window) == ["Pat Importee-217"], timeout=5000)


def test_a_trash_by_another_process_removes_the_row(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int]
) -> None:
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    signals = ListChanges(window)
    external = published_externally(window)
    ada = sample["Ada Lovelace"]
    assert db.path is not None
    other = open_netdesk(db.path)
    try:
        other.contacts.delete([ada])
    finally:
        other.close()
    qtbot.waitUntil(lambda: "Ada Lovelace" not in listed_names(window), timeout=10_000)
    settle(qtbot, window)
    assert window.model.row_of(ada) is None and window.model.contact_row(ada) is None
    assert len(external) == 1 and external[0].contacts == {ada} and not external[0].many_contacts
    assert signals.resets == 0


def test_an_own_write_is_refreshed_once_not_again_as_another_programs(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk
) -> None:
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    signals = ListChanges(window)
    external = published_externally(window)
    reloads: list[bool] = []
    original_reload = window.contact_list.reload_contacts
    window.contact_list.reload_contacts = lambda: (reloads.append(True), original_reload())  # type: ignore[method-assign]
    window.ops.run(lambda: db.contacts.create(ContactDTO(given_name="Barbara", family_name="Liskov")))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "Barbara Liskov" in listed_names(window), timeout=5000)
    polls = window.external_changes.polls_done
    qtbot.waitUntil(lambda: window.external_changes.polls_done >= polls + 2, timeout=10_000)  # two more looks
    assert external == [] and reloads == []
    assert signals.resets == 0 and len(signals.inserted) == 1


def test_an_import_in_the_app_is_not_refreshed_again_as_another_programs(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    external = published_externally(window)
    card = tmp_path / "liskov.vcf"
    card.write_text(LISKOV, encoding="utf-8")
    window.import_files([card])
    qtbot.waitUntil(lambda: not window.import_running and "Barbara Liskov" in listed_names(window), timeout=15_000)
    settle(qtbot, window)
    polls = window.external_changes.polls_done
    qtbot.waitUntil(lambda: window.external_changes.polls_done >= polls + 2, timeout=10_000)
    assert external == []


def test_another_process_holding_the_write_lock_never_holds_up_the_window(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int]
) -> None:
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    ada = sample["Ada Lovelace"]
    assert db.path is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(db.path), "3", str(ada)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        polls = window.external_changes.polls_done
        # Polls keep coming back (the GUI thread's event loop runs them) while the other process holds the lock.
        qtbot.waitUntil(lambda: window.external_changes.polls_done >= polls + 2, timeout=10_000)
        assert holder.poll() is None, "the lock was let go before the window polled twice"
        row = window.model.row_of(ada)
        assert row is not None and window.model.index(row, Column.ORGANIZATION).data() == "Analytical Engines"
    finally:
        holder.wait(timeout=20)

    def shows_the_commit() -> bool:
        row = window.model.row_of(ada)
        return row is not None and window.model.index(row, Column.ORGANIZATION).data() == "Held Lock Ltd"

    qtbot.waitUntil(shows_the_commit, timeout=10_000)


LOG_A_CALL = """
import sys
from datetime import datetime
from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.services import open_netdesk
nd = open_netdesk(sys.argv[1])
call = InteractionDTO(
    occurred_at=datetime(2025, 3, 4, 10, 0), kind=InteractionKind.CALL, summary="Talked engines",
    participants=(Participant(int(sys.argv[2])),),
)
nd.timeline.log(call)
nd.close()
"""


def test_a_log_from_another_process_shows_in_the_selected_persons_timeline(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, sample: dict[str, int]
) -> None:
    ada = sample["Ada Lovelace"]
    window.contact_list.select_contact(ada)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    assert window.detail.timeline_list.count() == 0
    signals = ListChanges(window)
    assert db.path is not None
    subprocess.run([sys.executable, "-c", LOG_A_CALL, str(db.path), str(ada)], check=True, timeout=120)
    qtbot.waitUntil(lambda: window.detail.timeline_list.count() == 1, timeout=10_000)
    assert "Talked engines" in window.detail.timeline_list.item(0).text()
    row = window.model.row_of(ada)
    assert row is not None
    qtbot.waitUntil(lambda: window.model.index(row, Column.LAST_CONTACTED).data() == "04 Mar 2025", timeout=5000)
    assert signals.resets == 0


def test_an_idle_window_on_every_page_never_takes_its_own_work_for_another_programs(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    """The pages' loads (and anything they write on the way) are not reported back as other programs' writes: a
    refresh that wrote would otherwise refresh itself every second."""
    external = published_externally(window)
    qtbot.waitUntil(lambda: window.external_changes.polls_done > 0, timeout=5000)
    for view in View:
        window.navigation.show_view(view)
        settle(qtbot, window)
    polls = window.external_changes.polls_done
    qtbot.waitUntil(lambda: window.external_changes.polls_done >= polls + 2, timeout=10_000)
    assert external == []
