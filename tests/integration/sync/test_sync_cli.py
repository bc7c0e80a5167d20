"""`netdesk account …` and `netdesk sync` against a real Radicale; passwords in the keyring, never in the database."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from carddav_servers import FAST_RETRY, PASSWORD, MemoryKeyring, ServerSide, new_book, vcard

from netdesk.cli import run
from netdesk.services import open_netdesk


@pytest.fixture
def phone(radicale_server: object) -> Iterator[ServerSide]:
    side = ServerSide(new_book(radicale_server))
    yield side
    side.close()


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netdesk.services.sync_accounts.RetryPolicy", lambda: FAST_RETRY)


def cli(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = run(list(argv))
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_account_add_list_sync_and_remove(
    db_path: Path, phone: ServerSide, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    phone.put("grace.vcf", vcard("grace-1", "Grace Hopper", "EMAIL:grace@navy.mil"))
    db = str(db_path)
    code, out, err = cli(
        capsys, "account", "add", "phone", "--db", db, "--url", phone.book_url, "--username", "ada",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Added account phone: Phone -> tag Phone" in out
    assert list(memory_keyring.store.values()) == [PASSWORD]
    assert PASSWORD.encode() not in db_path.read_bytes()  # the database never holds it

    code, out, _ = cli(capsys, "account", "list", "--db", db, "--json")
    (listed,) = json.loads(out)
    assert listed["name"] == "phone" and listed["books"][0]["tag"] == "Phone" and listed["last_sync_at"] is None

    code, out, err = cli(capsys, "sync", "--db", db, "--json")  # the password comes from the keyring now
    assert code == 0, err
    counts = json.loads(out)
    assert {k: counts[k] for k in ("pulled", "pushed", "merged", "conflicts", "deleted")} == {
        "pulled": 1, "pushed": 0, "merged": 0, "conflicts": 0, "deleted": 0,
    }  # fmt: skip
    assert counts["accounts"][0]["account"] == "phone"
    code, out, _ = cli(capsys, "list", "--db", db, "--tag", "Phone", "--json")
    assert [c["name"] for c in json.loads(out)] == ["Grace Hopper"]

    code, out, _ = cli(capsys, "account", "remove", "phone", "--db", db)
    assert code == 0 and memory_keyring.store == {}
    code, out, _ = cli(capsys, "list", "--db", db, "--json")
    assert [c["name"] for c in json.loads(out)] == ["Grace Hopper"]  # the contacts stay


def test_without_a_keyring_the_password_is_given_for_each_run(
    db_path: Path, phone: ServerSide, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(db_path)
    monkeypatch.setenv("NETDESK_PASSWORD", PASSWORD)
    code, _out, err = cli(capsys, "account", "add", "phone", "--db", db, "--url", phone.book_url, "--username", "ada")
    assert code == 0
    assert "no system keyring: the password was not stored" in err
    monkeypatch.delenv("NETDESK_PASSWORD")
    code, out, err = cli(capsys, "sync", "--db", db)
    assert code == 1 and out == ""
    assert err.strip() == (
        f"netdesk: no password for ada at {phone.book_url}: use --password-stdin or set NETDESK_PASSWORD "
        "(no system keyring to keep it in)"
    )
    code, out, err = cli(capsys, "sync", "--db", db, "--password-stdin", stdin=PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert out.startswith("phone: 0 pulled, 0 pushed")


def test_a_wrong_password_is_one_clear_line(
    db_path: Path, phone: ServerSide, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys, "account", "add", "phone", "--db", str(db_path), "--url", phone.book_url, "--username", "ada",
        "--password-stdin", stdin="wrong\n",
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "refused the user name or password (401)" in err
    nd = open_netdesk(db_path)
    assert nd.sync.accounts() == []
    nd.close()


def test_a_self_signed_server_is_added_with_its_certificate_pinned(
    db_path: Path, xandikos_server: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = xandikos_server.url  # type: ignore[attr-defined]
    args = ["account", "add", "x", "--db", str(db_path), "--url", url, "--username", "ada", "--password-stdin"]
    code, out, err = cli(capsys, *args, stdin=PASSWORD + "\n")
    assert code == 1 and out == "" and "its TLS certificate is not trusted" in err and err.count("\n") == 1

    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    code, _out, err = cli(capsys, *args, "--certificate", str(not_pem), stdin=PASSWORD + "\n")
    assert (code, err.strip()) == (1, f"netdesk: {not_pem} is not a PEM certificate")

    pem = tmp_path / "server.pem"
    pem.write_text(xandikos_server.certificate_pem)  # type: ignore[attr-defined]
    code, out, err = cli(capsys, *args, "--certificate", str(pem), "--tag", "addressbook=Phone", stdin=PASSWORD + "\n")
    assert code == 0 and "addressbook -> tag Phone" in out
    code, out, _ = cli(capsys, "account", "list", "--db", str(db_path), "--json")
    assert json.loads(out)[0]["certificate_pinned"] is True


def test_a_password_written_into_the_url_is_refused_not_stored_or_printed(
    db_path: Path, phone: ServerSide, capsys: pytest.CaptureFixture[str]
) -> None:
    """https://ada:secret@host/ would put the password in the database (the account's URL) and in every line that
    names the server (its error, `account list`)."""
    url = phone.book_url.replace("://", f"://ada:{PASSWORD}@")
    code, out, err = cli(
        capsys, "account", "add", "phone", "--db", str(db_path), "--url", url, "--username", "ada",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "password" in err and PASSWORD not in err
    nd = open_netdesk(db_path)
    assert nd.sync.accounts() == []
    nd.close()
    for path in db_path.parent.glob(db_path.name + "*"):
        assert PASSWORD.encode() not in path.read_bytes()


def test_a_conflict_is_named_in_the_sync_output(
    db_path: Path, phone: ServerSide, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same field changed on both sides: NetDesk's value is kept, and the output says which contact, which field
    and what the server had (the CLI has no other way to show the contact's history)."""
    monkeypatch.setenv("NETDESK_PASSWORD", PASSWORD)
    phone.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Rear Admiral"))
    db = str(db_path)
    assert cli(capsys, "account", "add", "phone", "--db", db, "--url", phone.book_url, "--username", "ada")[0] == 0
    assert cli(capsys, "sync", "--db", db)[0] == 0
    nd = open_netdesk(db_path)
    (grace,) = nd.contacts.search()
    nd.contacts.update(grace.replace(title="Professor"))
    nd.close()
    phone.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Commodore"))

    code, out, err = cli(capsys, "sync", "--db", db)
    assert (code, err) == (0, "")
    assert "1 conflicts" in out
    assert "  conflict: Grace Hopper, title: kept Professor, server had Commodore" in out.splitlines()

    nd = open_netdesk(db_path)
    (grace,) = nd.contacts.search()
    nd.contacts.update(grace.replace(title="Dean"))
    nd.close()
    phone.put("grace.vcf", vcard("grace-1", "Grace Hopper", "TITLE:Captain"))
    code, out, _ = cli(capsys, "sync", "--db", db, "--json")
    details = json.loads(out)["accounts"][0]["conflict_details"]
    assert details == [{"contact": "Grace Hopper", "field": "title", "kept": "Dean", "server_had": "Captain"}]
