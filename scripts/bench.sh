#!/usr/bin/env bash
# Benchmark `troca cnab check` and `troca cnab parse` against `cat` on synthetic CNAB 240 retornos.
#
# usage: scripts/bench.sh [--quick] [--no-build] [--verify] [--strict] [--write N] [--banks N] [--boleto N] [--import N]
#                        [--watch N] [--letters N] [--reconcile] [--skip-cnab]
#
#   --quick     only the 100,000-título file (skip the 1,000,000-título one, ~484 MB)
#   --no-build  do not run `swift build -c release --static-swift-stdlib` first
#   --verify    run `gen-cnab240.py --verify` on each generated file (1M file: ~15 s)
#   --strict    exit 1 when a command fails or a target is missed (default: report only)
#   --write N   also time `troca cnab write` of N títulos from JSONL against `cat` of the file
#               written (target <= 12x): a 240 remessa of bank 999 (FEBRABAN's layout: the títulos
#               of one made by gen-cnab240.py, parsed untimed) and a Bradesco 400 one (the 400
#               sample's títulos repeated); then
#               `cnab simulate` of the 240 remessa and `cnab parse` of the simulated retorno
#   --banks N   also, for every bank and format with sample files (Fixtures/samples/cnabFFF/BBB):
#               a remessa of N títulos written with its layout (the sample's títulos repeated;
#               cnab write timed against `cat` of the file, target <= 12x), simulated into a
#               retorno of its layout (untimed), and that retorno timed through `cnab check` and
#               `cnab parse` against `cat` (the foundation targets: <= 4x, <= 10x, RSS <= 64 MiB)
#   --boleto N  also time `troca boleto make` of N JSONL títulos (scripts/gen-titles.py) against
#               `cat` of the same input in the same run: titles/s (target >= 500,000) and ratio
#   --import N  also time `troca import titles --map maps/titulos.json` of an N-row titles CSV
#               (scripts/gen-titles-csv.py, ~150 bytes a row: 1,000,000 rows ~ 150 MB) against
#               `cat` of the same file in the same run (target <= 10x), with its peak RSS
#   --watch N   also time pipelines and watched folders: `troca run` of a one-stage pipeline
#               (cnab parse) and a two-stage one (cnab parse → export csv) on a 100,000-título
#               retorno, against `cnab parse` alone and the same two stages in a shell pipe, and
#               `cat` of the file; then `troca watch --once` taking N small retornos (3.4 KB,
#               distinct) from an inbox: files per second, against `cat` of the N files
#   --letters N also time `troca letters render`: N letter jobs (N títulos of
#               scripts/gen-letter-titles.py, one party each, through `letters select` with the
#               sample ladder, untimed) to LST against `cat` of the LST written (target <= 25x),
#               and N/10 of them to PDF in pages/s (target >= 1,000), each with its peak RSS
#   --skip-cnab skip the CNAB check/parse section (e.g. with --import N alone)
#   --reconcile also time `troca reconcile` of 1,000,000 installments in 300,000 agreements
#               against 1,000,000 payments (scripts/gen-reconcile.py; RECONCILE_SCALE=0.1 for a
#               tenth) against `cat` of the same two files in the same run (target <= 40x), with
#               its peak RSS (target <= 1.5 GB)
#
# environment:
#   BENCH_DIR   keep the generated files here and reuse them on the next run
#               (default: a temp dir, removed at exit)
#   BENCH_RUNS  timed runs per command, best wall time wins (default 3)
#   TROCA       the binary to measure (default .build-static/release/troca: the release build as shipped, Swift runtime linked in)
#
# Every command runs on the same warm page cache (the file is read once before timing), so the
# ratios against `cat` compare CPU work, not disk. Wall time: best of BENCH_RUNS runs, measured
# by python3 around posix_spawn (no wrapper process in the timed runs). Peak RSS: one extra
# run under `/usr/bin/time -v`; without /usr/bin/time (apt-get install time), one extra run
# whose peak is the child's VmHWM sampled from /proc/PID/status, cross-checked with its
# ru_maxrss (getrusage(RUSAGE_CHILDREN) semantics, via wait4).
#
# Targets (issue tracker): parse <= 10x cat, check <= 4x cat, peak RSS <= 64 MiB on the 1M file.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }

quick=0 build=1 verify=0 strict=0 write=0 banks=0 boleto=0 import=0 watch=0 letters=0 cnab=1 reconcile=0
expect_write=0 expect_banks=0 expect_boleto=0 expect_import=0 expect_watch=0 expect_letters=0
for arg in "$@"; do
  if (( expect_banks )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --banks takes a number of títulos" >&2; exit 64; }
    banks=$arg; expect_banks=0; continue
  fi
  if (( expect_watch )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --watch takes a number of files" >&2; exit 64; }
    watch=$arg; expect_watch=0; continue
  fi
  if (( expect_letters )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --letters takes a number of letters" >&2; exit 64; }
    letters=$arg; expect_letters=0; continue
  fi
  if (( expect_boleto )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --boleto takes a number of títulos" >&2; exit 64; }
    boleto=$arg; expect_boleto=0; continue
  fi
  if (( expect_write )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --write takes a number of títulos" >&2; exit 64; }
    write=$arg; expect_write=0; continue
  fi
  if (( expect_import )); then
    [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --import takes a number of rows" >&2; exit 64; }
    import=$arg; expect_import=0; continue
  fi
  case "$arg" in
    --write) expect_write=1 ;;
    --banks) expect_banks=1 ;;
    --boleto) expect_boleto=1 ;;
    --import) expect_import=1 ;;
    --watch) expect_watch=1 ;;
    --letters) expect_letters=1 ;;
    --skip-cnab) cnab=0 ;;
    --reconcile) reconcile=1 ;;
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --verify) verify=1 ;;
    --strict) strict=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument: $arg" >&2; usage >&2; exit 64 ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GEN="$ROOT/scripts/gen-cnab240.py"
TROCA=${TROCA:-$ROOT/.build-static/release/troca}
RUNS=${BENCH_RUNS:-3}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: BENCH_RUNS must be a positive integer" >&2; exit 64; }
command -v python3 >/dev/null || { echo "bench.sh: python3 is required" >&2; exit 69; }

if (( build )); then
  echo "== swift build -c release --static-swift-stdlib --product troca" >&2
  swift build -c release --static-swift-stdlib --scratch-path "$ROOT/.build-static" --product troca >&2
fi
[[ -x "$TROCA" ]] || { echo "bench.sh: $TROCA is not an executable (build first, or set TROCA)" >&2; exit 66; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/troca-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if [[ -n "${BENCH_DIR:-}" ]]; then
  mkdir -p "$BENCH_DIR"
  dir=$(cd "$BENCH_DIR" && pwd)
else
  dir="$scratch"
fi

if [[ -x /usr/bin/time ]]; then
  rss_mode=time
else
  rss_mode=rusage
  echo "bench.sh: /usr/bin/time not found (install it: sudo apt-get install time);" \
       "falling back to VmHWM/getrusage(RUSAGE_CHILDREN) read by a python3 wrapper" >&2
fi

# The timing harness: bench-run.py RUNS RSS_MODE ERRFILE -- CMD ARGS...
# prints "best_wall_seconds peak_rss_kib exit_status" (exit status: first non-zero, else 0).
harness="$scratch/bench-run.py"
cat >"$harness" <<'PY'
import os, re, sys, time

runs, rss_mode, errfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
assert sys.argv[4] == "--"
cmd = sys.argv[5:]

def spawn(argv, poll_hwm=False):
    """Run argv with stdin/stdout on /dev/null and stderr to errfile.
    Returns (wall seconds, exit status, ru_maxrss KiB, polled VmHWM KiB)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, errfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    hwm = 0
    if poll_hwm:
        # VmHWM of the exec'ed program's own address space, sampled until it exits.
        status_path = "/proc/%d/status" % pid
        while True:
            try:
                with open(status_path) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            hwm = max(hwm, int(line.split()[1]))
            except OSError:
                pass
            wpid, status, ru = os.wait4(pid, os.WNOHANG)
            if wpid:
                break
            time.sleep(0.002)
    else:
        _, status, ru = os.wait4(pid, 0)
    return time.perf_counter() - t0, os.waitstatus_to_exitcode(status), ru.ru_maxrss, hwm

best, rc = float("inf"), 0
for _ in range(runs):
    seconds, status, _, _ = spawn(cmd)
    best = min(best, seconds)
    rc = rc or status

if rss_mode == "time":
    report = errfile + ".time"
    _, status, _, _ = spawn(["/usr/bin/time", "-v", "-o", report, "--"] + cmd)
    rc = rc or status
    with open(report) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    rss_kib = int(m.group(1)) if m else -1
else:
    # No /usr/bin/time. A child's ru_maxrss (getrusage(RUSAGE_CHILDREN) / wait4) also counts
    # the spawning python3's own memory at spawn time, so it is exact only above that floor;
    # below it, use the child's VmHWM sampled from /proc while it runs.
    floor = spawn(["true"])[2]
    _, status, maxrss, hwm = spawn(cmd, poll_hwm=True)
    rc = rc or status
    rss_kib = max(hwm, maxrss if maxrss > floor * 1.02 else 0)

print("%.6f %d %d" % (best, rss_kib, rc))
PY

# --- generate the files -------------------------------------------------------------------
sizes=(100000)
(( quick )) || sizes+=(1000000)
(( cnab )) || sizes=()
files=()
for n in "${sizes[@]+"${sizes[@]}"}"; do
  f="$dir/retorno-$n.ret"
  if [[ -s "$f" && -f "$f.ok" ]]; then
    echo "== reusing $f" >&2
  else
    echo "== generating $f ($n títulos)" >&2
    rm -f "$f.ok"
    t0=$(date +%s.%N)
    python3 "$GEN" --titles "$n" --direction retorno --seed 1 >"$f"
    t1=$(date +%s.%N)
    python3 -c 'import sys; print("   generated in %.1f s" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1" >&2
    touch "$f.ok"
  fi
  if (( verify )); then
    python3 "$GEN" --verify "$f"
  fi
  files+=("$f")
done

# --- measure ------------------------------------------------------------------------------
# measure NAME FILE CMD...  -> sets REPLY to "seconds rss_kib status"
measure() {
  local name=$1 file=$2; shift 2
  local err="$scratch/$name.$(basename "$file").err"
  REPLY=$(python3 "$harness" "$RUNS" "$rss_mode" "$err" -- "$@")
  local rc=${REPLY##* }
  if [[ "$rc" != 0 ]]; then
    {
      echo "bench.sh: '$*' exited with status $rc; its stderr (first lines):"
      head -n 5 "$err" | sed 's/^/    /'
    } >>"$scratch/failures"
  fi
}

rows="$scratch/rows"
: >"$rows"
for f in "${files[@]+"${files[@]}"}"; do
  echo "== measuring $(basename "$f") (best of $RUNS)" >&2
  cat "$f" >/dev/null   # warm the page cache once for all three commands
  measure cat "$f" cat "$f";                        cat_r=$REPLY
  measure check "$f" "$TROCA" cnab check "$f";      check_r=$REPLY
  measure parse "$f" "$TROCA" cnab parse "$f";      parse_r=$REPLY
  echo "$(basename "$f") $(stat -c %s "$f") $cat_r $check_r $parse_r" >>"$rows"
done

# --- report -------------------------------------------------------------------------------
status=0
if (( cnab )); then
echo
echo "troca bench — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPU(s), $TROCA, best of $RUNS, RSS via $rss_mode"
set +e
python3 - "$rows" <<'PY'
import sys

CHECK_MAX, PARSE_MAX, RSS_MAX_MIB = 4.0, 10.0, 64.0
missed = 0

def verdict(ok):
    global missed
    missed += 0 if ok else 1
    return "ok" if ok else "MISSED"

hdr = ("file", "size MB", "cat s", "check s", "check/cat", "parse s", "parse/cat",
       "check RSS MiB", "parse RSS MiB")
rows = []
for line in open(sys.argv[1]):
    (name, size, cat_s, cat_kib, cat_rc, chk_s, chk_kib, chk_rc,
     par_s, par_kib, par_rc) = line.split()
    cat_s, chk_s, par_s = float(cat_s), float(chk_s), float(par_s)
    chk_mib, par_mib = int(chk_kib) / 1024, int(par_kib) / 1024
    base = max(cat_s, 1e-6)
    rc_note = lambda rc: "" if rc == "0" else " (exit %s)" % rc
    failed = sum(rc != "0" for rc in (cat_rc, chk_rc, par_rc))
    missed += failed
    rows.append((
        name, "%.1f" % (int(size) / 1e6), "%.3f" % cat_s + rc_note(cat_rc),
        "%.3f" % chk_s + rc_note(chk_rc),
        "%.1fx (<=%gx %s)" % (chk_s / base, CHECK_MAX, verdict(chk_s / base <= CHECK_MAX)),
        "%.3f" % par_s + rc_note(par_rc),
        "%.1fx (<=%gx %s)" % (par_s / base, PARSE_MAX, verdict(par_s / base <= PARSE_MAX)),
        "%.1f (<=%g %s)" % (chk_mib, RSS_MAX_MIB, verdict(chk_mib <= RSS_MAX_MIB)),
        "%.1f (<=%g %s)" % (par_mib, RSS_MAX_MIB, verdict(par_mib <= RSS_MAX_MIB)),
    ))
widths = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
fmt = "  ".join("%%-%ds" % w if i == 0 else "%%%ds" % w for i, w in enumerate(widths))
print(fmt % hdr)
print(fmt % tuple("-" * w for w in widths))
for r in rows:
    print(fmt % r)
print()
print("targets: check <= %gx cat, parse <= %gx cat, peak RSS <= %g MiB on the 1,000,000-título file"
      % (CHECK_MAX, PARSE_MAX, RSS_MAX_MIB))
print("all targets met" if missed == 0 else "%d target(s) missed or command(s) failed" % missed)
sys.exit(1 if missed else 0)
PY
status=$?
set -e
fi

# --- writing (optional) -------------------------------------------------------------------
if (( write )); then
  rem="$dir/remessa-$write.rem"
  if [[ ! -s "$rem" ]]; then
    echo "== generating $rem ($write títulos)" >&2
    python3 "$GEN" --titles "$write" --direction remessa --seed 1 >"$rem"
  fi
  # Títulos for the 240 writer: the generated remessa's, parsed (untimed). For the 400 writer:
  # the Bradesco 400 sample's títulos, repeated to N lines.
  titles240="$scratch/titles-240.jsonl"
  "$TROCA" cnab parse "$rem" 2>/dev/null | grep '"record":"title"' >"$titles240" || true
  titles400="$scratch/titles-400.jsonl"
  "$TROCA" cnab parse "$ROOT/Fixtures/samples/cnab400/237/remessa.rem" 2>/dev/null | grep '"record":"title"' \
    | python3 -c 'import sys; t = sys.stdin.readlines(); n = int(sys.argv[1]); sys.stdout.write("".join(t[k % len(t)] for k in range(n)))' "$write" >"$titles400"
  echo "== measuring cnab write of $write títulos, 240 and 400 (best of $RUNS)" >&2
  wrows="$scratch/write-rows"
  : >"$wrows"
  for fmt in 240 400; do
    titles="$scratch/titles-$fmt.jsonl"
    out="$scratch/written-$fmt.rem"
    # The 240 títulos are gen-cnab240.py's (bank 999: FEBRABAN's layout, its 20-position nosso
    # número); the 400 ones Bradesco's sample's.
    bank=237; [[ $fmt == 240 ]] && bank=999
    measure write "$titles" "$TROCA" cnab write --bank "$bank" --format "$fmt" --date 2026-01-01 --time 00:00:00 "$titles" --output "$out"; w_r=$REPLY
    measure cat "$out" cat "$out"; c_r=$REPLY
    echo "write-$fmt $(stat -c %s "$out" 2>/dev/null || echo 0) $c_r $w_r" >>"$wrows"
  done
  sim="$scratch/simulated.ret"
  measure simulate "$rem" "$TROCA" cnab simulate "$rem" --date 2020-01-01 --output "$sim"; s_r=$REPLY
  measure cat "$sim" cat "$sim"; sc_r=$REPLY
  measure parse "$sim" "$TROCA" cnab parse "$sim"; sp_r=$REPLY
  echo "simulate+parse $(stat -c %s "$sim" 2>/dev/null || echo 0) $sc_r $s_r $sp_r" >>"$wrows"
  python3 - "$wrows" "$write" <<'PY'
import sys
rows, n = sys.argv[1], int(sys.argv[2])
print()
print("%-16s %8s %6s %7s %10s %8s" % ("writing", "size MB", "cat s", "troca s", "troca/cat", "RSS MiB"))
for line in open(rows):
    f = line.split()
    name, size, cat = f[0], int(f[1]), float(f[2])
    if name.startswith("write"):
        t, rss = float(f[5]), int(f[6]) / 1024
        ratio = t / max(cat, 1e-6)
        print("%-16s %8.1f %6.3f %7.3f %10s %8.1f" % (name + " " + str(n), size / 1e6, cat, t,
              "%.0fx (<=12x %s)" % (ratio, "ok" if ratio <= 12 else "MISSED"), rss))
    else:
        sim, srss, parse, prss = float(f[5]), int(f[6]) / 1024, float(f[8]), int(f[9]) / 1024
        print("%-16s %8.1f %6.3f %7.3f %10s %8.1f" % ("simulate " + str(n), size / 1e6, cat, sim, "%.0fx" % (sim / max(cat, 1e-6)), srss))
        print("%-16s %8.1f %6.3f %7.3f %10s %8.1f" % ("parse simulated", size / 1e6, cat, parse, "%.1fx" % (parse / max(cat, 1e-6)), prss))
PY
fi

# --- every bank's layouts (optional) -------------------------------------------------------
if (( banks )); then
  echo "== measuring every bank's layouts: $banks títulos each (best of $RUNS)" >&2
  brows="$scratch/bank-rows"
  : >"$brows"
  for sample in "$ROOT"/Fixtures/samples/cnab240/*/remessa.rem "$ROOT"/Fixtures/samples/cnab400/*/remessa.rem; do
    [[ -f "$sample" ]] || continue
    bank=$(basename "$(dirname "$sample")"); fmt=$(basename "$(dirname "$(dirname "$sample")")"); fmt=${fmt#cnab}
    titles="$dir/bank-$fmt-$bank-$banks.jsonl"
    rem="$dir/bank-$fmt-$bank-$banks.rem"
    ret="$dir/bank-$fmt-$bank-$banks.ret"
    # The sample's títulos repeated to N lines, with its file record first (untimed).
    "$TROCA" cnab parse "$sample" 2>/dev/null \
      | python3 -c 'import sys
n = int(sys.argv[1])
lines = sys.stdin.readlines()
head = [l for l in lines if l.startswith("{\"record\":\"file\",\"part\":\"header\"")][:1]
t = [l for l in lines if l.startswith("{\"record\":\"title\"")]
sys.stdout.write("".join(head + [t[k % len(t)] for k in range(n)]))' "$banks" >"$titles"
    measure write "$titles" "$TROCA" cnab write --bank "$bank" --format "$fmt" --date 2026-01-01 --time 00:00:00 "$titles" --output "$rem"; w_r=$REPLY
    measure cat "$rem" cat "$rem"; wc_r=$REPLY
    "$TROCA" cnab simulate "$rem" --date 2026-02-01 --seed 1 --output "$ret" 2>/dev/null || true
    cat "$ret" >/dev/null
    measure cat "$ret" cat "$ret"; c_r=$REPLY
    measure check "$ret" "$TROCA" cnab check "$ret"; k_r=$REPLY
    measure parse "$ret" "$TROCA" cnab parse "$ret"; p_r=$REPLY
    echo "$fmt $bank $(stat -c %s "$rem" 2>/dev/null || echo 0) $wc_r $w_r $(stat -c %s "$ret" 2>/dev/null || echo 0) $c_r $k_r $p_r" >>"$brows"
  done
  set +e
  python3 - "$brows" "$banks" <<'PY'
import sys
n = int(sys.argv[2])
missed = 0
print()
print("every bank's layouts, %d títulos each: remessa written, then its simulated retorno checked and parsed" % n)
print("%-9s %7s %8s %7s %10s %10s %7s %8s %8s %8s" % (
    "bank", "rem MB", "write s", "w/cat", "ret MB", "check/cat", "parse/cat", "parse s", "chk MiB", "par MiB"))
for line in open(sys.argv[1]):
    f = line.split()
    fmt, bank, rsize = f[0], f[1], int(f[2])
    wcat, write, wrc = float(f[3]), float(f[6]), f[8]
    size, cat, check, krss, krc, parse, prss, prc = int(f[9]), float(f[10]), float(f[13]), int(f[14]), f[15], float(f[16]), int(f[17]), f[18]
    w, k, p = write / max(wcat, 1e-6), check / max(cat, 1e-6), parse / max(cat, 1e-6)
    ok = k <= 4 and p <= 10 and krss / 1024 <= 64 and prss / 1024 <= 64 and krc == prc == "0"
    missed += 0 if ok else 1
    print("%-9s %7.1f %8.3f %6.0fx %10.1f %9.1fx %9.1fx %8.3f %8.1f %8.1f %s" % (
        "%s %s" % (bank, fmt), rsize / 1e6, write, w, size / 1e6, k, p, parse, krss / 1024, prss / 1024,
        ("ok" if ok else "MISSED") + ("" if wrc == "0" else " (write exit %s)" % wrc)))
print("targets: check <= 4x, parse <= 10x cat of the retorno, RSS <= 64 MiB (the foundation's); write <= 12x cat of the remessa")
sys.exit(1 if missed else 0)
PY
  (( $? == 0 )) || status=1
  set -e
fi

# --- boletos (optional) -------------------------------------------------------------------
if (( boleto )); then
  titles="$dir/titles-$boleto.jsonl"
  if [[ ! -s "$titles" ]]; then
    echo "== generating $titles ($boleto títulos)" >&2
    python3 "$ROOT/scripts/gen-titles.py" --titles "$boleto" --seed 1 >"$titles"
  fi
  cat "$titles" >/dev/null   # warm the page cache
  echo "== measuring boleto make of $boleto títulos (best of $RUNS)" >&2
  measure cat "$titles" cat "$titles"; bc_r=$REPLY
  measure boleto "$titles" "$TROCA" boleto make --as-of 2026-01-01 "$titles"; bm_r=$REPLY
  python3 - "$boleto" "$(stat -c %s "$titles")" $bc_r $bm_r <<'PY' || status=1
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
cat_s, cat_kib, cat_rc, make_s, make_kib, make_rc = sys.argv[3:9]
cat_s, make_s = float(cat_s), float(make_s)
rate = n / max(make_s, 1e-9)
print()
print("%-14s %8s %6s %7s %10s %12s %8s" % ("boleto make", "size MB", "cat s", "troca s", "troca/cat", "titles/s", "RSS MiB"))
print("%-14s %8.1f %6.3f %7.3f %10s %12s %8.1f%s" % (
    str(n), size / 1e6, cat_s, make_s, "%.1fx" % (make_s / max(cat_s, 1e-6)),
    "{:,.0f} ({})".format(rate, "ok" if rate >= 500000 else "MISSED"), int(make_kib) / 1024,
    "" if make_rc == "0" else " (exit %s)" % make_rc))
print("target: boleto make >= 500,000 titles/s end to end")
sys.exit(0 if rate >= 500000 and make_rc == "0" else 1)
PY
fi

# --- CSV import (optional) -----------------------------------------------------------------
if (( import )); then
  csv="$dir/titulos-$import.csv"
  if [[ -s "$csv" && -f "$csv.ok" ]]; then
    echo "== reusing $csv" >&2
  else
    echo "== generating $csv ($import rows)" >&2
    rm -f "$csv.ok"
    python3 "$ROOT/scripts/gen-titles-csv.py" --rows "$import" --seed 1 >"$csv"
    touch "$csv.ok"
  fi
  echo "== measuring import titles of $import rows (best of $RUNS)" >&2
  cat "$csv" >/dev/null   # warm the page cache for both commands
  measure cat "$csv" cat "$csv"; ic_r=$REPLY
  measure import "$csv" "$TROCA" import titles --map "$ROOT/maps/titulos.json" "$csv"; ii_r=$REPLY
  summary=$(tail -n 1 "$scratch/import.$(basename "$csv").err" 2>/dev/null || true)
  set +e
  python3 - "$(stat -c %s "$csv")" "$import" "$ic_r" "$ii_r" "$summary" <<'PY'
import sys
size, rows = int(sys.argv[1]), int(sys.argv[2])
cat_s, _, cat_rc = sys.argv[3].split()
imp_s, imp_kib, imp_rc = sys.argv[4].split()
cat_s, imp_s = float(cat_s), float(imp_s)
ratio = imp_s / max(cat_s, 1e-6)
print()
print("%-22s %8s %6s %8s %14s %8s" % ("import", "size MB", "cat s", "import s", "import/cat", "RSS MiB"))
print("%-22s %8.1f %6.3f %8.3f %14s %8.1f%s" % (
    "titles %d rows" % rows, size / 1e6, cat_s, imp_s, "%.1fx (<=10x %s)" % (ratio, "ok" if ratio <= 10 else "MISSED"),
    int(imp_kib) / 1024, "" if imp_rc == "0" else " (exit %s)" % imp_rc))
print("   %s" % sys.argv[5])
sys.exit(0 if ratio <= 10 and imp_rc == "0" else 1)
PY
  (( $? == 0 )) || status=1
  set -e
fi

# --- collection letters (optional) ------------------------------------------------------
if (( letters )); then
  samples="$ROOT/Fixtures/samples/letters"
  tpl=(--template "$samples/cobranca-30.txt" --template "$samples/lembrete-5.txt" --template "$samples/aviso-final-60.txt")
  jobs="$dir/letter-jobs-$letters.jsonl"
  if [[ ! -s "$jobs" ]]; then
    echo "== generating $jobs ($letters letters: títulos, then letters select, untimed)" >&2
    python3 "$ROOT/scripts/gen-letter-titles.py" --titles "$letters" --seed 1 >"$dir/letter-titles-$letters.jsonl"
    "$TROCA" letters select --ladder "$samples/regua.json" --as-of 2026-11-23 \
      --rules "$ROOT/Fixtures/samples/reconcile/regras.json" --index "$ROOT/Fixtures/samples/reconcile/indice-ilustrativo.csv" \
      "$dir/letter-titles-$letters.jsonl" --output "$jobs" 2>&1 | tail -n 1 >&2
  fi
  pdfjobs="$dir/letter-jobs-$letters-pdf.jsonl"
  head -n $(( (letters + 9) / 10 )) "$jobs" >"$pdfjobs"
  lst="$dir/CARTAS-$letters.LST"
  "$TROCA" letters render "${tpl[@]}" --format lst --as-of 2026-11-23 --output "$lst" "$jobs" 2>/dev/null
  cat "$jobs" "$lst" >/dev/null   # warm the page cache
  echo "== measuring letters render of $letters letters to LST and $(wc -l <"$pdfjobs") to PDF (best of $RUNS)" >&2
  measure cat "$lst" cat "$lst"; lc_r=$REPLY
  measure lst "$jobs" "$TROCA" letters render "${tpl[@]}" --format lst --as-of 2026-11-23 "$jobs"; ll_r=$REPLY
  measure pdf "$pdfjobs" "$TROCA" letters render "${tpl[@]}" --format pdf "$pdfjobs"; lp_r=$REPLY
  pdf_summary=$(tail -n 1 "$scratch/pdf.$(basename "$pdfjobs").err" 2>/dev/null || true)
  set +e
  python3 - "$letters" "$(stat -c %s "$lst")" "$lc_r" "$ll_r" "$lp_r" "$pdf_summary" <<'PY'
import re, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
cat_s, _, _ = sys.argv[3].split()
lst_s, lst_kib, lst_rc = sys.argv[4].split()
pdf_s, pdf_kib, pdf_rc = sys.argv[5].split()
m = re.search(r"PDF: (\d+) pages", sys.argv[6])
pages = int(m.group(1)) if m else 0
cat_s, lst_s, pdf_s = float(cat_s), float(lst_s), float(pdf_s)
ratio = lst_s / max(cat_s, 1e-6)
rate = pages / max(pdf_s, 1e-9)
print()
print("%-24s %8s %6s %8s %18s %8s" % ("letters render", "size MB", "cat s", "troca s", "result", "RSS MiB"))
print("%-24s %8.1f %6.3f %8.3f %18s %8.1f%s" % ("LST, %d letters" % n, size / 1e6, cat_s, lst_s,
      "%.1fx (<=25x %s)" % (ratio, "ok" if ratio <= 25 else "MISSED"), int(lst_kib) / 1024, "" if lst_rc == "0" else " (exit %s)" % lst_rc))
print("%-24s %8s %6s %8.3f %18s %8.1f%s" % ("PDF, %d pages" % pages, "", "", pdf_s,
      "%.0f p/s (%s)" % (rate, "ok" if rate >= 1000 else "MISSED"), int(pdf_kib) / 1024, "" if pdf_rc == "0" else " (exit %s)" % pdf_rc))
print("targets: LST <= 25x cat of the LST; PDF >= 1,000 pages/s; memory flat")
sys.exit(0 if ratio <= 25 and rate >= 1000 and lst_rc == "0" and pdf_rc == "0" else 1)
PY
  (( $? == 0 )) || status=1
  set -e
fi

# --- reconcile (optional) -----------------------------------------------------------------
if (( reconcile )); then
  scale=${RECONCILE_SCALE:-1}
  read -r n_agr n_inst n_pay < <(python3 -c 'import sys; s = float(sys.argv[1]); print(int(300000 * s), int(1000000 * s), int(1000000 * s))' "$scale")
  agr="$dir/acordos-$n_inst.jsonl"
  pay="$dir/payments-$n_pay.jsonl"
  if [[ -s "$agr" && -s "$pay" && -f "$agr.ok" ]]; then
    echo "== reusing $agr and $pay" >&2
  else
    echo "== generating $n_inst installments in $n_agr agreements and $n_pay payments" >&2
    rm -f "$agr.ok"
    python3 "$ROOT/scripts/gen-reconcile.py" --agreements "$n_agr" --installments "$n_inst" --payments "$n_pay" --seed 1 \
      --out-agreements "$agr" --out-payments "$pay"
    touch "$agr.ok"
  fi
  echo "== measuring reconcile (best of $RUNS)" >&2
  cat "$agr" "$pay" >/dev/null   # warm the page cache
  measure cat "$pay" cat "$agr" "$pay"; rc_r=$REPLY
  measure reconcile "$pay" "$TROCA" reconcile --agreements "$agr" --as-of 2026-11-23 "$pay"; rr_r=$REPLY
  summary=$(tail -n 2 "$scratch/reconcile.$(basename "$pay").err" 2>/dev/null || true)
  set +e
  python3 - "$(( $(stat -c %s "$agr") + $(stat -c %s "$pay") ))" "$n_inst" "$n_agr" "$n_pay" "$rc_r" "$rr_r" "$summary" <<'PY'
import sys
size, n_inst, n_agr, n_pay = map(int, sys.argv[1:5])
cat_s, _, cat_rc = sys.argv[5].split()
rec_s, rec_kib, rec_rc = sys.argv[6].split()
cat_s, rec_s = float(cat_s), float(rec_s)
ratio = rec_s / max(cat_s, 1e-6)
rss_mib = int(rec_kib) / 1024
print()
print("%-44s %8s %6s %8s %14s %16s" % ("reconcile", "size MB", "cat s", "troca s", "troca/cat", "RSS MiB"))
print("%-44s %8.1f %6.3f %8.3f %14s %16s%s" % (
    "%d inst. in %d agreements, %d payments" % (n_inst, n_agr, n_pay), size / 1e6, cat_s, rec_s,
    "%.1fx (<=40x %s)" % (ratio, "ok" if ratio <= 40 else "MISSED"),
    "%.0f (<=1536 %s)" % (rss_mib, "ok" if rss_mib <= 1536 else "MISSED"), "" if rec_rc == "0" else " (exit %s)" % rec_rc))
for line in sys.argv[7].splitlines():
    print("   %s" % line)
sys.exit(0 if ratio <= 40 and rss_mib <= 1536 and rec_rc == "0" else 1)
PY
  (( $? == 0 )) || status=1
  set -e
fi

# --- pipelines and watched folders (optional) ----------------------------------------------
if (( watch )); then
  ret="$dir/retorno-100000.ret"
  if [[ ! -s "$ret" ]]; then
    echo "== generating $ret" >&2
    python3 "$GEN" --titles 100000 --direction retorno --seed 1 >"$ret"
  fi
  cat "$ret" >/dev/null
  echo '{"stages": [{"stage": "cnab parse", "args": ["{input}"]}]}' >"$scratch/one.json"
  echo '{"stages": [{"stage": "cnab parse", "args": ["{input}"]}, {"stage": "export csv", "args": ["--record", "event", "--columns", "nosso_numero,event,paid_cents"]}]}' >"$scratch/two.json"
  echo "== measuring troca run on $(basename "$ret") (best of $RUNS)" >&2
  measure cat "$ret" cat "$ret"; wc_r=$REPLY
  measure parse "$ret" "$TROCA" cnab parse "$ret" --output "$scratch/p.jsonl"; wp_r=$REPLY
  measure run1 "$ret" "$TROCA" run "$scratch/one.json" "$ret" --output "$scratch/r1.jsonl"; w1_r=$REPLY
  measure pipe "$ret" bash -c "'$TROCA' cnab parse '$ret' 2>/dev/null | '$TROCA' export csv --record event --columns nosso_numero,event,paid_cents > '$scratch/pipe.csv'"; wpp_r=$REPLY
  measure run2 "$ret" "$TROCA" run "$scratch/two.json" "$ret" --output "$scratch/r2.csv"; w2_r=$REPLY
  cmp -s "$scratch/p.jsonl" "$scratch/r1.jsonl" || echo "bench.sh: troca run's output differs from cnab parse's" >>"$scratch/failures"
  cmp -s "$scratch/pipe.csv" "$scratch/r2.csv" || echo "bench.sh: troca run's CSV differs from the shell pipe's" >>"$scratch/failures"
  echo "== measuring troca watch --once on $watch files" >&2
  set +e
  python3 - "$TROCA" "$ROOT/Fixtures/samples/RETORNO-240.ret" "$scratch/w" "$watch" "$(stat -c %s "$ret")" $wc_r $wp_r $w1_r $wpp_r $w2_r <<'PY'
import os, subprocess, sys, time
troca, sample, root, n, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
r = [sys.argv[6 + 3 * k : 9 + 3 * k] for k in range(5)]
cat_s, parse_s, run1_s, pipe_s, run2_s = (float(x[0]) for x in r)
print()
print("%-34s %8s %8s %10s %8s" % ("pipelines, 100,000 títulos", "size MB", "s", "x cat", "RSS MiB"))
for label, (s, kib, rc) in zip(["cat", "cnab parse --output", "troca run (cnab parse)", "shell: cnab parse | export csv", "troca run (cnab parse, export csv)"], r):
    print("%-34s %8.1f %8.3f %10.1f %8.1f%s" % (label, size / 1e6, float(s), float(s) / max(cat_s, 1e-6), int(kib) / 1024, "" if rc == "0" else " (exit %s)" % rc))
print("troca run / cnab parse: %.2fx; troca run (2 stages) / shell pipe: %.2fx" % (run1_s / parse_s, run2_s / pipe_s))
body = open(sample, "rb").read().split(b"\r\n")
os.makedirs(root + "/banco/inbox")
open(root + "/p.json", "w").write('{"stages": [{"stage": "cnab parse", "args": ["{input}"]}], "output": "{out}/{name}.jsonl"}')
open(root + "/w.json", "w").write('{"folder": "banco", "settle_seconds": 0, "poll_seconds": 0.05, "log": "w.log", "rules": [{"pattern": "*.ret", "pipeline": "p.json"}]}')
for i in range(n):
    lines = list(body)
    lines[0] = lines[0][:72] + (b"BENCH %08d" % i).ljust(30) + lines[0][102:]
    open(root + "/banco/inbox/F%06d.ret" % i, "wb").write(b"\r\n".join(lines))
t = time.perf_counter()
subprocess.run(["cat"] + [root + "/banco/inbox/" + f for f in sorted(os.listdir(root + "/banco/inbox"))], stdout=subprocess.DEVNULL)
cat_n = time.perf_counter() - t
t = time.perf_counter()
rc = subprocess.run([troca, "watch", "--config", root + "/w.json", "--once"]).returncode
watch_s = time.perf_counter() - t
done = sum(len(fs) for _, _, fs in os.walk(root + "/banco/done"))
print()
print("troca watch --once: %d files of %d bytes in %.2f s: %.0f files/s (cat of them: %.3f s); %d done, exit %d"
      % (n, len(b"\r\n".join(body)), watch_s, n / watch_s, cat_n, done, rc))
sys.exit(0 if rc == 0 and done == n else 1)
PY
  (( $? == 0 )) || status=1
  set -e
fi

if [[ -s "$scratch/failures" ]]; then
  echo >&2
  cat "$scratch/failures" >&2
fi
if (( strict )); then
  exit "$status"
fi
exit 0
