"""The committed icon set is complete and well-formed, and netdesk.resources finds it from source and frozen."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netdesk import resources
from netdesk.resources import action_icon_path, app_icon_path, available_action_icons, resource_path

SVG_NS = "{http://www.w3.org/2000/svg}"
DRAWING_TAGS = {f"{SVG_NS}{tag}" for tag in ("path", "circle", "rect", "ellipse", "line", "polyline", "polygon")}

# The actions the UI needs (task list for the main window, toolbar and menus).
EXPECTED_ACTIONS = (
    "new-contact", "edit", "delete", "undo", "redo", "search", "import", "export", "tag", "log-interaction",
    "timeline", "due", "trash", "restore", "settings", "about", "organization", "person", "star", "calendar",
    "favour", "introduce", "goal", "dashboard", "backup",
)  # fmt: skip
APP_PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_dimensions(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG spec requires to come first."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR", f"{path.name} does not start with IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def relative_luminance(hex_colour: str) -> float:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def stroke_colours(root: ET.Element) -> set[str]:
    return {element.attrib["stroke"].upper() for element in root.iter() if "stroke" in element.attrib}


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("name", EXPECTED_ACTIONS)
def test_action_icon_exists_and_is_a_24px_stroke_svg(name: str, dark: bool) -> None:
    path = action_icon_path(name, dark=dark)
    root = ET.parse(path).getroot()  # raises ParseError on malformed XML

    assert root.tag == f"{SVG_NS}svg"
    assert root.attrib["viewBox"] == "0 0 24 24"
    assert any(element.tag in DRAWING_TAGS for element in root.iter()), f"{path.name} draws nothing"
    colours = stroke_colours(root)
    assert colours, f"{path.name} sets no stroke colour"
    assert "CURRENTCOLOR" not in colours  # QIcon renders SVG without a CSS colour to inherit
    for colour in colours:
        # Dark-theme icons need light strokes and the other way round, or they vanish into the background.
        luminance = relative_luminance(colour)
        assert (luminance > 0.6) if dark else (luminance < 0.4), f"{path} stroke {colour} has the wrong contrast"


def test_both_variants_hold_the_same_icons() -> None:
    light, dark = available_action_icons(dark=False), available_action_icons(dark=True)
    assert light == dark
    assert set(EXPECTED_ACTIONS) <= set(light)


def test_missing_action_icon_raises_naming_the_icon() -> None:
    with pytest.raises(FileNotFoundError, match="no-such-icon"):
        action_icon_path("no-such-icon")
    with pytest.raises(FileNotFoundError, match=r"no-such-icon.*dark"):
        action_icon_path("no-such-icon", dark=True)


@pytest.mark.parametrize("bad_name", ["../light/edit", "..", "", "sub\\edit", ".hidden"])
def test_action_icon_name_cannot_escape_the_icon_folder(bad_name: str) -> None:
    with pytest.raises(FileNotFoundError):
        action_icon_path(bad_name)


@pytest.mark.parametrize("size", APP_PNG_SIZES)
def test_app_png_has_its_named_pixel_size(size: int) -> None:
    path = app_icon_path(size)
    assert path.name == f"netdesk-{size}.png"
    assert png_dimensions(path) == (size, size)


@pytest.mark.parametrize(("requested", "expected"), [(1, 16), (20, 24), (100, 128), (256, 256), (4096, 512)])
def test_app_icon_path_picks_the_nearest_larger_rendering(requested: int, expected: int) -> None:
    assert png_dimensions(app_icon_path(requested)) == (expected, expected)


def test_app_icon_path_rejects_nonsense_size() -> None:
    with pytest.raises(ValueError, match="positive"):
        app_icon_path(0)


def test_app_svg_is_well_formed() -> None:
    root = ET.parse(resource_path("icons", "app", "netdesk.svg")).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.attrib["viewBox"] == "0 0 512 512"


def test_windows_ico_holds_every_size_up_to_256() -> None:
    data = resource_path("icons", "app", "netdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)  # 1 = icon (2 would be a cursor)
    # Each 16-byte directory entry starts with width and height; 0 stands for 256.
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert sizes == {16, 24, 32, 48, 64, 128, 256}


def test_macos_icns_is_complete_and_has_a_retina_slot() -> None:
    data = resource_path("icons", "app", "netdesk.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)  # the header's length covers the whole file
    kinds = set()
    offset = 8
    while offset < len(data):
        kind, length = data[offset : offset + 4], struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        kinds.add(kind)
        offset += length
    assert b"ic10" in kinds  # 512@2x, what Finder and the Dock show on Retina screens
    assert b"ic07" in kinds  # 128 px


def test_frozen_build_reads_resources_from_the_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)

    assert resource_path("desktop") == tmp_path / "resources" / "desktop"
    with pytest.raises(FileNotFoundError, match="edit"):
        action_icon_path("edit")  # the bundle is empty, and the source tree must not be used instead

    bundled = tmp_path / "resources" / "icons" / "actions" / "dark" / "edit.svg"
    bundled.parent.mkdir(parents=True)
    bundled.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    assert action_icon_path("edit", dark=True) == bundled


def test_source_tree_root_is_the_repository_resources_folder() -> None:
    repo_root = Path(__file__).resolve().parents[2]
    assert resources.resources_root() == repo_root / "resources"


def test_module_imports_no_qt() -> None:
    # A fresh interpreter: this test process may already have PySide6 loaded by other tests.
    probe = (
        "import sys, netdesk.resources\nprint(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
