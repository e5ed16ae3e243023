#!/usr/bin/env python3
"""Writes N synthetic overdue títulos as JSONL `title` records, one party each, for the letters
benchmark: names and streets with accents, CEPs spread over the country, due dates 5 to 90
days before 2026-11-23 (so every step of Fixtures/samples/letters/regua.json is used).

usage: gen-letter-titles.py --titles N [--seed S]"""
import argparse
import datetime
import json
import random
import sys

from brdocs import random_cpf

FIRST = ["Maria", "José", "Ana", "João", "Antônio", "Francisca", "Luíza", "Sebastião", "Conceição", "Cláudio"]
LAST = ["Araújo", "Gonçalves", "Conceição", "Lima", "Simões", "Brandão", "Assunção", "Falcão", "Peçanha", "Sá"]
STREETS = ["Rua das Flores", "Avenida São João", "Travessa Guaçu", "Rua Tiradentes", "Alameda Itú", "Praça da Sé"]
PLACES = [("São Paulo", "SP", "01"), ("Rio de Janeiro", "RJ", "20"), ("Belo Horizonte", "MG", "30"), ("Curitiba", "PR", "80"),
          ("Porto Alegre", "RS", "90"), ("Salvador", "BA", "40"), ("Recife", "PE", "50"), ("Belém", "PA", "66"),
          ("Goiânia", "GO", "74"), ("Florianópolis", "SC", "88")]



def main():
    p = argparse.ArgumentParser()
    p.add_argument("--titles", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    as_of = datetime.date(2026, 11, 23)
    out = sys.stdout
    for k in range(a.titles):
        city, uf, prefix = rng.choice(PLACES)
        due = as_of - datetime.timedelta(days=rng.randrange(5, 91))
        t = {
            "record": "title", "document_number": "NF-%07d" % k, "nosso_numero": "%011d" % k, "bank": "237",
            "due_date": due.isoformat(), "amount_cents": rng.randrange(6000, 500000),
            "payer": {"document_type": "cpf", "document": random_cpf(rng), "name": rng.choice(FIRST) + " " + rng.choice(LAST) + " " + rng.choice(LAST),
                      "address": {"street": rng.choice(STREETS), "number": str(rng.randrange(1, 3000)), "district": "Centro",
                                  "city": city, "state": uf, "cep": prefix + "%06d" % rng.randrange(1000000)}},
        }
        out.write(json.dumps(t, ensure_ascii=False, separators=(",", ":")) + "\n")


main()
