"""Generate NetDesk's icons: the app mark (SVG, PNG sizes, .ico, .icns) and the action icon set.

Run from the repository root when a design changes, then commit the output (it is small):

    .venv/bin/python packaging/make_icons.py

Needs ``rsvg-convert`` (Debian: ``apt-get install librsvg2-bin``) to rasterise and Pillow to write
.ico/.icns. Tests never run this script; they check its committed output.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
ICONS_DIR = REPO_ROOT / "resources" / "icons"
APP_DIR = ICONS_DIR / "app"
ACTIONS_DIR = ICONS_DIR / "actions"

APP_PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the ICO format tops out at 256 px
ICNS_SIZES = (16, 32, 64, 128, 256, 512)  # the sizes Pillow's ICNS writer maps onto Apple's slots

# Stroke colours for the two action icon variants: dark strokes for light themes and vice versa.
# Explicit colours (not currentColor) because QIcon renders SVG without a CSS colour context.
LIGHT_THEME_STROKE = "#1F2937"
DARK_THEME_STROKE = "#E5E7EB"

# The app mark: three connected nodes (you, and two people you introduced to each other) on a
# rounded blue-to-teal square. Lines are drawn before nodes so the nodes sit on top.
APP_ICON_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <title>NetDesk</title>
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#2563EB"/>
      <stop offset="1" stop-color="#0D9488"/>
    </linearGradient>
    <linearGradient id="shine" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#FFFFFF" stop-opacity="0.18"/>
      <stop offset="1" stop-color="#FFFFFF" stop-opacity="0"/>
    </linearGradient>
  </defs>
  <rect x="24" y="24" width="464" height="464" rx="112" fill="url(#tile)"/>
  <rect x="24" y="24" width="464" height="232" rx="112" fill="url(#shine)"/>
  <g stroke="#FFFFFF" stroke-width="30" stroke-linecap="round" opacity="0.9">
    <line x1="256" y1="148" x2="150" y2="344"/>
    <line x1="256" y1="148" x2="362" y2="344"/>
    <line x1="150" y1="344" x2="362" y2="344"/>
  </g>
  <g fill="#FFFFFF">
    <circle cx="256" cy="148" r="66"/>
    <circle cx="150" cy="344" r="56"/>
    <circle cx="362" cy="344" r="56"/>
  </g>
  <g fill="#14B8A6">
    <circle cx="256" cy="148" r="28"/>
  </g>
  <g fill="#3B82F6">
    <circle cx="150" cy="344" r="22"/>
    <circle cx="362" cy="344" r="22"/>
  </g>
</svg>
"""

# Action icons on a 24 px grid, 2 px round strokes, no fills: the body of each <svg>. Names match
# what the UI asks for through netdesk.resources.action_icon_path(name).
ACTION_ICONS: dict[str, str] = {
    "new-contact": """
    <circle cx="9" cy="8" r="4"/>
    <path d="M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1"/>
    <path d="M19 8v6M16 11h6"/>""",
    "edit": """
    <path d="M4 20h4L19 9l-4-4L4 16z"/>
    <path d="M13 7l4 4"/>""",
    "delete": """
    <circle cx="12" cy="12" r="9"/>
    <path d="M9 9l6 6M15 9l-6 6"/>""",
    "undo": """
    <path d="M9 14L4 9l5-5"/>
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/>""",
    "redo": """
    <path d="M15 14l5-5-5-5"/>
    <path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13"/>""",
    "search": """
    <circle cx="11" cy="11" r="7"/>
    <path d="M21 21l-5-5"/>""",
    "import": """
    <path d="M12 3v12"/>
    <path d="M7 10l5 5 5-5"/>
    <path d="M4 17v3h16v-3"/>""",
    "export": """
    <path d="M12 15V3"/>
    <path d="M7 8l5-5 5 5"/>
    <path d="M4 17v3h16v-3"/>""",
    "tag": """
    <path d="M3 3h9l8.6 8.6a2 2 0 0 1 0 2.8l-6.2 6.2a2 2 0 0 1-2.8 0L3 12z"/>
    <circle cx="7.5" cy="7.5" r="1.5"/>""",
    "log-interaction": """
    <path d="M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9l-4 4v-4H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
    <path d="M12 7.5v6M9 10.5h6"/>""",
    "timeline": """
    <circle cx="6" cy="5" r="2"/>
    <circle cx="6" cy="12" r="2"/>
    <circle cx="6" cy="19" r="2"/>
    <path d="M6 7v3M6 14v3"/>
    <path d="M11 5h9M11 12h7M11 19h9"/>""",
    "due": """
    <circle cx="12" cy="13" r="8"/>
    <path d="M12 9v4l2.5 2.5"/>
    <path d="M5 3L2 6M19 3l3 3"/>""",
    "trash": """
    <path d="M3 6h18"/>
    <path d="M8 6V4a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v2"/>
    <path d="M5 6l1 14a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1l1-14"/>
    <path d="M10 11v6M14 11v6"/>""",
    "restore": """
    <path d="M3 6h18"/>
    <path d="M8 6V4a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v2"/>
    <path d="M5 6l1 14a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1l1-14"/>
    <path d="M12 18v-7M9 14l3-3 3 3"/>""",
    "settings": """
    <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12"/>
    <circle cx="16" cy="6" r="2"/>
    <circle cx="10" cy="12" r="2"/>
    <circle cx="18" cy="18" r="2"/>""",
    "about": """
    <circle cx="12" cy="12" r="9"/>
    <path d="M12 11v5"/>
    <path d="M12 8h.01"/>""",
    "organization": """
    <path d="M4 21V4a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v17"/>
    <path d="M15 9h4a1 1 0 0 1 1 1v11"/>
    <path d="M2 21h20"/>
    <path d="M8 7h3M8 11h3M8 15h3"/>""",
    "person": """
    <circle cx="12" cy="8" r="4"/>
    <path d="M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1"/>""",
    "star": """
    <path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3l-5.6 2.9 1.1-6.2L3 9.6l6.2-.9z"/>""",
    "calendar": """
    <rect x="3" y="5" width="18" height="16" rx="2"/>
    <path d="M3 10h18M8 3v4M16 3v4"/>""",
    "favour": """
    <rect x="3" y="8" width="18" height="4" rx="1"/>
    <path d="M5 12v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-8"/>
    <path d="M12 8v13"/>
    <path d="M12 8C10.5 4 7 3.5 7 6c0 1.5 2 2 5 2zM12 8c1.5-4 5-4.5 5-2 0 1.5-2 2-5 2z"/>""",
    "introduce": """
    <circle cx="12" cy="5" r="2.5"/>
    <circle cx="5" cy="17" r="2.5"/>
    <circle cx="19" cy="17" r="2.5"/>
    <path d="M10.7 7.2L6.3 14.8M13.3 7.2l4.4 7.6"/>
    <path d="M8.5 17h7" stroke-dasharray="2 2.5"/>""",
    "goal": """
    <circle cx="12" cy="12" r="9"/>
    <circle cx="12" cy="12" r="5"/>
    <circle cx="12" cy="12" r="1"/>""",
    "dashboard": """
    <rect x="3" y="3" width="7" height="9" rx="1"/>
    <rect x="14" y="3" width="7" height="5" rx="1"/>
    <rect x="14" y="12" width="7" height="9" rx="1"/>
    <rect x="3" y="16" width="7" height="5" rx="1"/>""",
    "backup": """
    <ellipse cx="12" cy="5" rx="8" ry="3"/>
    <path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/>
    <path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>""",
}


def action_icon_svg(body: str, stroke: str) -> str:
    # Stroke settings live on one <g> so every shape inherits them (QtSvg honours inheritance from <g>).
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">\n'
        f'  <g fill="none" stroke="{stroke}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{body}\n  </g>\n</svg>\n"
    )


def write_action_icons() -> None:
    for variant, stroke in (("light", LIGHT_THEME_STROKE), ("dark", DARK_THEME_STROKE)):
        folder = ACTIONS_DIR / variant
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.svg"):  # a renamed icon must not leave its old file behind
            if stale.stem not in ACTION_ICONS:
                stale.unlink()
        for name, body in ACTION_ICONS.items():
            (folder / f"{name}.svg").write_text(action_icon_svg(body, stroke), encoding="utf-8")


def render_png(svg_path: Path, size: int) -> bytes:
    result = subprocess.run(
        ["rsvg-convert", "--width", str(size), "--height", str(size), "--format", "png", str(svg_path)],
        check=True,
        capture_output=True,
    )
    return result.stdout


def write_app_icons() -> None:
    APP_DIR.mkdir(parents=True, exist_ok=True)
    svg_path = APP_DIR / "netdesk.svg"
    svg_path.write_text(APP_ICON_SVG, encoding="utf-8")

    images: dict[int, Image.Image] = {}
    for size in APP_PNG_SIZES:
        png = render_png(svg_path, size)
        (APP_DIR / f"netdesk-{size}.png").write_bytes(png)
        images[size] = Image.open(io.BytesIO(png)).convert("RGBA")

    # Pillow would build the smaller ICO/ICNS entries by downscaling one image; pass every rendered size
    # instead so the small ones keep rsvg's crisp rendering.
    ico_images = [images[size] for size in ICO_SIZES]
    ico_images[-1].save(
        APP_DIR / "netdesk.ico",
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=ico_images[:-1],
    )
    # ICNS's biggest slot is 512@2x: render it from the SVG rather than upscaling the 512 px PNG.
    retina = Image.open(io.BytesIO(render_png(svg_path, 1024))).convert("RGBA")
    retina.save(APP_DIR / "netdesk.icns", format="ICNS", append_images=[images[size] for size in ICNS_SIZES])


def main() -> int:
    if shutil.which("rsvg-convert") is None:
        print("rsvg-convert not found: install librsvg2-bin (Debian/Ubuntu) or librsvg (Homebrew)", file=sys.stderr)
        return 1
    write_action_icons()
    write_app_icons()
    print(f"wrote {len(ACTION_ICONS)} action icons x2 and the app icon set to {ICONS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
