"""Sync in the app against a real Radicale: accounts added through the dialog, "Sync now" off the GUI thread,
the status bar and the detail pane's "Synced with …" line."""

from __future__ import annotations

from collections.abc import Callable

from carddav_servers import PASSWORD, USER, MemoryKeyring, ServerSide, new_book, vcard
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from netdesk.core.model import ContactDTO
from netdesk.sync.dav import RetryPolicy
from netdesk.ui.main_window import MainWindow
from netdesk.ui.sync_ui import AddAccountDialog, SyncAccountsDialog


def add_account_through_the_dialog(qtbot, window: MainWindow, url: str, password: str) -> SyncAccountsDialog:  # type: ignore[no-untyped-def]
    window.sync_ui.accounts_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(SyncAccountsDialog) is not None)
    accounts = window.findChild(SyncAccountsDialog)
    assert accounts is not None
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: accounts.findChild(AddAccountDialog) is not None)
    form = accounts.findChild(AddAccountDialog)
    assert form is not None
    form.name_edit.setText("phone")
    form.url_edit.setText(url)
    form.user_edit.setText(USER)
    form.password_edit.setText(password)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return accounts


def test_sync_now_brings_the_phones_contacts_in_and_says_so(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object
) -> None:
    book = ServerSide(new_book(radicale_server))
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral"))
    window = make_window()
    window.nd.sync.retry = RetryPolicy(attempts=1, timeout=10)
    assert not window.sync_ui.sync_action.isEnabled()  # no account, nothing to sync, no connection

    accounts = add_account_through_the_dialog(qtbot, window, book.book_url, PASSWORD)
    qtbot.waitUntil(lambda: accounts.message.text().startswith("Added phone"), timeout=10_000)
    assert "Phone → tag Phone" in accounts.message.text()
    assert accounts.list.count() == 1 and "never synced" in accounts.list.item(0).text()
    assert accounts.books.rowCount() == 1 and accounts.books.item(0, 1).text() == "Phone"
    accounts.books.item(0, 1).setText("")  # a book needs a tag: refused, and said so
    qtbot.waitUntil(lambda: accounts.message.text() == "A synced address book needs a tag.", timeout=5000)
    assert accounts.books.item(0, 1).text() == "Phone"
    accounts.interval_spin.setValue(15)  # scheduled sync every 15 minutes
    qtbot.waitUntil(lambda: window.sync_ui.timer.isActive(), timeout=5000)
    assert window.sync_ui.timer.interval() == 15 * 60_000
    accounts.close()

    window.nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", tags=("Phone",)))
    assert window.sync_ui.sync_action.isEnabled()
    with (
        qtbot.waitSignal(window.bus.changed, timeout=20_000) as published,
        qtbot.waitSignal(window.sync_ui.finished, timeout=20_000) as done,
    ):
        window.sync_ui.sync_action.trigger()
    assert (done.args[0].pulled, done.args[0].pushed) == (1, 1)
    # Every view hears of the sync from the bus, as after any write (and it is not on the undo stack).
    pulled = {c.id for c in window.nd.contacts.search() if c.name == "Grace Hopper"}
    assert pulled and pulled <= published.args[0].contacts
    assert not window.ops.can_undo or window.ops.undo_label != "sync with phone"
    label = window.sync_ui.status_label.text()
    assert label.startswith("Synced: 1 pulled, 1 pushed")
    qtbot.waitUntil(lambda: "Grace Hopper" in [r.name for r in window.model.all_rows()], timeout=5000)
    assert any("Lovelace" in text for text in book.cards().values())

    grace = next(r for r in window.model.all_rows() if r.name == "Grace Hopper")
    window.contact_list.show_detail(grace.id)
    assert "Synced with phone (Phone)" in window.detail.text()
    book.close()


def test_a_failed_sync_is_one_line_in_the_status_bar(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object
) -> None:
    book = ServerSide(new_book(radicale_server))
    window = make_window()
    window.nd.sync.retry = RetryPolicy(attempts=1, timeout=10)
    window.nd.sync.add_account("phone", book.book_url, USER, PASSWORD)
    window.sync_ui._session_passwords["phone"] = "wrong"
    window.sync_ui.refresh()
    with qtbot.waitSignal(window.sync_ui.failed, timeout=20_000) as failed:
        window.sync_ui.sync_action.trigger()
    assert "refused the user name or password (401)" in failed.args[0]
    assert window.sync_ui.status_label.text() == f"Sync failed — {failed.args[0]}"
    assert window.sync_ui.status_label.textFormat() == Qt.TextFormat.PlainText  # a server's words, never markup
    assert window.sync_ui.sync_action.isEnabled()  # ready to try again
    book.close()


def test_a_running_sync_can_be_cancelled_from_its_progress_dialog(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object, monkeypatch
) -> None:
    import time

    from netdesk.sync.dav import DavClient

    book = ServerSide(new_book(radicale_server))
    cards = "".join(vcard(f"p-{n}", f"Person{n} Example") for n in range(60))
    assert book.http.put(book.book_url, content=cards.encode(), headers={"Content-Type": "text/vcard"}).is_success
    window = make_window()
    window.nd.sync.add_account("phone", book.book_url, USER, PASSWORD)
    window.sync_ui._session_passwords["phone"] = PASSWORD
    window.sync_ui.refresh()
    monkeypatch.setattr("netdesk.services.sync.MULTIGET_BATCH", 10)
    query_all = DavClient.query_all

    def slow(client: DavClient, url: str, batch: int) -> object:
        for cards in query_all(client, url, batch):
            time.sleep(0.5)  # a slow link: the first sync takes seconds, long enough to be cancelled
            yield cards

    monkeypatch.setattr(DavClient, "query_all", slow)
    window.sync_ui.sync_action.trigger()
    qtbot.waitUntil(lambda: window.sync_ui.progress is not None and window.sync_ui.progress.isVisible(), timeout=5000)
    progress = window.sync_ui.progress
    assert progress is not None
    # The book's size is not known before all of it has come: the count so far, and a busy bar.
    qtbot.waitUntil(lambda: progress.labelText().startswith("Syncing: receiving"), timeout=5000)
    assert progress.labelText().endswith(" cards") and progress.maximum() == 0
    cancel_button = progress.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "Cancel"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.sync_ui.running, timeout=10_000)
    assert window.sync_ui.status_label.text() == "Sync cancelled — what it finished is kept"
    kept = window.nd.contacts.count()
    assert 0 <= kept < 60  # the batches finished before the cancel stay
    assert window.nd.sync.account("phone").last_error == ""
    book.close()


def test_a_conflict_from_a_sync_is_shown_for_review_in_the_detail_pane(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object
) -> None:
    book = ServerSide(new_book(radicale_server))
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral"))
    window = make_window()
    nd = window.nd
    nd.sync.retry = RetryPolicy(attempts=1, timeout=10)
    nd.sync.add_account("phone", book.book_url, USER, PASSWORD, tags={book.book_url: "Phone"})
    nd.sync.sync("phone", PASSWORD)
    grace = next(c for c in nd.contacts.search() if c.name == "Grace Hopper")
    book.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Commodore"))  # the phone's edit …
    nd.contacts.update(nd.contacts.get(grace.id).replace(title="Professor"))  # type: ignore[arg-type]  # … and ours
    assert nd.sync.sync("phone", PASSWORD).value.conflicts == 1

    window.contacts_changed([grace.id])
    qtbot.waitUntil(lambda: "Grace Hopper" in [r.name for r in window.model.all_rows()], timeout=5000)
    window.contact_list.show_detail(grace.id)
    networking = window.detail.networking
    assert networking is not None
    history = networking.history_list

    def lines() -> list[str]:
        return [history.item(i).text() for i in range(history.count())]

    qtbot.waitUntil(lambda: any("sync conflict" in line for line in lines()), timeout=5000)  # read off the GUI thread
    assert any(line.endswith("sync conflict, title: kept Professor, server had Commodore") for line in lines())
    assert "Synced with phone" in window.detail.text()
    book.close()


def test_every_account_setting_is_undoable_and_the_open_dialog_follows(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object, memory_keyring: MemoryKeyring
) -> None:
    book = ServerSide(new_book(radicale_server))
    window = make_window()
    window.nd.sync.retry = RetryPolicy(attempts=1, timeout=10)
    ops = window.ops

    def undo_offered(label: str) -> None:
        qtbot.waitUntil(lambda: ops.can_undo and ops.undo_label == label, timeout=10_000)
        assert window.findChild(QAction, "undoAction").text() == f"&Undo {label}"  # type: ignore[union-attr]

    accounts = add_account_through_the_dialog(qtbot, window, book.book_url, PASSWORD)
    assert accounts.empty_label.isVisible() and "No account yet" in accounts.empty_label.text()  # what to do first
    qtbot.waitUntil(lambda: accounts.message.text().startswith("Added phone"), timeout=10_000)
    assert not accounts.empty_label.isVisible()
    assert accounts.message.text().endswith("Its password is in the system keyring.")
    assert list(memory_keyring.store.values()) == [PASSWORD]
    assert "keyring, outside Undo" in accounts.keyring_note.text()  # what Undo does not cover is said
    undo_offered("add sync account phone")

    # A book's tag, its sync switch and the schedule: one undo entry each, each undone in the open dialog.
    accounts.books.item(0, 1).setText("Mobile")
    undo_offered("tag for Phone")
    assert window.nd.sync.account("phone").books[0].tag == "Mobile"
    accounts.books.item(0, 2).setCheckState(Qt.CheckState.Unchecked)
    undo_offered("sync off for Phone")
    for _click in range(3):  # three steps up: one schedule change
        accounts.interval_spin.stepUp()
    undo_offered("sync schedule of phone")
    assert window.nd.sync.account("phone").interval_minutes == 3
    assert window.sync_ui.timer.isActive()
    assert ops.undo_count == 4
    ops.undo()
    qtbot.waitUntil(lambda: accounts.interval_spin.value() == 0, timeout=5000)
    assert window.nd.sync.account("phone").interval_minutes is None and not window.sync_ui.timer.isActive()
    ops.undo()
    qtbot.waitUntil(lambda: accounts.books.item(0, 2).checkState() == Qt.CheckState.Checked, timeout=5000)
    ops.undo()
    qtbot.waitUntil(lambda: accounts.books.item(0, 1).text() == "Phone", timeout=5000)
    ops.redo()
    qtbot.waitUntil(lambda: accounts.books.item(0, 1).text() == "Mobile", timeout=5000)

    # Remove: the account goes, and its password leaves the keyring (said, since Undo cannot bring that back).
    qtbot.mouseClick(accounts.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: accounts.list.count() == 0, timeout=5000)
    assert accounts.empty_label.isVisible()
    assert "Undo brings the account back, not the password" in accounts.message.text()
    assert memory_keyring.store == {}
    assert not window.sync_ui.sync_action.isEnabled()
    undo_offered("remove sync account phone")
    ops.undo()
    qtbot.waitUntil(lambda: accounts.list.count() == 1, timeout=5000)
    assert accounts.books.item(0, 1).text() == "Mobile"  # the account comes back as it was
    assert window.sync_ui.sync_action.isEnabled()

    # Undo the add itself: the account is gone from the database and the dialog; redo brings it back.
    ops.undo()  # the tag change redone above
    ops.undo()  # the add
    qtbot.waitUntil(lambda: ops.can_redo and ops.redo_label == "add sync account phone", timeout=5000)
    assert accounts.list.count() == 0 and not window.nd.sync.accounts()
    ops.redo()
    qtbot.waitUntil(lambda: accounts.list.count() == 1, timeout=5000)
    assert window.nd.sync.account("phone").books[0].tag == "Phone"
    accounts.close()
    book.close()


def test_adding_an_account_that_the_server_refuses_writes_nothing_and_says_why(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], radicale_server: object
) -> None:
    book = ServerSide(new_book(radicale_server))
    window = make_window()
    window.nd.sync.retry = RetryPolicy(attempts=1, timeout=10)
    accounts = add_account_through_the_dialog(qtbot, window, book.book_url, "wrong")
    qtbot.waitUntil(lambda: "refused the user name or password" in accounts.message.text(), timeout=10_000)
    assert accounts.add_button.isEnabled()  # ready to try again
    assert window.nd.sync.accounts() == [] and accounts.list.count() == 0
    assert not window.ops.can_undo  # nothing was written, so there is nothing to undo
    book.close()


def test_a_schedule_still_settling_is_kept_for_its_account_when_another_is_selected(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow]
) -> None:
    from netdesk.sync.discovery import BookInfo

    window = make_window()
    for name in ("home", "work"):  # stored as discovery would have found them: no server needed
        window.nd.sync.store_account(
            name, f"https://dav.example.org/{name}/", USER, [BookInfo(f"https://x/{name}/", name)]
        )
    window.sync_ui.accounts_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(SyncAccountsDialog) is not None)
    accounts = window.findChild(SyncAccountsDialog)
    assert accounts is not None and accounts.list.count() == 2
    accounts.list.setCurrentRow(0)
    accounts.interval_spin.setValue(30)
    accounts.list.setCurrentRow(1)  # before the spin box settled
    assert accounts.interval_spin.value() == 0  # shows the selected account's own schedule
    qtbot.waitUntil(lambda: window.ops.undo_label == "sync schedule of home", timeout=5000)
    assert window.nd.sync.account("home").interval_minutes == 30
    assert window.nd.sync.account("work").interval_minutes is None
    assert window.ops.undo_count == 1
    accounts.close()


def test_the_password_prompt_shows_the_user_name_and_address_as_typed(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel, QWidget

    from netdesk.services.sync_accounts import AccountDTO
    from netdesk.ui.sync_ui import password_prompt

    parent = QWidget()
    qtbot.addWidget(parent)
    account = AccountDTO(
        1, "phone", 'https://x/<img src="file:///etc/passwd">', "<b>ada</b>", False, None, None, "", ()
    )
    prompt = password_prompt(parent, account)
    labels = [label for label in prompt.findChildren(QLabel) if "ada" in label.text()]
    assert [label.text() for label in labels] == [f"Password for <b>ada</b> at {account.url}:"]
    assert labels[0].textFormat() == Qt.TextFormat.PlainText
