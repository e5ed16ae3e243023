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
import sys

from brdocs import cnpj, cpf, dv_bradesco, dv_santander, dv_sicoob
import samplefiles
import samplelayouts
from samplelayouts import codes_for, load, role, span

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




def ascii_upper(text):
    return text.encode("ascii", "replace").decode("ascii").upper()


# Every text value may be cut to its field; integers are zero-padded even in text fields.
RENDERER = samplelayouts.Renderer(LENGTH, lambda text, field: ascii_upper(text), lambda field: True, pad_ints=True)


def render(record, values, sequence, where):
    """One 400-byte line (samplelayouts.Renderer.line) with its sequence number."""
    return RENDERER.line(record, values, where, {"_sequence": sequence, "_record_type": None})


def main_detail(layout):
    return [r for r in role(layout, "detail") if r.get("starts_group")][0]


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
        # A remessa's header takes the bank's name from its layout's default (B.1: 80-94).
        **({"bank_name": "BANCO " + bank} if direction == "retorno" else {}),
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
    trailer_values = {"bank": bank, "record_count": len(lines) + 1, "titles.total_cents": total, "convenio": "12345"}
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
        print(f"gen-cnab400: {RENDERER.cuts} text values cut to their field", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
