#!/usr/bin/env python3
"""Writes Fixtures/samples/nightly/: the bundled data of scripts/demo.sh (the nightly job).

Made-up clients, títulos, Pix/cash payments and agreements for a Bradesco (237) CNAB 240
remessa, dated so that at the demo's --as-of 2026-11-23 the unpaid títulos are overdue by
different amounts (the ladder picks several steps). Deterministic: the same bytes every run.
--check exits 1 when a file on disk differs from what would be written (a test runs it).

Which títulos the bank "pays" is decided by `troca cnab simulate --paid 0.5 --seed 7 --date
2026-08-01` on the remessa the demo writes; the agreements below were chosen knowing that
(PAID_IN_RETORNO): if simulate's choice changes, the agreements' statuses in the demo change,
and this list must be looked at again.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brdocs import random_cpf, random_cnpj  # noqa: E402
import samplefiles

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "samples", "nightly")

FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Irene", "João",
         "Karina", "Lucas", "Marta", "Nelson", "Otávio", "Paula", "Quitéria", "Rafael", "Sônia", "Tiago"]
LAST = ["Araújo", "Barbosa", "Cardoso", "Duarte", "Esteves", "Ferreira", "Gonçalves", "Hipólito",
        "Lima", "Moraes", "Nogueira", "Oliveira", "Peixoto", "Queiroz", "Ribeiro", "Santos"]
COMPANIES = ["Padaria Pão Quente", "Oficina Duas Rodas", "Mercearia São Jorge", "Ferragens Três Irmãos",
             "Papelaria Estrela", "Auto Peças Avenida", "Farmácia Bem Estar", "Ótica Visão Clara",
             "Construtora Alicerce", "Livraria Página Um"]
PLACES = [  # city, UF, CEP prefix, district, street
    ("São Paulo", "SP", "01310", "Bela Vista", "Rua Treze de Maio"),
    ("Rio de Janeiro", "RJ", "20040", "Centro", "Avenida Rio Branco"),
    ("Belo Horizonte", "MG", "30130", "Funcionários", "Rua da Bahia"),
    ("Curitiba", "PR", "80010", "Centro", "Rua XV de Novembro"),
    ("Porto Alegre", "RS", "90010", "Centro Histórico", "Rua dos Andradas"),
    ("Salvador", "BA", "40020", "Comércio", "Avenida Estados Unidos"),
    ("Recife", "PE", "50030", "Santo Antônio", "Rua do Imperador"),
    ("Goiânia", "GO", "74015", "Setor Central", "Avenida Goiás"),
]
# Due dates: before --as-of 2026-11-23 by 105, 84, 64, 48, 39, 20, 23, 13, 8 and 3 days, and three
# not yet due. Remessa and simulated retorno are dated 2026-08-01, before all of them.
DUES = ["2026-08-10", "2026-08-31", "2026-09-20", "2026-10-06", "2026-10-15", "2026-11-03",
        "2026-10-31", "2026-11-10", "2026-11-15", "2026-11-20", "2026-11-30", "2026-12-10", "2026-12-20"]
BAD_ADDRESS = {7: "missing", 19: "no_city"}   # client code → how its address is broken

# Títulos the simulated retorno pays (seed 7, --paid 0.5), by document number; see the docstring.
PAID_IN_RETORNO = {"NF-2001", "NF-2002", "NF-2005", "NF-2006", "NF-2007", "NF-2008", "NF-2009", "NF-2010",
                   "NF-2011", "NF-2018", "NF-2022", "NF-2023", "NF-2024", "NF-2027", "NF-2028", "NF-2030",
                   "NF-2032", "NF-2033", "NF-2034", "NF-2037", "NF-2039", "NF-2040", "NF-2043", "NF-2044",
                   "NF-2045", "NF-2046", "NF-2052", "NF-2053", "NF-2054", "NF-2056", "NF-2057", "NF-2058"}


def br_date(iso):
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def br_money(cents):
    reais, c = divmod(cents, 100)
    return f"R$ {reais:,}".replace(",", ".") + f",{c:02d}"


def fmt_doc(doc):
    if len(doc) == 11:
        return f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}"
    return f"{doc[:2]}.{doc[2:5]}.{doc[5:8]}/{doc[8:12]}-{doc[12:]}"


def csv_row(cells, sep):
    out = []
    for c in cells:
        c = str(c)
        if sep in c or '"' in c:
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    return sep.join(out)


def build():
    rng = random.Random(20261123)
    clients = []
    for code in range(1, 31):
        company = code % 3 == 0
        if company:
            name = COMPANIES[(code // 3 - 1) % len(COMPANIES)] + " Ltda"
            doc = random_cnpj(rng)
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
            doc = random_cpf(rng)
        city, uf, cep5, district, street = PLACES[code % len(PLACES)]
        addr = {"street": street, "number": str(10 + code * 37), "complement": "sala 2" if company else "",
                "district": district, "city": city, "state": uf, "cep": f"{cep5}-{100 + code:03d}"}
        if BAD_ADDRESS.get(code) == "missing":
            addr = {k: "" for k in addr}
        elif BAD_ADDRESS.get(code) == "no_city":
            addr["city"] = ""
            addr["district"] = ""
        clients.append({"code": code, "name": name, "doc": doc, "addr": addr,
                        "email": f"financeiro{code}@cliente.example"})
    titles = []
    for i in range(60):
        client = clients[i // 2]
        due = DUES[(i * 7 + i // 13) % len(DUES)]
        amount = rng.randrange(150_00, 4_800_00, 5)
        titles.append({"doc": f"NF-{2001 + i}", "nn": str(7001 + i), "issue": "2026-07-20", "due": due,
                       "cents": amount, "client": client})
    return clients, titles


def agreements(titles):
    """Four agreements whose installments are títulos of the sample (nosso número as boleto make
    completes it: Bradesco, 11 digits without the DV; and the document number)."""
    by_doc = {t["doc"]: t for t in titles}
    # At --as-of 2026-11-23, with the retorno of seed 7 and baixas.csv:
    plans = [
        ("AC-2026-101", ["NF-2003", "NF-2004"]),  # broken: nothing paid, 1st due 2026-08-31
        ("AC-2026-102", ["NF-2011", "NF-2012"]),  # settled: 1st paid in the retorno, 2nd by Pix
        ("AC-2026-103", ["NF-2021", "NF-2022"]),  # current: 1st paid in the retorno, 2nd not yet due
        ("AC-2026-104", ["NF-2059"]),             # current: 13 days overdue, under the 30 of the break rule
        ("AC-2026-105", ["NF-2019", "NF-2020"]),  # current: 1st paid late in cash, 2nd not yet due
    ]
    out = []
    for ident, docs in plans:
        ts = sorted((by_doc[d] for d in docs), key=lambda t: t["due"])
        party = ts[0]["client"]["doc"]
        inst = [{"number": n + 1, "due_date": t["due"], "amount_cents": t["cents"],
                 "nosso_numero": t["nn"].rjust(11, "0"), "document_number": t["doc"]}
                for n, t in enumerate(ts)]
        out.append({"record": "agreement", "id": ident, "party_document": party,
                    "origin_titles": [f"NF-1{d[4:]}" for d in docs], "created_on": "2026-07-15",
                    "total_cents": sum(t["cents"] for t in ts), "installments": inst,
                    "break_rule": {"overdue_days": 30}})
    return out


def files():
    clients, titles = build()
    out = {}
    head = ["codigo", "razao_social", "nome_fantasia", "cnpj_cpf", "email", "ddd", "telefone", "tipo_logradouro",
            "logradouro", "numero", "complemento", "bairro", "cidade", "uf", "cep"]
    rows = [",".join(head)]
    for c in clients:
        a = c["addr"]
        kind, _, rest = a["street"].partition(" ")
        rows.append(csv_row([c["code"], c["name"], "", c["doc"], c["email"], "11", f"3{c['code']:03d}-0000",
                             kind, rest, a["number"], a["complement"], a["district"], a["city"], a["state"],
                             a["cep"]], ","))
    out["clientes.csv"] = "\n".join(rows) + "\n"

    head = ["Documento", "Nosso Número", "Emissão", "Vencimento", "Valor", "Sacado", "CPF/CNPJ", "Logradouro",
            "Número", "Complemento", "Bairro", "Cidade", "UF", "CEP"]
    rows = [";".join(head)]
    for t in titles:
        c, a = t["client"], t["client"]["addr"]
        rows.append(csv_row([t["doc"], t["nn"], br_date(t["issue"]), br_date(t["due"]), br_money(t["cents"]),
                             c["name"], fmt_doc(c["doc"]), a["street"], a["number"], a["complement"],
                             a["district"], a["city"], a["state"], a["cep"]], ";"))
    out["titulos.csv"] = "\n".join(rows) + "\n"

    by_doc = {t["doc"]: t for t in titles}
    # Pix and cash received outside the bank: the second installment of AC-2026-102 (settling it
    # with the retorno's payment of the first), the first of AC-2026-105 paid late in cash, and
    # a Pix whose document and nosso número match nothing (an unmatched payment for reconcile).
    assert not {"NF-2012", "NF-2020"} & PAID_IN_RETORNO
    pays = [("NF-2012", "pix", "E2026111012000000000000001", "2026-11-10", by_doc["NF-2012"]["cents"]),
            ("NF-2020", "dinheiro", "CX-0042", "2026-11-12", by_doc["NF-2020"]["cents"]),
            ("NF-2999", "pix", "E2026111512000000000000002", "2026-11-15", 321_00)]
    head = ["Documento", "Nosso Número", "Pagador", "CPF/CNPJ Pagador", "Forma", "Autenticação",
            "Data Pagamento", "Data Crédito", "Valor Pago", "Tarifa"]
    rows = [";".join(head)]
    for doc, method, ref, date, cents in pays:
        t = by_doc.get(doc)
        nn, name, pdoc = (t["nn"], t["client"]["name"], fmt_doc(t["client"]["doc"])) if t else ("", "Pagador Desconhecido", "")
        rows.append(csv_row([doc, nn, name, pdoc, method, ref, br_date(date), br_date(date),
                             br_money(cents)[3:], ""], ";"))
    out["baixas.csv"] = "\n".join(rows) + "\n"

    out["acordos.jsonl"] = "".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n"
                                   for a in agreements(titles))

    title_map = {
        "record": "title",
        "doc": "Títulos do ERP para a remessa CNAB 240 do Bradesco (237): as constantes da conta vêm do mapa",
        "key": "document_number",
        "fields": [
            {"to": "document_number", "column": "Documento", "required": True},
            {"to": "nosso_numero", "column": "Nosso Número", "type": "digits", "required": True},
            {"to": "bank", "value": "237", "type": "digits"},
            {"to": "agency", "value": "01234", "type": "digits"},
            {"to": "agency_digit", "value": "5"},
            {"to": "account", "value": "000000012345", "type": "digits"},
            {"to": "account_digit", "value": "6"},
            {"to": "convenio", "value": "00000000000001234567", "type": "digits"},
            {"to": "bank_carteira", "value": "09", "type": "digits"},
            {"to": "carteira", "value": "1", "type": "digits"},
            {"to": "issue_date", "column": "Emissão"},
            {"to": "due_date", "column": "Vencimento", "required": True},
            {"to": "amount_cents", "column": "Valor", "required": True},
            {"to": "payer.name", "column": "Sacado", "required": True},
            {"to": "payer.document", "column": "CPF/CNPJ", "required": True},
            {"to": "payer.address.street", "column": "Logradouro"},
            {"to": "payer.address.number", "column": "Número"},
            {"to": "payer.address.complement", "column": "Complemento"},
            {"to": "payer.address.district", "column": "Bairro"},
            {"to": "payer.address.city", "column": "Cidade"},
            {"to": "payer.address.state", "column": "UF"},
            {"to": "payer.address.cep", "column": "CEP"},
        ],
    }
    out["titulos.map.json"] = json.dumps(title_map, ensure_ascii=False, indent=2) + "\n"
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the files on disk differ")
    args = ap.parse_args()
    differ = []
    for name, text in sorted(files().items()):
        path = os.path.join(OUT, name)
        data = text.encode("utf-8")
        if not samplefiles.put(path, data, args.check):
            differ.append(name)
    if differ:
        print("gen-nightly-samples: differs from the generator: " + ", ".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
