#!/usr/bin/env bash
# Build NetDesk with PyInstaller into dist/netdesk/ and smoke-test the frozen app:
#   1. `netdesk --version`
#   2. a headless GUI start on a fresh database (`--smoke-test`: open the main window, process events, exit 0)
#   3. a vCard import through the frozen CLI, then `netdesk list --json` must show the contact
#   4. a 2,000-card vCard file through the frozen CLI: its cards are parsed by a pool of spawned worker processes
#   5. single instance: a second start on the database of a running instance hands its vCard over and exits 0
# Prints the bundle size and the start-up times. Run from anywhere: packaging/build.sh
# Works on Linux, macOS and Windows (Git Bash / MSYS2). Set SKIP_BUILD=1 to smoke-test an existing dist/.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) VENV_BIN=".venv/Scripts"; EXE_SUFFIX=".exe" ;;
    *) VENV_BIN=".venv/bin"; EXE_SUFFIX="" ;;
esac
PYTHON="$VENV_BIN/python$EXE_SUFFIX"
APP="dist/netdesk/netdesk$EXE_SUFFIX"

now_ms() { "$PYTHON" -c 'import time; print(time.monotonic_ns() // 1_000_000)'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'SMOKE TEST FAILED: %s\n' "$*" >&2; exit 1; }

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
    step "Building with PyInstaller"
    "$VENV_BIN/pyinstaller$EXE_SUFFIX" --noconfirm --clean \
        --distpath dist --workpath build/pyinstaller packaging/netdesk.spec
fi
[[ -x "$APP" ]] || fail "$APP was not built"

# Everything the smoke run writes goes to a scratch folder, never to the user's real NetDesk data.
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/netdesk-smoke.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
export NETDESK_DB="$SCRATCH/default.db"
export XDG_DATA_HOME="$SCRATCH/data" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache"

step "Version"
start=$(now_ms)
version_output="$("$APP" --version)" || fail "--version exited with $?"
version_ms=$(( $(now_ms) - start ))
echo "$version_output"
[[ "$version_output" == NetDesk\ * ]] || fail "unexpected --version output: $version_output"

step "Headless start on a fresh database (QT_QPA_PLATFORM=offscreen --smoke-test)"
start=$(now_ms)
QT_QPA_PLATFORM=offscreen "$APP" --smoke-test --db "$SCRATCH/gui.db" || fail "--smoke-test exited with $?"
gui_ms=$(( $(now_ms) - start ))
[[ -s "$SCRATCH/gui.db" ]] || fail "the smoke test did not create its database"

step "Import a vCard through the frozen CLI"
# Written here rather than taken from the test fixtures so the script works from a bare checkout. The
# non-ASCII name checks that the frozen app reads UTF-8 regardless of the system locale.
cat > "$SCRATCH/smoke.vcf" <<'VCARD'
BEGIN:VCARD
VERSION:3.0
UID:netdesk-smoke-test-0001
FN:Zoë Smoke-Tester
N:Smoke-Tester;Zoë;;;
EMAIL;TYPE=INTERNET,WORK:zoe.smoke@example.org
TEL;TYPE=CELL:+44 20 7946 0958
ORG:Frozen Builds Ltd
CATEGORIES:packaging
END:VCARD
VCARD
"$APP" import --db "$SCRATCH/x.db" "$SCRATCH/smoke.vcf" || fail "import exited with $?"
"$APP" list --db "$SCRATCH/x.db" --json > "$SCRATCH/list.json" || fail "list --json exited with $?"
"$PYTHON" - "$SCRATCH/list.json" <<'CHECK' || fail "the imported contact is missing from list --json"
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    contacts = json.load(handle)
matches = [c for c in contacts if c.get("uid") == "netdesk-smoke-test-0001"]
assert len(matches) == 1, f"expected the smoke contact once, got {contacts!r}"
contact = matches[0]
assert contact["name"] == "Zoë Smoke-Tester" or contact.get("formatted_name") == "Zoë Smoke-Tester", contact
assert "zoe.smoke@example.org" in contact["emails"], contact
print(f"found {contact['name']!r} <{contact['emails'][0]}> with phones {contact['phones']}")
CHECK

step "Import 2,000 cards through the frozen CLI (parsed by spawned worker processes)"
# A frozen app's spawned worker is the executable started again (multiprocessing.freeze_support in entry.py); the
# vCard above is too small for the worker pool (netdesk/io/vcard_stream.py), so this is the step that starts one.
"$PYTHON" - "$SCRATCH/many.vcf" <<'CARDS'
import sys

with open(sys.argv[1], "w", encoding="utf-8", newline="") as handle:
    for i in range(2000):
        handle.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person{i} Smoke\r\nN:Smoke;Person{i};;;\r\n"
                     f"EMAIL;TYPE=INTERNET:person{i}@smoke.example\r\nORG:Frozen Builds Ltd\r\nEND:VCARD\r\n")
CARDS
many_output="$("$APP" import --db "$SCRATCH/many.db" "$SCRATCH/many.vcf" 2>&1)" \
    || fail "the 2,000-card import exited with $?: $many_output"
echo "$many_output"
[[ "$many_output" == *"2000 created"* ]] || fail "unexpected 2,000-card import: $many_output"

step "A second start on the same database hands its file to the running one (single instance)"
# The first instance runs until killed; NETDESK_REPORT_STARTUP makes it say when its window (and so its local
# server) is up. The second, a smoke run given a vCard, must pass the file on and exit 0 without opening the window.
NETDESK_REPORT_STARTUP=1 QT_QPA_PLATFORM=offscreen "$APP" --db "$SCRATCH/one.db" 2> "$SCRATCH/first.log" &
first_pid=$!
trap 'kill "$first_pid" 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 1 300); do
    grep -q "window-shown-at" "$SCRATCH/first.log" && break
    kill -0 "$first_pid" 2>/dev/null || fail "the first instance exited: $(cat "$SCRATCH/first.log")"
    sleep 0.1
done
grep -q "window-shown-at" "$SCRATCH/first.log" || fail "the first instance did not show its window within 30 s"
start=$(now_ms)
second_output="$(QT_QPA_PLATFORM=offscreen "$APP" --db "$SCRATCH/one.db" --smoke-test "$SCRATCH/smoke.vcf" 2>&1)" \
    || fail "the second start exited with $?: $second_output"
handover_ms=$(( $(now_ms) - start ))
[[ "$second_output" == *"already open"* ]] || fail "the second start did not hand over: $second_output"
imported=0
for _ in $(seq 1 60); do
    if "$APP" list --db "$SCRATCH/one.db" --json | grep -q "netdesk-smoke-test-0001"; then imported=1; break; fi
    sleep 0.5
done
kill "$first_pid" 2>/dev/null || true
wait "$first_pid" 2>/dev/null || true
[[ "$imported" == 1 ]] || fail "the running instance did not import the file it was handed"
echo "handed over in ${handover_ms} ms; the running instance imported the card"

step "Summary"
du -sh dist/netdesk
if [[ -d dist/NetDesk.app ]]; then du -sh dist/NetDesk.app; fi
echo "start-up: --version ${version_ms} ms, headless window open+quit ${gui_ms} ms, hand-over to a running instance ${handover_ms} ms"
echo "smoke test passed"
