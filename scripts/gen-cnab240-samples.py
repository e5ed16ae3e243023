#!/usr/bin/env python3
"""Write the synthetic CNAB 240 sample files under Fixtures/samples/cnab240/<bank>/.

For each bank with CNAB 240 layouts of its own (001, 033, 085, 104, 237, 341, 748, 756), this writes:

    remessa.rem  file header, batch header, 4 títulos as P + Q + R (Santander: título 1 also
                 Y-03, its boleto Pix key and txid), batch trailer, file trailer. Título 1's
                 payer has accents (written as the writer writes text: accents dropped,
                 uppercase ASCII); título 3's payer name is longer than its 40-byte field and
                 is cut to it.
    retorno.ret  file header, batch header, one título per event as T + U: registered (Santander:
                 with the Y-03 of its QR Code location and txid), rejected (C047 table A reason
                 48, CEP inválido), paid (interest, fee, paid and credited amounts, occurrence and
                 credit dates, table C reason 06), written_off (table C reason 10); the batch
                 trailer counts and totals the títulos (cobrança simples) and counts its records
                 the way the layout's `checks` say (Santander: details only); file trailer.

Positions, pictures, formats, enum tables and defaults (the banks' layout version codes among
them) come from the layout JSON files, with `extends` and `defaults` resolved; this script only
knows *values*, keyed by the layouts' output names (`to`). A field without a value is written
as its `default`, or zeros (picture 9) / blanks (picture X). Movement codes come from the
layouts' code table (cnab240/febraban/occurrences, which every bank's 240 layout uses): the
first code whose event matches, as samplelayouts.codes_for picks them for both generators. Every line is exactly
240 bytes and ends with CRLF.

Text is written as `troca cnab write` writes it (Sources/CNAB/WriterFields.swift,
Transliteration): accents dropped, uppercase, 7-bit ASCII; a name, address or message (or a
field whose layout says `truncate`) longer than its field is cut, any other value that does
not fit is an error here. Fields marked `keep_case` (Santander's Pix txid) keep their case.

Nosso número and its check digits (cnab-boleto-facts §A.10, §C.5, vectors of §H, checked below):
    001  convênio (7) + sequence (10), 17 characters, no DV (BBBOL Anexo IX: a 17-digit NN has none)
    033  12 digits + DV mod 11, weights 2-9 (SANBOL p.15)
    085  conta with DV (8) + plain sequence (9): the layout has no DV of the sequence
    104  P: modalidade 14 + plain sequence (15), no DV in P; T: the same 17 + DV mod 11 (CXBOL §5.4)
    237  carteira 009 + NN (11) + DV mod 11 base 7 over carteira (2) + NN, r = 1 => P (BRD400 p.17)
    341  carteira 109 + NN (8) + DAC mod 10 of agência + conta + carteira + NN (ITABOL §8.3.2);
         P/T 37 carries the agência/conta DAC (mod 10 of agência + conta)
    748  AA B NNNNN D: year 26, byte 2, sequence, DV mod 11 over cooperativa (4) + posto (2) +
         beneficiário (5) + AA + B + NNNNN (SIC400 §10.7.1); the posto (02) is not in the file
    756  00 + NN (7) + DV, weights 3,1,9,7 over cooperativa (4) + cliente (10) + NN (BRC sicoob.rb)
The plain sequences are therefore 001 (by the bank's rule), 085 and 104's P.

Deterministic: no clock, no randomness. Standard library only. Helpers shared with the CNAB 400
samples (CPF/CNPJ check digits, field spans, event codes) are imported from gen-cnab400.py.

    scripts/gen-cnab240-samples.py             # (re)write every bank's samples
    scripts/gen-cnab240-samples.py --check     # exit 1 if a file on disk differs from what would be written
"""

import argparse
import datetime
import os
import sys
import unicodedata

from brdocs import cnpj, cpf, dac_mod10, dv_bradesco, dv_caixa, dv_santander, dv_sicoob, dv_sicredi
import samplelayouts
from samplelayouts import codes_for, load
import samplefiles

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "samples", "cnab240")
LENGTH = 240

BANKS = ["001", "033", "085", "104", "237", "341", "748", "756"]

GENERATED = datetime.date(2026, 3, 2)
RETURNED = datetime.date(2026, 4, 16)
OCCURRED = datetime.date(2026, 4, 15)
EVENTS = ["registered", "rejected", "paid", "written_off"]
# C047 reasons (cnab240/febraban/occurrences): A 48 CEP inválido; C 06 liquidação por meio
# eletrônico; C 10 baixa comandada pelo cliente por arquivo.
REASONS = {"rejected": "48", "paid": "06", "written_off": "10", "registered": ""}

ACCENTED = 0
LONG = 2
PAYERS = [
    ("José da Conceição Araújo", "Rua das Acácias 120", "Jardim América", "30421150", "Belo Horizonte", "MG", "cpf"),
    ("COMERCIO DE FERRAGENS 3 IRMAOS LTDA", "AV BRASIL 4500 GALPAO 3", "CENTRO", "87013000", "MARINGA", "PR", "cnpj"),
    ("JOAO PEDRO DE ALCANTARA FRANCISCO ANTONIO JOAO CARLOS XAVIER DE PAULA MIGUEL RAFAEL",
     "RUA DO IMPERADOR 1822 APTO 7", "CENTRO", "25620000", "PETROPOLIS", "RJ", "cpf"),
    ("ASSOC MORADORES BAIRRO ALTO", "TRAVESSA SAO JOSE 15", "BAIRRO ALTO", "80045210", "CURITIBA", "PR", "cnpj"),
]
AMOUNTS = [19990, 135075, 8800, 250000]

BANK_NAMES = {
    "001": "BANCO DO BRASIL S.A.", "033": "BANCO SANTANDER (BRASIL) S.A.", "085": "AILOS",
    "104": "CAIXA ECONOMICA FEDERAL", "237": "BANCO BRADESCO S.A.", "341": "BANCO ITAU S.A.",
    "748": "BANCO COOPERATIVO SICREDI", "756": "BANCO SICOOB",
}

PIX_TXID = "TrocaSample20260302Pix0000000001"
PIX_LOCATION = "qrpix.santander.com.br/qr/v2/cobv/5f2a9c1e"


# ---------------------------------------------------------------------------------------------
# Check digits

def self_check():
    """The worked examples of cnab-boleto-facts §H."""
    assert dv_santander("566612457800") == "2"
    assert dv_caixa("14000000000000019") == "7"
    assert [dv_bradesco("19", f"{n:011d}") for n in (2, 1, 6)] == ["8", "P", "0"]
    assert dv_sicoob("0001", "0000000019", "0000021") == "8"
    assert dac_mod10("237900310") == "2"


# ---------------------------------------------------------------------------------------------
# Layouts and rendering

def transliterate(text, keep_case=False):
    """As the writer's Transliteration.ascii: accents dropped, uppercase, 7-bit ASCII."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    if not keep_case:
        folded = folded.upper()
    special = {"\u00ba": "O", "\u00b0": "O", "\u00aa": "A", "\u00c6": "AE", "\u00d8": "O", "\t": " ", "\n": " ", "\r": " "}
    return "".join(c if " " <= c <= "~" else special.get(c, "?") for c in folded)


def free_text(field):
    """Whether the writer may cut this field's value (Transliteration.isFreeText, or `truncate`)."""
    if "truncate" in field:
        return field["truncate"]
    to = field.get("to") or ""
    last = to.split(".")[-1]
    words = {"name", "street", "district", "city", "complement", "payer_info", "text", "content", "bank_name"}
    return last in words or last.startswith("message") or to.startswith("print.")


RENDERER = samplelayouts.Renderer(LENGTH, lambda text, field: transliterate(text, field.get("keep_case", False)), free_text)


def render(record, values, where, batch=None, sequence=None):
    """One 240-byte line (samplelayouts.Renderer.line) of a batch and sequence, when it has them."""
    return RENDERER.line(record, values, where, {
        "_batch": None if batch is None else f"{batch}",
        "_sequence": None if sequence is None else f"{sequence}",
        "_record_type": None,
        "_segment": None,
    })


def record_named(layout, name):
    return [r for r in layout["records"] if r["name"] == name][0]


def role(layout, name):
    return samplelayouts.role(layout, name)[0]


# ---------------------------------------------------------------------------------------------
# Values

# Per bank: the account and the convênio as each bank composes them, in the headers (remessa
# and retorno may differ: Santander's remessa carries its código de transmissão, its retorno the
# código do beneficiário).
ACCOUNTS = {
    "001": {"agency": "3214", "agency_digit": "0", "account": "123456", "account_digit": "7", "convenio": "1234567",
            "bank_carteira": "17", "carteira_variation": "019"},
    "033": {"agency": "3456", "agency_digit": "7", "account": "013000123", "account_digit": "4",
            "convenio": "345600001234567", "collection_account": "013000123", "collection_account_digit": "4"},
    "085": {"agency": "0101", "agency_digit": "5", "account": "1234567", "account_digit": "8", "convenio": "123456"},
    "104": {"agency": "1234", "agency_digit": "5", "convenio": "123456"},
    "237": {"agency": "1234", "agency_digit": "5", "account": "0012345", "account_digit": "6",
            "convenio": "00000000000001234567"},
    "341": {"agency": "1234", "account": "12345", "account_agency_digit": dac_mod10("1234" + "12345")},
    "748": {"agency": "0718", "account": "12345", "convenio": "12345"},
    "756": {"agency": "3069", "agency_digit": "0", "account": "123456", "account_digit": "7", "convenio": "0000123456"},
}
RETORNO_CONVENIO = {"033": "001234567"}
SICREDI_POSTO = "02"


def company(bank, direction):
    values = {
        "bank": bank,
        "company.document_type": "cnpj",
        "company.document": cnpj("112223330001"),
        "company.name": "TROCA COBRANCAS EXEMPLO LTDA",
        "bank_name": BANK_NAMES[bank],
        **ACCOUNTS[bank],
    }
    if direction == "retorno":
        if bank in RETORNO_CONVENIO:
            values["convenio"] = RETORNO_CONVENIO[bank]
        # The bank leaves the convênio's carteira and variação blank in the retorno headers.
        values.pop("bank_carteira", None)
        values.pop("carteira_variation", None)
    return values


def nosso_numero(bank, i, retorno):
    """The título's nosso número fields, as each bank composes them (see the docstring)."""
    seq = 1001 + i
    a = ACCOUNTS[bank]
    if bank == "001":
        return {"nosso_numero": a["convenio"] + f"{seq:010d}"}
    if bank == "033":
        base = f"{seq:012d}"
        return {"nosso_numero": base, "nosso_numero_digit": dv_santander(base)}
    if bank == "085":
        return {"nosso_numero_prefix": a["account"] + a["account_digit"], "nosso_numero": f"{seq:09d}"}
    if bank == "104":
        nn = "14" + f"{seq:015d}"
        return {"nosso_numero": nn, **({"nosso_numero_digit": dv_caixa(nn)} if retorno else {})}
    if bank == "237":
        nn = f"{seq:011d}"
        return {"bank_carteira": "009", "nosso_numero": nn, "nosso_numero_digit": dv_bradesco("09", nn)}
    if bank == "341":
        nn = f"{seq:08d}"
        return {"carteira": "109", "nosso_numero": nn, "nosso_numero_digit": dac_mod10(a["agency"] + a["account"] + "109" + nn)}
    if bank == "748":
        body = "26" + "2" + f"{seq:05d}"
        return {"nosso_numero": body, "nosso_numero_digit": dv_sicredi(a["agency"] + SICREDI_POSTO + a["account"] + body)}
    if bank == "756":
        nn = f"{seq:07d}"
        return {"nosso_numero": "00" + nn, "nosso_numero_digit": dv_sicoob(a["agency"], a["convenio"], nn), "installment": "01", "modality": "01",
                "form_type": "4"}
    raise SystemExit(f"no nosso número rule for bank {bank}")


def payer(i):
    name, street, district, cep, city, state, kind = PAYERS[i]
    return {
        "payer.document_type": kind,
        "payer.document": cpf(f"{123456780 + i:09d}") if kind == "cpf" else cnpj(f"{22333444 + i:08d}0001"),
        "payer.name": name,
        "payer.address.street": street,
        "payer.address.district": district,
        "payer.address.cep": cep,
        "payer.address.city": city,
        "payer.address.state": state,
    }


def title(bank, i, retorno):
    due = datetime.date(2026, 4, 10) + datetime.timedelta(days=7 * i)
    values = {
        **ACCOUNTS[bank],
        "bank": bank,
        # C006 cobrança simples; Santander's own table: 5 cobrança simples rápida com registro.
        "carteira": "5" if bank == "033" else "1",
        "document_number": f"DOC{i + 1:04d}",
        "company_use": f"TROCA-{i + 1:06d}",
        "due_date": due,
        "currency": "09",
        **payer(i),
        **nosso_numero(bank, i, retorno),
    }
    values.pop("carteira_variation", None)
    if bank == "001":
        # The título's carteira is C006's; BB's own carteira/variação/convênio are T 224-235.
        values["carteira"] = "1"
        if retorno:
            values.update({"bank_carteira": "17", "carteira_variation": "019", "convenio": ACCOUNTS["001"]["convenio"]})
    if not retorno:
        values.update({
            "amount_cents": AMOUNTS[i],
            "registration_form": "1",
            "document_kind": "1",
            "issuer": "2",
            "distribution": "2",
            "species": "02",
            "acceptance": "N",
            "issue_date": GENERATED,
            "interest.code": "1",
            "interest.date": due + datetime.timedelta(days=1),
            "interest.value": AMOUNTS[i] // 300,
            "discount.code": "0",
            "protest.code": "3",
            "write_off.code": "1",
            "write_off.days": "060" if bank != "033" else "60",
            # Segment R: a 2% fine from the day after the due date.
            "fine.code": "2",
            "fine.date": due + datetime.timedelta(days=1),
            "fine.value": 200,
            "message_3": "APOS O VENCIMENTO MULTA DE 2%",
        })
    return values


# ---------------------------------------------------------------------------------------------
# Files

def remessa(bank):
    layout = load(f"cnab240/{bank}/remessa")
    occ = load("cnab240/febraban/occurrences")
    register = [c for c, m in occ["remessa_movements"].items() if m["movement"] == "register"][0]
    where = f"{bank}/remessa"
    head = {**company(bank, "remessa"), "direction": "remessa", "generated_on": GENERATED,
            "generated_at": datetime.time(10, 30, 0), "file_sequence": "42"}
    lines = [render(role(layout, "file_header"), head, where)]
    batch = {**company(bank, "remessa"), "operation": "remessa", "service_type": "01", "remessa_number": "42",
             "recorded_on": GENERATED}
    lines.append(render(role(layout, "batch_header"), batch, where, batch=1))
    details = ["segmento_p", "segmento_q", "segmento_r"]
    sequence = 0
    for i in range(len(PAYERS)):
        values = {**title(bank, i, retorno=False), "code": register}
        records = details + (["segmento_y03"] if bank == "033" and i == ACCENTED else [])
        if bank == "033" and i == ACCENTED:
            values.update({"pix.key_type": "2", "pix.key": head["company.document"], "pix.txid": PIX_TXID})
        for name in records:
            sequence += 1
            lines.append(render(record_named(layout, name), values, where, batch=1, sequence=sequence))
    # FEB240 p.159: the remessa's batch trailer totals are zero (informed only in retorno).
    lines.append(render(role(layout, "batch_trailer"), {"bank": bank, "record_count": f"{sequence + 2}"}, where, batch=1))
    lines.append(render(role(layout, "file_trailer"), {"bank": bank, "batch_count": "1", "record_count": f"{len(lines) + 1}"}, where))
    return lines


def retorno(bank):
    layout = load(f"cnab240/{bank}/retorno")
    occ = load("cnab240/febraban/occurrences")
    codes = codes_for(occ)
    where = f"{bank}/retorno"
    head = {**company(bank, "retorno"), "direction": "retorno", "generated_on": RETURNED,
            "generated_at": datetime.time(6, 15, 0), "file_sequence": "311"}
    lines = [render(role(layout, "file_header"), head, where)]
    batch = {**company(bank, "retorno"), "operation": "retorno", "service_type": "01", "remessa_number": "311",
             "recorded_on": RETURNED, "credit_date": RETURNED}
    lines.append(render(role(layout, "batch_header"), batch, where, batch=1))
    sequence = 0
    total = 0
    for i, event in enumerate(EVENTS):
        code = codes[event]
        face = AMOUNTS[i]
        values = {**title(bank, i, retorno=True), "code": code, "face_cents": face, "occurrence_date": OCCURRED,
                  "collecting_bank": bank, "reasons": REASONS[event]}
        if event == "paid":
            values.update({
                "collecting_agency": "1234", "interest_cents": 150, "paid_cents": face + 150, "fee_cents": 250,
                "credited_cents": face + 150 - 250, "credit_date": OCCURRED + datetime.timedelta(days=1),
            })
        if event == "written_off":
            values["fee_cents"] = 120
        total += face
        records = ["segmento_t", "segmento_u"]
        if bank == "033" and i == ACCENTED:
            records.append("segmento_y03")
            values.update({"pix.location": PIX_LOCATION, "pix.txid": PIX_TXID})
        for name in records:
            sequence += 1
            lines.append(render(record_named(layout, name), values, where, batch=1, sequence=sequence))
    details_only = layout.get("checks", {}).get("batch_record_count") == "details"
    trailer = {"bank": bank, "record_count": f"{sequence if details_only else sequence + 2}",
               "simple.count": f"{len(EVENTS)}", "simple.total_cents": f"{total}"}
    lines.append(render(role(layout, "batch_trailer"), trailer, where, batch=1))
    lines.append(render(role(layout, "file_trailer"), {"bank": bank, "batch_count": "1", "record_count": f"{len(lines) + 1}"}, where))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    ap.add_argument("--bank", action="append", help="only this bank (repeatable)")
    args = ap.parse_args()
    self_check()
    differ = 0
    for bank in args.bank or BANKS:
        for name, lines in (("remessa.rem", remessa(bank)), ("retorno.ret", retorno(bank))):
            data = ("\r\n".join(lines) + "\r\n").encode("ascii")
            path = os.path.join(OUT, bank, name)
            if not samplefiles.put(path, data, args.check):
                print(f"differs: {os.path.relpath(path, ROOT)}", file=sys.stderr)
                differ += 1
    if not args.check:
        print(f"gen-cnab240-samples: {RENDERER.cuts} text values cut to their field", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
