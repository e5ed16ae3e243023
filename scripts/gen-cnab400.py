#!/usr/bin/env python3
"""Write the synthetic CNAB 400 sample files under Fixtures/samples/cnab400/<bank>/.

For each main bank (001, 033, 104, 237, 341, 748, 756; --bank for another one with remessa,
retorno and occurrences layouts), this writes:

    remessa.rem  header, 4 títulos (one with a payer name longer than its field, which is cut to
                 the field), one complement record where the layout has a known one, trailer
    retorno.ret  header, one título per event: registered, rejected, paid, written_off (an event the
                 bank's occurrence table has no code for is left out: Sicoob has no rejection), trailer

Positions, pictures, formats, enum tables and defaults are read from the layout JSON files (with
`extends` resolved); this script only knows *values*, keyed by the layouts' output names (`to`),
e.g. `due_date`, `amount_cents`, `payer.name`. A field without a value is written as its
`default`, or zeros (picture 9) / blanks (picture X). Movement codes come from the bank's
occurrences.json (the first code whose event matches). Every line is exactly 400 bytes, ends
with CRLF, and carries its line number in 395-400.

Limits: nosso número check digits and bank-specific identifier compositions are not computed
(the digits are a plain sequence); payer CPF/CNPJ do carry valid check digits.

Deterministic: no clock, no randomness. Standard library only.

    scripts/gen-cnab400.py             # (re)write every bank's samples
    scripts/gen-cnab400.py --check     # exit 1 if a file on disk differs from what would be written
"""

import argparse
import datetime
import json
import os
import re
import sys

from brdocs import cnpj, cpf, dv_bradesco, dv_santander, dv_sicoob
import samplefiles

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYOUTS = os.path.join(ROOT, "layouts")
OUT = os.path.join(ROOT, "Fixtures", "samples", "cnab400")
LENGTH = 400

GENERATED = datetime.date(2026, 3, 2)

# Complement records written after the first título's detail, per bank: record name -> values.
COMPLEMENTS = {
    "001": ("detalhe_multa", {"fine.code": "2", "fine.date": datetime.date(2026, 4, 11), "fine.value": 200}),
    "104": ("detalhe_mensagem", {"print.message_5": "NAO RECEBER APOS 30 DIAS DO VENCIMENTO"}),
    "237": ("detalhe_mensagem", {"message_1": "NAO RECEBER APOS 30 DIAS DO VENCIMENTO"}),
    "341": ("detalhe_multa", {"fine.code": "2", "fine.date": datetime.date(2026, 4, 11), "fine.value": 200}),
    "748": ("detalhe_informativo", {"message_1": "NAO RECEBER APOS 30 DIAS DO VENCIMENTO"}),
}

# Preferred codes per event (the first one the bank's table maps to that event wins).
EVENT_CODES = {
    "registered": ["02", "01"],
    "rejected": ["03", "99"],
    "paid": ["06", "21"],
    "written_off": ["09", "10", "02", "23"],
}

# Bank-specific título values (carteira codes, Sicredi's letter codes and nosso número shape).
BANK_TITLE = {
    "001": {"carteira": "17", "carteira_variation": "019"},
    "033": {"carteira": "5"},
    "104": {"carteira": "01", "issuer": "2", "distribution": "0", "currency": "1"},
    "237": {"carteira": "9", "issuer": "2"},
    "341": {"carteira": "109"},
    "748": {"carteira": "A", "species": "A", "currency": "A", "discount.code": "A", "interest.code": "A", "issuer": "B"},
    "756": {"carteira": "01", "issuer": "2", "distribution": "2", "currency": "9"},
}

PAYERS = [
    ("MARIA DAS GRACAS OLIVEIRA", "RUA DAS ACACIAS 120", "JD AMERICA", "30421150", "BELO HORIZONTE", "MG", "cpf"),
    ("COMERCIO DE FERRAGENS 3 IRMAOS", "AV BRASIL 4500 GALPAO 3", "CENTRO", "87013000", "MARINGA", "PR", "cnpj"),
    ("JOAO PEDRO DE ALCANTARA FRANCISCO ANTONIO JOAO CARLOS XAVIER DE PAULA MIGUEL RAFAEL",
     "RUA DO IMPERADOR 1822 APTO 7", "CENTRO", "25620000", "PETROPOLIS", "RJ", "cpf"),
    ("ASSOC MORADORES BAIRRO ALTO", "TRAVESSA SAO JOSE 15", "BAIRRO ALTO", "80045210", "CURITIBA", "PR", "cnpj"),
]




def load(name):
    with open(os.path.join(LAYOUTS, name + ".json"), encoding="utf-8") as f:
        d = json.load(f)
    if d.get("extends"):
        parent = load(d["extends"])
        records = {r["name"]: r for r in parent["records"]}
        order = [r["name"] for r in parent["records"]]
        for r in d["records"]:
            if r["name"] not in records:
                order.append(r["name"])
            records[r["name"]] = r
        d["records"] = [records[n] for n in order]
    return d


def picture_kind(picture):
    return "9" if picture.startswith("9") else "X"


def span(field):
    return field["pos"][1] - field["pos"][0] + 1


def ascii_upper(text):
    return text.encode("ascii", "replace").decode("ascii").upper()


class Truncations:
    count = 0


def render_field(field, value, where):
    width = span(field)
    kind = picture_kind(field["picture"])
    fmt = field.get("format")
    if value is None:
        if "default" in field:
            return field["default"]
        return ("0" if kind == "9" else " ") * width
    if fmt in ("ddMMyy", "ddMMyyyy", "yyyyMMdd"):
        text = {"ddMMyy": "%d%m%y", "ddMMyyyy": "%d%m%Y", "yyyyMMdd": "%Y%m%d"}[fmt]
        out = value.strftime(text)
    elif fmt == "enum":
        raw = [k for k, v in field["enum"].items() if v == value]
        if not raw:
            raise SystemExit(f"{where}: {field['name']}: no raw value for {value!r}")
        out = raw[0]
    elif isinstance(value, int):
        out = str(value).rjust(width, "0")
    else:
        out = str(value)
    if kind == "9":
        if not out.isdigit():
            raise SystemExit(f"{where}: {field['name']}: {out!r} is not digits")
        if len(out) > width:
            raise SystemExit(f"{where}: {field['name']}: {out!r} does not fit in {width} digits")
        return out.rjust(width, "0")
    out = ascii_upper(out)
    if len(out) > width:
        Truncations.count += 1
        out = out[:width]
    return out.ljust(width)


def render(record, values, sequence, where):
    """One 400-byte line: values keyed by `to` (split across fields sharing a `to`, in order)."""
    by_to = {}
    for f in record["fields"]:
        if f.get("to"):
            by_to.setdefault(f["to"], []).append(f)
    line = []
    consumed = {}
    for f in record["fields"]:
        to = f.get("to")
        value = None
        if to == "_sequence":
            value = sequence
        elif to == "_record_type":
            value = f.get("default")
        elif to in values:
            value = values[to]
            group = by_to[to]
            if len(group) > 1 and isinstance(value, str):
                total = sum(span(g) for g in group)
                text = value.rjust(total, "0") if value.isdigit() else value.ljust(total)
                start = consumed.get(to, 0)
                value = text[start:start + span(f)]
                consumed[to] = start + span(f)
        line.append(render_field(f, value, where))
    text = "".join(line)
    if len(text) != LENGTH:
        raise SystemExit(f"{where}: {record['name']} rendered {len(text)} bytes")
    return text


def role(layout, name):
    return [r for r in layout["records"] if r["role"] == name and not r.get("fallback")]


def main_detail(layout):
    return [r for r in role(layout, "detail") if r.get("starts_group")][0]


def codes_for(occ):
    out = {}
    for event, prefs in EVENT_CODES.items():
        movements = occ["movements"]
        pick = [c for c in prefs if c in movements and movements[c]["event"] == event]
        if not pick:
            pick = [c for c in sorted(movements) if movements[c]["event"] == event]
        if pick:
            out[event] = pick[0]
    return out


def common(bank, direction):
    return {
        "bank": bank,
        "direction": direction,
        "service_type": "01",
        "generated_on": GENERATED,
        "file_sequence": 42,
        "company.name": "TROCA COBRANCAS EXEMPLO LTDA",
        "company.document_type": "cnpj",
        "company.document": cnpj("112223330001"),
        "agency": "1234",
        "agency_digit": "5",
        "account": "12345",
        "account_digit": "6",
        "convenio": "12345",
        "bank_name": "BANCO " + bank,
    }


def title(i, bank, with_payer=True):
    name, street, district, cep, city, state, kind = PAYERS[i % len(PAYERS)]
    values = {
        "nosso_numero": str(1001 + i),
        "document_number": f"DOC{i + 1:04d}",
        "company_use": f"TROCA-{i + 1:06d}",
        "due_date": datetime.date(2026, 4, 10) + datetime.timedelta(days=7 * i),
        "issue_date": datetime.date(2026, 3, 2),
        "amount_cents": [19990, 135075, 8800, 250000][i % 4],
        "species": "01",
        "acceptance": "N",
    }
    values.update(BANK_TITLE.get(bank, {}))
    # The nosso número's check digit, in its own positions where the layout has them.
    nn = values["nosso_numero"]
    if bank == "033":
        values["nosso_numero_digit"] = dv_santander(nn.zfill(12))
    elif bank == "237":
        values["nosso_numero_digit"] = dv_bradesco(values["carteira"].zfill(2), nn.zfill(11))
    elif bank == "756":
        values["nosso_numero_digit"] = dv_sicoob("1234", "12345".zfill(10), nn.zfill(7))  # the agency and convênio of common()
    if bank == "748":
        values["nosso_numero"] = f"262{1001 + i:05d}0"  # AA B NNNNN D (B.2), DV not computed
    if with_payer:
        values.update({
            "payer.document_type": kind,
            "payer.document": cpf(f"{123456780 + i:09d}") if kind == "cpf" else cnpj(f"{22333444 + i:08d}0001"),
            "payer.name": name,
            "payer.address.street": street,
            "payer.address.district": district,
            "payer.address.cep": cep,
            "payer.address.city": city,
            "payer.address.state": state,
        })
    return values


def fit_code(record, to, code):
    """The movement code, as wide as the layout's field."""
    for f in record["fields"]:
        if f.get("to") == to:
            return code.rjust(span(f), "0")
    return code


def remessa(bank):
    layout = load(f"cnab400/{bank}/remessa")
    occ = load(f"cnab400/{bank}/occurrences")
    register = [c for c, m in occ["remessa_movements"].items() if m["movement"] == "register"][0]
    header = role(layout, "file_header")[0]
    trailer = role(layout, "file_trailer")[0]
    detail = main_detail(layout)
    where = f"{bank}/remessa"
    lines = [render(header, common(bank, "remessa"), 1, where)]
    total = 0
    titles = 4
    for i in range(titles):
        values = {**common(bank, "remessa"), **title(i, bank)}
        values["code"] = register
        total += values["amount_cents"]
        lines.append(render(detail, values, len(lines) + 1, where))
        if i == 0 and bank in COMPLEMENTS:
            name, extra = COMPLEMENTS[bank]
            record = [r for r in layout["records"] if r["name"] == name][0]
            lines.append(render(record, extra, len(lines) + 1, where))
    trailer_values = {"bank": bank, "record_count": len(lines) + 1, "total_cents": total, "convenio": "12345"}
    lines.append(render(trailer, trailer_values, len(lines) + 1, where))
    return lines


def retorno(bank):
    layout = load(f"cnab400/{bank}/retorno")
    occ = load(f"cnab400/{bank}/occurrences")
    codes = codes_for(occ)
    header = role(layout, "file_header")[0]
    trailer = role(layout, "file_trailer")[0]
    detail = main_detail(layout)
    where = f"{bank}/retorno"
    lines = [render(header, common(bank, "retorno"), 1, where)]
    occurred = datetime.date(2026, 4, 15)
    total = 0
    for i, event in enumerate(e for e in ["registered", "rejected", "paid", "written_off"] if e in codes):
        values = {**common(bank, "retorno"), **title(i, bank)}
        values.pop("amount_cents")
        face = [19990, 135075, 8800, 250000][i]
        code = codes[event]
        values.update({"code": code, "face_cents": face, "occurrence_date": occurred, "collecting_bank": bank})
        reasons_table = occ["movements"][code].get("reasons")
        if event == "rejected":
            table = occ["reasons"].get(reasons_table or "", {})
            values["reasons"] = sorted(table)[0] if table else "00"
            values["rejection_codes"] = "013"
        if event == "paid":
            values.update({
                "paid_cents": face + 150, "interest_cents": 150, "fee_cents": 250,
                "credited_cents": face + 150 - 250, "credit_date": occurred + datetime.timedelta(days=1),
            })
        if event == "registered":
            values["fee_cents"] = 0
        values["code"] = fit_code(detail, "code", code)
        total += face
        lines.append(render(detail, values, len(lines) + 1, where))
    trailer_values = {"bank": bank, "simple.count": len(lines) - 1, "simple.total_cents": total, "record_count": len(lines) - 1,
                      "convenio": "12345", "agency": "1234", "bank_name": "BANCO " + bank}
    lines.append(render(trailer, trailer_values, len(lines) + 1, where))
    return lines


# The main banks; the others' layouts are secondary-source only (see layouts/cnab400/<bank>/*.json doc).
MAIN_BANKS = ["001", "033", "104", "237", "341", "748", "756"]


def banks():
    return MAIN_BANKS


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    ap.add_argument("--bank", action="append", help="only this bank (repeatable)")
    args = ap.parse_args()
    differ = 0
    for bank in args.bank or banks():
        for name, lines in (("remessa.rem", remessa(bank)), ("retorno.ret", retorno(bank))):
            data = ("\r\n".join(lines) + "\r\n").encode("ascii")
            # A remessa ends with the bank's end-of-file byte when its layout asks for one (Bradesco 0x1A).
            if name == "remessa.rem":
                with open(os.path.join(LAYOUTS, "cnab400", bank, "remessa.json"), encoding="utf-8") as f:
                    eof = json.load(f).get("writing", {}).get("end_of_file")
                if eof:
                    data += bytes([int(eof, 16)])
            path = os.path.join(OUT, bank, name)
            if not samplefiles.put(path, data, args.check):
                print(f"differs: {os.path.relpath(path, ROOT)}", file=sys.stderr)
                differ += 1
    if not args.check:
        print(f"gen-cnab400: {Truncations.count} text values cut to their field", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
