"""The README's pictures are the ones `make screenshots` (tests/screenshots.py) writes, and git keeps each of them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOT = re.compile(r"(?P<page>[a-z_-]+)-(?P<theme>light|dark)-(?P<size>1024x700|1600x1000)\.png")


def readme_images() -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_every_readme_picture_comes_from_make_screenshots() -> None:
    from netdesk.ui.navigation import View

    images = readme_images()
    assert len(images) >= 4
    pages = {v.value for v in View} | {"contacts-networking", "contacts-timeline", "duplicates-review", "welcome"}
    for image in images:
        folder, _, name = image.rpartition("/")
        assert folder == "docs/screenshots", image  # not a hand-made picture elsewhere in docs/
        match = SHOT.fullmatch(name)
        assert match is not None and match["page"] in pages, image
        assert (ROOT / image).is_file(), image


def test_git_keeps_the_readme_pictures_and_ignores_the_rest() -> None:
    def ignored(path: str) -> bool:
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        return result.returncode == 0

    if subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True, check=False).returncode != 0:
        pytest.skip("not a git checkout")
    for image in readme_images():
        assert not ignored(image), image
    assert ignored("docs/screenshots/offers-dark-1024x700.png")
