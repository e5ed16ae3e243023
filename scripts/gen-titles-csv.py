#!/usr/bin/env python3
"""Writes a synthetic titles CSV for `troca import titles --map maps/titulos.json` (the header of
maps/titulos.json, `;`, Brazilian amounts and dates, CPF/CNPJ with valid check digits, a few
quoted fields with the delimiter or quotes in them), deterministic for a seed.

usage: scripts/gen-titles-csv.py --rows N [--seed S] > TITULOS.csv    (~150 bytes per row)
"""
import argparse
import random
import sys

from brdocs import random_cnpj, random_cpf

HEADER = ("Documento;Nosso Número;Carteira;Emissão;Vencimento;Valor;Sacado;CPF/CNPJ;Logradouro;Número;"
          "Complemento;Bairro;Cidade;UF;CEP")
NAMES = ["José da Silva", "Maria Aparecida Souza", "Comércio Ávila Ltda", "João Pereira", "Ana Lúcia Gonçalves",
         "Padaria Pão Quente ME", "Construtora Horizonte S.A.", "Francisco Araújo"]
STREETS = ["Rua das Flores", "Av. Brasil", "Rua XV de Novembro", "Praça da Sé", "Rua São Bento", "Av. Paulista"]
DISTRICTS = ["Centro", "Jardim América", "Vila Nova", "Boa Vista", "Sé"]
CITIES = [("São Paulo", "SP"), ("Rio de Janeiro", "RJ"), ("Curitiba", "PR"), ("Belo Horizonte", "MG"), ("Recife", "PE")]




def masked_cpf(rng):
    s = random_cpf(rng)
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def masked_cnpj(rng):
    s = random_cnpj(rng)
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def amount(cents):
    units, frac = divmod(cents, 100)
    text = f"{units:,}".replace(",", ".")
    return f"{text},{frac:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout.buffer
    lines = [HEADER]
    for i in range(args.rows):
        name = rng.choice(NAMES)
        if i % 50 == 7:
            name = f'"{name}; filial ""{i % 9}"""'
        city, uf = rng.choice(CITIES)
        day, month = rng.randrange(1, 29), rng.randrange(1, 13)
        lines.append(";".join([
            f"NF-{i + 1:08d}", f"{i + 1:010d}", rng.choice(["", "09", "17"]), f"{day:02d}/{month:02d}/2026",
            f"{day:02d}/{month:02d}/2027", amount(rng.randrange(100, 10_000_000)), name,
            masked_cpf(rng) if rng.random() < 0.7 else masked_cnpj(rng), rng.choice(STREETS), str(rng.randrange(1, 3000)),
            rng.choice(["", "apto 12", "sala 3"]), rng.choice(DISTRICTS), city, uf,
            f"{rng.randrange(1000, 99999):05d}-{rng.randrange(1000):03d}",
        ]))
        if len(lines) >= 10000:
            out.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))
            lines = []
    if lines:
        out.write(("\r\n".join(lines) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
