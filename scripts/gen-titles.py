#!/usr/bin/env python3
"""Synthetic JSONL `title` records for `troca boleto make` benchmarks: N títulos spread over the
banks whose campo livre Troca writes, due within a year of 2026-01-01, deterministic per seed.

usage: scripts/gen-titles.py --titles N [--seed S] > titles.jsonl
"""
import argparse, datetime, random, sys

BANKS = [
    ("001", lambda r: {"carteira": "17", "convenio": "%07d" % r.randint(1000000, 9999999), "nosso_numero": "%d" % r.randint(1, 10**10 - 1)}),
    ("033", lambda r: {"carteira": "101", "convenio": "%07d" % r.randint(1, 9999999), "nosso_numero": "%d" % r.randint(1, 10**12 - 1)}),
    ("104", lambda r: {"convenio": "%07d" % r.randint(1100000, 9999999), "nosso_numero": "%d" % r.randint(1, 10**15 - 1)}),
    ("237", lambda r: {"agency": "%04d" % r.randint(1, 9999), "account": "%07d" % r.randint(1, 9999999), "carteira": "09", "nosso_numero": "%011d" % r.randint(1, 10**11 - 1)}),
    ("341", lambda r: {"agency": "%04d" % r.randint(1, 9999), "account": "%05d" % r.randint(1, 99999), "carteira": "109", "nosso_numero": "%08d" % r.randint(1, 10**8 - 1)}),
    ("748", lambda r: {"agency": "%04d" % r.randint(1, 9999), "carteira": "1", "convenio": "%07d" % r.randint(1, 9999999), "nosso_numero": "26%06d" % r.randint(200000, 999999)}),
    ("756", lambda r: {"agency": "%04d" % r.randint(1, 9999), "carteira": "1", "convenio": "%07d" % r.randint(1, 9999999), "nosso_numero": "%07d" % r.randint(1, 10**7 - 1)}),
]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--titles", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    r = random.Random(a.seed)
    base = datetime.date(2026, 1, 1)
    out = sys.stdout
    buf = []
    for k in range(a.titles):
        bank, fields = BANKS[k % len(BANKS)]
        f = fields(r)
        due = base + datetime.timedelta(days=r.randint(0, 365))
        parts = ['"record":"title"', '"bank":"%s"' % bank]
        parts += ['"%s":"%s"' % (key, value) for key, value in f.items()]
        parts += ['"document_number":"DP%07d"' % k, '"due_date":"%s"' % due.isoformat(), '"amount_cents":%d' % r.randint(100, 5000000),
                  '"payer":{"name":"PAGADOR %d","document_type":"cpf","document":"%011d"}' % (k, r.randint(0, 10**11 - 1)),
                  '"source":{"file":"REM.rem","line":%d}' % (k + 2)]
        buf.append("{" + ",".join(parts) + "}\n")
        if len(buf) >= 10000:
            out.write("".join(buf)); buf = []
    out.write("".join(buf))

if __name__ == "__main__":
    main()
