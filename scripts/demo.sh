#!/usr/bin/env bash
# The README's first command: Troca's job on bundled sample data, in a temporary directory.
# Today: check and parse a CNAB 240 retorno and remessa (synthetic files of ours, written from
# the FEBRABAN manual), count the events by kind, show what a rejected line looks like, read a
# CNAB 400 retorno, and write the títulos back into a remessa.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
echo "== building troca"
swift build --product troca 2>&1 | tail -1
troca="$root/.build/debug/troca"
work="$(mktemp -d "${TMPDIR:-/tmp}/troca-demo.XXXXXX")"
cp Fixtures/samples/RETORNO-240.ret Fixtures/samples/REMESSA-240.rem "$work/"
cd "$work"

echo
echo "== troca cnab check: structure of the bank files"
"$troca" cnab check RETORNO-240.ret REMESSA-240.rem 2>/dev/null

echo
echo "== troca cnab parse RETORNO-240.ret > events.jsonl"
"$troca" cnab parse RETORNO-240.ret --output events.jsonl 2>&1 | grep 'cnab parse:' || true
echo "events by kind:"
grep -o '"event":"[a-z_]*"' events.jsonl | sort | uniq -c | sed 's/"event"://; s/"//g'
echo "first event:"
grep -m1 '"record":"event"' events.jsonl | cut -c1-300
echo "..."

echo
echo "== troca cnab parse REMESSA-240.rem > titles.jsonl"
"$troca" cnab parse REMESSA-240.rem --output titles.jsonl 2>&1 | grep 'cnab parse:' || true
echo "títulos: $(grep -c '"record":"title"' titles.jsonl)"

echo
echo "== a damaged copy: data de ocorrência 31/02/2026 in line 4"
python3 - <<'PY'
data = open("RETORNO-240.ret", "rb").read().split(b"\r\n")
data[3] = data[3][:137] + b"31022026" + data[3][145:]
open("DAMAGED.ret", "wb").write(b"\r\n".join(data))
PY
set +e
"$troca" cnab parse DAMAGED.ret --output damaged.jsonl --rejects rejects.jsonl 2>&1 | grep -v generic-layout
echo "exit status: $?  (65: records were rejected; the valid ones are in damaged.jsonl)"
set -e
echo "rejects.jsonl: $(wc -l < rejects.jsonl) rejected lines, each with file, line, column, code and raw bytes"

echo
echo "== troca cnab parse: a Bradesco CNAB 400 retorno (its bank's layout, chosen from the header)"
cp "$root/Fixtures/samples/cnab400/237/retorno.ret" BRADESCO-400.ret
"$troca" cnab parse BRADESCO-400.ret --output events400.jsonl 2>&1 | grep 'cnab parse:' || true
grep -o '"event":"[a-z_]*"' events400.jsonl | sort | uniq -c | sed 's/"event"://; s/"//g'

echo
echo "== troca boleto make: barcode and linha digitável for each título of a Bradesco CNAB 240 remessa"
cp "$root/Fixtures/samples/cnab240/237/remessa.rem" BRADESCO-240.rem
status=0
"$troca" cnab parse BRADESCO-240.rem 2>/dev/null | "$troca" boleto make --as-of 2026-01-01 > boletos.jsonl 2>boleto.err || status=$?
grep 'boleto make:' boleto.err
if [[ $status -ne 0 ]]; then
  echo "demo: boleto make failed (exit $status)" >&2
  cat boleto.err >&2
  exit 1
fi
line=$(grep -o '"linha_digitavel":"[0-9]*"' boletos.jsonl | head -1 | cut -d'"' -f4)
echo "first linha digitável: $line, decoded:"
"$troca" boleto decode --as-of 2026-01-01 "$line" 2>/dev/null | cut -c1-160

echo
echo "== troca import titles: an ERP's CSV export (';', R\$ 1.234,56, dd/MM/yyyy, CPF/CNPJ checked) → title records"
"$troca" import titles --map "$root/maps/titulos.json" "$root/Fixtures/samples/imports/titulos.csv" --output imported.jsonl 2>&1 | grep 'import titles:'
echo "and back to a spreadsheet (troca export csv --excel-br):"
"$troca" export csv --columns document_number,due_date,amount_cents,payer.name --excel-br --output planilha.csv < imported.jsonl 2>/dev/null
sed -e '1s/^\xEF\xBB\xBF//' planilha.csv | head -3

echo
echo "== troca cnab write: the títulos back into a remessa (NSA kept in nsa.txt), read again"
grep '"record":"title"' titles.jsonl > titles-only.jsonl
# The sample's bank, 999, has no layout of its own: the remessa is FEBRABAN's.
status=0
"$troca" cnab write --bank 999 --format 240 titles-only.jsonl --sequence-file nsa.txt --output NEW.rem 2>write.err || status=$?
grep 'cnab write:' write.err
if [[ $status -ne 0 ]]; then
  echo "demo: cnab write failed (exit $status)" >&2
  cat write.err >&2
  exit 1
fi
"$troca" cnab check NEW.rem 2>/dev/null
echo "next remessa number in nsa.txt: $(cat nsa.txt)"

echo
echo "== troca letters: the collection ladder picks today's letters, rendered as text, LST and PDF"
letters="$root/Fixtures/samples/letters"
cp "$letters/sent.jsonl" sent.jsonl
"$troca" letters select --ladder "$letters/regua.json" --as-of 2026-11-23 --history sent.jsonl --commit \
  --rules "$root/Fixtures/samples/reconcile/regras.json" --index "$root/Fixtures/samples/reconcile/indice-ilustrativo.csv" \
  "$letters/titulos.jsonl" --output jobs.jsonl 2>&1 | grep -E 'letters select:|letters.address' || true
templates=(--template "$letters/cobranca-30.txt" --template "$letters/lembrete-5.txt" --template "$letters/aviso-final-60.txt")
"$troca" letters render "${templates[@]}" --format text --output cartas.txt jobs.jsonl 2>&1 | grep 'letters render:'
"$troca" letters render "${templates[@]}" --format lst --as-of 2026-11-23 --output CARTAS.LST jobs.jsonl 2>&1 | grep 'letters render:'
"$troca" letters render "${templates[@]}" --format pdf --output cartas.pdf jobs.jsonl 2>&1 | grep 'letters render:'
echo "first letter (text):"
sed -n '1,30p' cartas.txt
echo "history now has $(wc -l < sent.jsonl) letters (run select again: they are skipped as already sent)"

echo
echo "files are in $work"
