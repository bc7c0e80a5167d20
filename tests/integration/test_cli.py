import json
import os
import subprocess
import sys
from pathlib import Path

from netdesk import __version__
from netdesk.core.model import ContactDTO, ContactPoint, PartialDate, PostalAddress
from netdesk.services import open_netdesk


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _seed(db: Path) -> None:
    nd = open_netdesk(db)
    nd.contacts.create(
        ContactDTO(
            given_name="Jürgen",
            family_name="Müller",
            organization="ACME",
            title="CTO",
            emails=(ContactPoint("j@home.de", "home"), ContactPoint("j@acme.de", "work", pref=True)),
            phones=(ContactPoint("+49 171 1234567", "mobile"),),
            addresses=(PostalAddress(label="work", locality="Berlin", country="Germany"),),
            birthday=PartialDate(4, 12),
            tags=("vip", "Berlin"),
            notes="Met at PyCon",
        )
    )
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace", birthday=PartialDate(12, 10, 1815)))
    nd.close()


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"NetDesk {__version__}"


def test_list_json_has_the_stable_keys(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    _seed(db)
    result = run_cli("list", "--db", str(db), "--json", "mull")
    assert result.returncode == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert item["name"] == "Jürgen Müller"
    assert item["given_name"] == "Jürgen" and item["family_name"] == "Müller"
    assert item["kind"] == "person" and item["organization"] == "ACME" and item["title"] == "CTO"
    assert item["emails"] == ["j@acme.de", "j@home.de"]  # preferred first
    assert item["phones"] == ["+49 171 1234567"] and item["urls"] == []
    assert item["addresses"][0]["locality"] == "Berlin"
    assert item["birthday"] == "--04-12"
    assert item["tags"] == ["Berlin", "vip"]
    assert item["notes"] == "Met at PyCon"
    assert isinstance(item["id"], int) and len(item["uid"]) == 36


def test_list_plain_and_environment_database(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    _seed(db)
    result = run_cli("list", env={"NETDESK_DB": str(db)})
    assert result.returncode == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["Ada Lovelace", "Jürgen Müller"]
    result = run_cli("list", "--db", str(db), "--json", "lovelace")
    assert json.loads(result.stdout)[0]["birthday"] == "1815-12-10"


def test_the_database_may_come_before_the_command(tmp_path: Path) -> None:
    """`netdesk --db work.sqlite3 list`, as git-style tools take their global options: the command runs on that
    database (it used to open the app, to import a file called "list")."""
    db = tmp_path / "c.sqlite3"
    _seed(db)
    result = run_cli("--db", str(db), "list", "--json", "lovelace")
    assert result.returncode == 0, result.stderr
    assert [item["name"] for item in json.loads(result.stdout)] == ["Ada Lovelace"]
    out = tmp_path / "all.vcf"
    result = run_cli(f"--db={db}", "export", "--format", "vcard4", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count("BEGIN:VCARD") == 2


def test_every_command_is_known_before_the_commands_are_imported() -> None:
    """The app's start-up tells a command from a file to import without importing netdesk/cli.py."""
    from netdesk import cli
    from netdesk.cli_window import COMMAND_NAMES, command_first

    assert set(cli.COMMANDS) == COMMAND_NAMES
    assert command_first(["--db", "x.sqlite3", "due"]) == ["due", "--db", "x.sqlite3"]
    assert command_first(["--db", "x.sqlite3", "cards.vcf"]) == ["--db", "x.sqlite3", "cards.vcf"]


def test_the_app_without_a_display_is_one_clear_line(tmp_path: Path) -> None:
    """Started over SSH or in a console, the app says why it cannot open its window; Qt alone aborted the process
    with a page of platform plugin messages ("Reinstalling the application may fix this problem")."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # no Wayland socket there
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(tmp_path / "c.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr and "netdesk --help" in result.stderr


def test_missing_database_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("list", "--db", str(tmp_path / "missing" / "x.sqlite3"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_option_is_one_clear_line() -> None:
    result = run_cli("list", "--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr and "Traceback" not in result.stderr


def test_unreadable_import_file_exits_non_zero(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    result = run_cli("import", "--db", str(db), str(tmp_path / "nothere.vcf"))
    assert result.returncode == 1
    assert "nothere.vcf: file not found" in result.stdout


def test_output_cut_short_by_the_reader_is_no_error(tmp_path: Path) -> None:
    """`netdesk list | head -1`: the pipe closes early; no traceback, the conventional SIGPIPE status."""
    from netdesk.cli import EXIT_BROKEN_PIPE
    from netdesk.io.report import ImportReport

    db = tmp_path / "n.sqlite3"
    nd = open_netdesk(db)
    # Enough lines to fill the pipe's buffer (64 KiB on Linux) so that writing blocks and then fails.
    people = [ContactDTO(given_name=f"Person {n:05d}", family_name="X" * 40) for n in range(5000)]
    nd.imports.import_contacts(people, ImportReport())
    nd.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "list", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert b"Person" in first and "Traceback" not in errors, errors


def test_an_id_sqlite_cannot_hold_is_a_usage_line(tmp_path: Path) -> None:
    """A mistyped id (too many digits, negative) is refused as an id; it ended in an OverflowError from the driver."""
    db = tmp_path / "c.sqlite3"
    _seed(db)
    for args in (
        ("duplicates", "merge", "99999999999999999999"),
        ("duplicates", "keep-apart", "-3"),
        ("intro", "outcome", "99999999999999999999", "met"),
    ):
        result = run_cli(*args, "--db", str(db))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "not an id" in result.stderr, (args, result.stderr)


def test_backup_list_without_backups_says_so_on_stderr(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    _seed(db)
    result = run_cli("backup", "--list", "--db", str(db))
    assert result.returncode == 0 and result.stdout == ""
    assert "no backups yet" in result.stderr
    assert run_cli("backup", "--db", str(db)).returncode == 0
    listed = run_cli("backup", "--list", "--db", str(db))
    assert listed.stdout.count("\n") == 1 and "manual" in listed.stdout and listed.stderr == ""
