#!/usr/bin/env bash
# Chaos test of `troca watch` with real processes: a watcher is started, files are dropped into
# its inbox (some written slowly in pieces, some with a .ok marker, some duplicates, some broken),
# and the watcher is killed with SIGKILL at random moments and restarted, KILLS times. Then a
# last watcher runs with --once, and scripts/chaos.py checks the folder:
#   - every dropped file is in done/, failed/ or duplicates/ exactly once; inbox/ and work/ empty;
#   - every output in out/ is complete (ends with the file trailer record) and each line parses;
#   - nothing was processed twice: one journal `done` per content, one output per `done`,
#     duplicates/ only holds contents that are done, failed/ the broken files with their reasons.
#
#   scripts/chaos.sh            50 kills, 60 files
#   scripts/chaos.sh --short    10 kills, 20 files (CI; .ci/run runs it)
#   TROCA=path/to/troca CHAOS_SEED=N scripts/chaos.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kills=50
files=60
if [[ "${1:-}" == "--short" ]]; then kills=10; files=20; fi
if [[ -z "${TROCA:-}" ]]; then
  (cd "$root" && swift build --product troca 2>&1 | tail -1)
  TROCA="$root/.build/debug/troca"
fi
seed="${CHAOS_SEED:-$RANDOM}"
RANDOM=$seed
work="$(mktemp -d "${TMPDIR:-/tmp}/troca-chaos.XXXXXX")"
echo "chaos: $kills kills, $files files, seed $seed, in $work"
mkdir -p "$work/folder/inbox"
cat > "$work/events.json" <<'JSON'
{"pipeline": "events", "stages": [{"stage": "cnab parse", "args": ["{input}"]}], "output": "{out}/{name}.jsonl"}
JSON
cat > "$work/watch.json" <<'JSON'
{"folder": "folder", "settle_seconds": 0.4, "poll_seconds": 0.05, "log": "watch.log.jsonl",
 "rules": [{"pattern": "*.ret", "pipeline": "events.json"}]}
JSON

# A retorno of 2,000 títulos (about 1 MB, ~0.15 s to parse in a debug build), so that kills
# land while files are being hashed, parsed and filed, not only between them.
python3 "$root/scripts/gen-cnab240.py" --titles 2000 > "$work/sample.ret"
python3 "$root/scripts/chaos.py" drop "$work/sample.ret" "$work/folder" "$files" "$seed" &
dropper=$!
watcher=""
cleanup() {
  [[ -n "$watcher" ]] && kill -9 "$watcher" 2>/dev/null || true
  kill "$dropper" 2>/dev/null || true
}
trap cleanup EXIT

for ((k = 1; k <= kills; k++)); do
  "$TROCA" watch --config "$work/watch.json" 2>>"$work/watch.stderr" &
  watcher=$!
  # Alive for 20–400 ms: killed while starting, recovering, hashing, running or filing.
  sleep "0.$(printf '%03d' $((20 + RANDOM % 380)))"
  kill -9 "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  watcher=""
done
wait "$dropper"
# SIGTERM: the watcher finishes the file in hand (claimed, not yet filed) and exits 0.
"$TROCA" watch --config "$work/watch.json" 2>>"$work/watch.stderr" &
watcher=$!
cp "$work/sample.ret" "$work/folder/inbox/.TERM.ret"
echo " " >> "$work/folder/inbox/.TERM.ret"   # content of its own, not a duplicate
mv "$work/folder/inbox/.TERM.ret" "$work/folder/inbox/TERM.ret"
touch "$work/folder/inbox/TERM.ret.ok"
for _ in $(seq 200); do [[ -e "$work/folder/inbox/TERM.ret" ]] || break; sleep 0.01; done
kill -TERM "$watcher"
status=0
wait "$watcher" || status=$?
watcher=""
if [[ $status -ne 0 ]]; then echo "chaos: FAIL: SIGTERM: the watcher exited $status, expected 0" >&2; exit 1; fi
if [[ ! -e "$work/folder/done/$(date +%F)/TERM.ret" ]]; then
  echo "chaos: FAIL: SIGTERM: TERM.ret was not finished before the watcher exited" >&2
  find "$work/folder" -name 'TERM.ret*' >&2
  exit 1
fi
echo "chaos: SIGTERM during a file: it was finished, exit 0"
# A last, undisturbed run: finish what work/ holds and what the inbox still has.
status=0
"$TROCA" watch --config "$work/watch.json" --once 2>>"$work/watch.stderr" || status=$?
if [[ $status -ne 0 && $status -ne 65 ]]; then
  echo "chaos: FAIL: the final watch --once exited $status" >&2
  cat "$work/watch.stderr" >&2
  exit 1
fi
echo "chaos: $(grep -c '"event":"recover"' "$work/watch.log.jsonl" || true) files recovered from work/ after kills"
if ! python3 "$root/scripts/chaos.py" check "$work/folder"; then
  echo "chaos: the folder is kept in $work" >&2
  exit 1
fi

# A full disk, as a process sees one: a file-size limit (ulimit -f, 32 KB) makes every write
# past it fail with EFBIG (troca ignores SIGXFSZ itself: the shell here does not). The 1 MB
# retorno's output cannot be written: the
# file goes to failed/ with the reason, and nothing is left half-written in out/ or work/.
mkdir -p "$work/full/folder/inbox"
sed 's/"log": "watch.log.jsonl", //' "$work/watch.json" > "$work/full/watch.json"
cp "$work/events.json" "$work/full/"
cp "$work/sample.ret" "$work/full/folder/inbox/FULL.ret"
touch "$work/full/folder/inbox/FULL.ret.ok"
status=0
(ulimit -f 64; exec "$TROCA" watch --config "$work/full/watch.json" --once) 2>"$work/full/stderr" || status=$?
full="$work/full/folder"
if [[ $status -ne 65 || ! -f "$full/failed/FULL.ret" || ! -f "$full/failed/FULL.ret.error.json" ]] \
  || ! grep -q 'File too large' "$full/failed/FULL.ret.error.json" \
  || [[ -n "$(ls -A "$full/out")" || -n "$(ls -A "$full/work")" || -n "$(ls -A "$full/inbox")" ]]; then
  echo "chaos: FAIL: full disk: exit $status; the folder is kept in $work" >&2
  cat "$work/full/stderr" >&2
  exit 1
fi
echo "chaos: full disk (writes past 32 KB fail): FULL.ret in failed/ with the reason, out/ and work/ empty"
rm -rf "$work"
echo "chaos: ok"
