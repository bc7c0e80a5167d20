#!/usr/bin/env bash
# Proves that a clone with nothing beside it passes: copies the committed tree to a folder with no ../shared and
# runs collection of the whole suite plus every test that reads the real-world corpus (marker `corpus`) there.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="$repo/.venv/bin/python"
bare="$(mktemp -d /tmp/netdesk-bare.XXXXXX)"
trap 'rm -rf "$bare"' EXIT
mkdir "$bare/checkout"
git -C "$repo" ls-files -z | (cd "$repo" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$bare/checkout"
cd "$bare/checkout"
test ! -e ../shared || { echo "bare-clone check: ../shared exists beside $bare/checkout" >&2; exit 1; }
# `python -m pytest` puts this folder first on sys.path, so the copy's own netdesk is the one under test.
"$python" -c 'import netdesk, sys; sys.exit(0 if netdesk.__file__.startswith("'"$bare"'") else "wrong netdesk: " + netdesk.__file__)'
QT_QPA_PLATFORM=offscreen "$python" -m pytest -q -p no:cacheprovider --collect-only >/dev/null
QT_QPA_PLATFORM=offscreen "$python" -m pytest -q -p no:cacheprovider -n auto -m corpus
