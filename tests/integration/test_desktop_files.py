"""The freedesktop entry and AppStream metainfo pass the distributions' own validators and agree with each other."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from netdesk import __version__
from netdesk.resources import resource_path

APP_ID = "io.github.netdesk.NetDesk"
DESKTOP_FILE = resource_path("desktop", f"{APP_ID}.desktop")
METAINFO_FILE = resource_path("desktop", f"{APP_ID}.metainfo.xml")


def run_validator(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian: desktop-file-utils / appstream)")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60)


def read_desktop_entry() -> configparser.SectionProxy:
    # interpolation off: Exec lines contain %F, which configparser would otherwise try to expand.
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive in the spec
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validate_accepts_the_entry() -> None:
    result = run_validator("desktop-file-validate", str(DESKTOP_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    # desktop-file-validate exits 0 on warnings too; a clean file prints nothing at all.
    assert result.stdout.strip() == "", result.stdout


def test_appstreamcli_accepts_the_metainfo() -> None:
    result = run_validator("appstreamcli", "validate", "--no-net", str(METAINFO_FILE))
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_launches_netdesk_with_vcards() -> None:
    entry = read_desktop_entry()
    assert entry["Name"] == "NetDesk"
    assert entry["Exec"] == "netdesk %F"
    assert entry["Icon"] == APP_ID  # installed as hicolor/<size>/apps/<app id>.png
    assert set(filter(None, entry["MimeType"].split(";"))) == {"text/vcard", "text/x-vcard", "text/directory"}
    assert set(filter(None, entry["Categories"].split(";"))) == {"Office", "ContactManagement"}


def test_metainfo_matches_the_desktop_entry_and_package() -> None:
    root = ET.parse(METAINFO_FILE).getroot()
    entry = read_desktop_entry()

    assert root.attrib["type"] == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == entry["Name"]
    assert root.findtext("summary") == entry["Comment"]
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP_FILE.name
    assert root.findtext("provides/binary") == "netdesk"
    assert root.find("content_rating") is not None
    release_versions = [release.attrib["version"] for release in root.iterfind("releases/release")]
    # The newest release listed first must be the version the package reports, or software centres lie.
    assert release_versions[0] == __version__
    assert "0.1.0" in release_versions
