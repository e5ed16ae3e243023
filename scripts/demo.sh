#!/usr/bin/env bash
# The README's first command: Troca's nightly job on the bundled sample set
# (Fixtures/samples/nightly, written by scripts/gen-nightly-samples.py), in a temporary directory:
# import clients and títulos → boletos → a Bradesco CNAB 240 remessa → the bank's simulated
# retorno → parse → Pix/cash payments → the agreements imported from the collection system's CSV →
# reconcile against them → debt update of the open títulos → the collection ladder's letters as
# text, LST and PDF. Then the retorno part again as one pipeline (troca run
# Fixtures/samples/nightly/nightly.json), and a damaged retorno.
# Any step that fails unexpectedly stops the demo with its messages and a non-zero exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
echo "== building troca"
swift build --product troca 2>&1 | tail -1
troca="$root/.build/debug/troca"
samples="$root/Fixtures/samples/nightly"
letters="$root/Fixtures/samples/letters"
rules="$root/Fixtures/samples/reconcile/regras.json"
index="$root/Fixtures/samples/reconcile/indice-ilustrativo.csv"
asof=2026-11-23
work="$(mktemp -d "${TMPDIR:-/tmp}/troca-demo.XXXXXX")"
cd "$work"

# step "TITLE" ALLOWED_EXITS LOG -- troca arguments…
# Runs one stage with its stderr in LOG, prints the stage's summary lines (and any rejects),
# and stops the demo unless the exit status is one of ALLOWED_EXITS (e.g. "0" or "0 65").
step() {
  local title=$1 allowed=$2 log=$3
  shift 4
  echo
  echo "== $title"
  local status=0
  "$troca" "$@" 2>"$log" || status=$?
  grep -E '^troca: [a-z ]+: |(error|warning): \[' "$log" | sed 's/^/   /' | cut -c1-400 || true
  case " $allowed " in
    *" $status "*) [[ $status -eq 0 ]] || echo "   (exit $status, expected here: see above)" ;;
    *) echo "demo: step failed: troca $* (exit $status)" >&2; cat "$log" >&2; exit 1 ;;
  esac
}
wrote() { echo "   → $*"; }

step "import parties: the ERP's client register (CSV ,) → party records" 0 parties.err -- \
  import parties --map "$root/maps/clientes.json" "$samples/clientes.csv" --output clientes.jsonl
wrote clientes.jsonl

step "import titles: open títulos (CSV ';', R\$ 1.234,56, dd/MM/yyyy; the account's constants from the map)" 0 titles.err -- \
  import titles --map "$samples/titulos.map.json" "$samples/titulos.csv" --output titulos.jsonl
wrote titulos.jsonl

step "boleto make: nosso número completed, its DV apart, barcode and linha digitável" 0 boleto.err -- \
  boleto make --as-of 2026-08-01 titulos.jsonl --output boletos.jsonl
wrote "boletos.jsonl (first linha digitável: $(grep -m1 -o '"linha_digitavel":"[0-9]*"' boletos.jsonl | cut -d'"' -f4))"

mkdir -p remessa
step "cnab write: the Bradesco (237) CNAB 240 remessa, NSA kept in nsa.txt, named by the bank's rule" 0 write.err -- \
  cnab write --bank 237 --format 240 --date 2026-08-01 --time 21:00:00 --sequence-file nsa.txt --output remessa/ boletos.jsonl
rem=$(ls remessa/*.REM)
wrote "$rem (Bradesco's CBDDMMnn.REM); NSA stored in nsa.txt: $(cat nsa.txt)"

step "cnab simulate: the retorno the bank could send back (half paid, seed 7)" 0 simulate.err -- \
  cnab simulate "$rem" --paid 0.5 --seed 7 --date 2026-08-01 --output retorno.ret
wrote retorno.ret

echo
echo "== cnab check: the retorno's structure"
"$troca" cnab check retorno.ret 2>check.err | sed 's/^/   /' || { echo "demo: cnab check failed" >&2; cat check.err >&2; exit 1; }
step "cnab parse: the retorno's events" 0 parse.err -- cnab parse retorno.ret --output eventos.jsonl
echo "   events by kind:" $(grep -o '"event":"[a-z_]*"' eventos.jsonl | sort | uniq -c | sed 's/"event"://; s/"//g' | tr -s ' \n' ' ')
wrote eventos.jsonl

step "import payments: Pix and cash received outside the bank" 0 payments.err -- \
  import payments --map "$root/maps/baixas.json" "$samples/baixas.csv" --output pagamentos.jsonl
wrote pagamentos.jsonl

# The collection system's export of the same five agreements as $samples/acordos.jsonl (a test
# keeps the two equal), one row per parcela.
step "import agreements: the acordos (CSV ';', one row per parcela) → agreement records, checked as reconcile checks them" 0 agreements.err -- \
  import agreements --map "$root/maps/acordos.json" "$root/Fixtures/samples/imports/acordos.csv" --output acordos.jsonl
wrote acordos.jsonl

# Paid events of títulos in no agreement are reported as unmatched: reconcile looks only at agreements.
step "reconcile: paid events + payments against the agreements (acordos), as of $asof" "0 65" reconcile.err -- \
  reconcile --agreements acordos.jsonl --as-of "$asof" --rules "$rules" --index "$index" \
  eventos.jsonl pagamentos.jsonl --output conciliacao.jsonl
statuses=$(python3 -c "
import json
for r in map(json.loads, open('conciliacao.jsonl')):
    if r['record'] == 'agreement_status': print(r['agreement_id'], r['status'], end='; ')")
echo "   agreements: $statuses"
wrote conciliacao.jsonl

# No stage drops the títulos that were paid, so this inline filter does: a título stays open
# unless the retorno paid its nosso número or a payment names its document number.
python3 - <<'PY'
import json
paid_nn = {r["nosso_numero"] for r in map(json.loads, open("eventos.jsonl")) if r.get("event") == "paid"}
paid_doc = {r["document_number"] for r in map(json.loads, open("pagamentos.jsonl"))}
with open("abertos.jsonl", "w") as out:
    for line in open("boletos.jsonl"):
        r = json.loads(line)
        if r.get("nosso_numero") not in paid_nn and r.get("document_number") not in paid_doc:
            out.write(line)
PY
echo
echo "== open títulos (inline filter: not paid in the retorno nor by a payment): $(wc -l < abertos.jsonl) of $(wc -l < titulos.jsonl)"
wrote abertos.jsonl

step "update: the open títulos' debt as of $asof (multa 2%, juros 1% a.m., correção, honorários 10%)" 0 update.err -- \
  update --as-of "$asof" --rules "$rules" --index "$index" abertos.jsonl --output atualizacao.jsonl
owed=$(python3 -c "
import json
rs = [json.loads(l) for l in open('atualizacao.jsonl')]
u = [r for r in rs if r['record'] == 'update']
brl = lambda c: 'R\$ ' + f'{c // 100:,}'.replace(',', '.') + f',{c % 100:02d}'
print(brl(sum(r['principal_cents'] for r in u)), 'at face value,', brl(sum(r['total_cents'] for r in u)), 'updated,',
      sum(r['record'] == 'demonstrativo' for r in rs), 'payers')")
echo "   open debt: $owed"
wrote atualizacao.jsonl

# Parties in a current agreement get no letter: the agreement_status records go in with the títulos.
{ cat abertos.jsonl; grep '"record":"agreement_status"' conciliacao.jsonl; } > selecao.jsonl
step "letters select: the ladder's step for each overdue payer (history + --commit: never the same letter twice)" "0 65" select.err -- \
  letters select --ladder "$letters/regua.json" --as-of "$asof" --history enviadas.jsonl --commit \
  --rules "$rules" --index "$index" selecao.jsonl --output cartas.jsonl --rejects cartas-rejeitadas.jsonl
echo "   letters by step:" $(grep -o '"step":"[a-z0-9-]*"' cartas.jsonl | sort | uniq -c | sed 's/"step"://; s/"//g' | tr -s ' \n' ' ')
wrote "cartas.jsonl, cartas-rejeitadas.jsonl; history enviadas.jsonl ($(wc -l < enviadas.jsonl) letters)"

step "letters select again, same day: the history already has every letter (none written twice)" "0 65" select2.err -- \
  letters select --ladder "$letters/regua.json" --as-of "$asof" --history enviadas.jsonl \
  --rules "$rules" --index "$index" selecao.jsonl --output cartas-de-novo.jsonl
wrote "cartas-de-novo.jsonl ($(wc -l < cartas-de-novo.jsonl | tr -d ' ') letters)"

templates=(--template "$letters/cobranca-30.txt" --template "$letters/lembrete-5.txt" --template "$letters/aviso-final-60.txt")
step "letters render: text" 0 render-text.err -- letters render "${templates[@]}" --format text --output cartas.txt cartas.jsonl
wrote cartas.txt
step "letters render: LST for the enveloping machine" 0 render-lst.err -- \
  letters render "${templates[@]}" --format lst --as-of "$asof" --output CARTAS.LST cartas.jsonl
wrote CARTAS.LST
step "letters render: PDF" 0 render-pdf.err -- letters render "${templates[@]}" --format pdf --output cartas.pdf cartas.jsonl
wrote cartas.pdf

step "troca run nightly.json: retorno → parse → reconcile → agreements spreadsheet, as one pipeline" "0 65" run.err -- \
  run "$samples/nightly.json" retorno.ret --date "$asof"
LC_ALL=C sed -e "1s/^$(printf '\357\273\277')//" "acordos-$asof.csv" | tr -d '\r' | sed 's/^/   /'
wrote "acordos-$asof.csv (--excel-br: ';', decimal comma, BOM, CRLF)"

echo
echo "== a damaged retorno: data de ocorrência 31/02/2026 in line 4 (a rejected line, the rest still parsed)"
python3 - <<'PY'
data = open("retorno.ret", "rb").read().split(b"\r\n")
data[3] = data[3][:137] + b"31022026" + data[3][145:]
open("DANIFICADO.ret", "wb").write(b"\r\n".join(data))
PY
step "cnab parse DANIFICADO.ret" 65 damaged.err -- cnab parse DANIFICADO.ret --output danificado.jsonl --rejects rejeitadas.jsonl
wrote "danificado.jsonl, rejeitadas.jsonl ($(wc -l < rejeitadas.jsonl) rejected lines: the bad one and its título's other segments, each with file, line, code and raw bytes)"

echo
echo "== files in $work"
find . -type f ! -name '*.err' ! -name '*.lock' | sort | while read -r f; do
  printf '%8s  %s\n' "$(wc -c < "$f" | tr -d ' ')" "${f#./}"
done
