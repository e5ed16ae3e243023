#!/usr/bin/env python3
"""Generate agreements and payments for benchmarking `troca reconcile`.

usage: gen-reconcile.py --agreements N --installments M --payments P --seed S --out-agreements A --out-payments B

Writes N `agreement` records holding M installments in all (an entrada counts as one), and P
payments: paid `event` records shaped like `troca cnab parse` output (with source, bank fields)
and `payment` records shaped like `troca import payments` output. Payments hit installments by
nosso número (~70%), document number (~15%), payer document + amount + date (~8%); ~4% repeat an
earlier payment (duplicates) and ~3% match nothing. Deterministic for a seed.
"""
import argparse
import datetime
import random

from brdocs import random_cpf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agreements", type=int, default=300000)
    ap.add_argument("--installments", type=int, default=1000000)
    ap.add_argument("--payments", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out-agreements", required=True)
    ap.add_argument("--out-payments", required=True)
    a = ap.parse_args()
    if a.installments < a.agreements:
        ap.error("--installments must be at least --agreements")
    rng = random.Random(a.seed)
    base = datetime.date(2025, 1, 1)
    insts = []  # (nosso, doc, party, amount, due)
    extra = a.installments - a.agreements
    with open(a.out_agreements, "w") as out:
        for k in range(a.agreements):
            # Spread the installments left so that every agreement gets at least one.
            left_agreements = a.agreements - k
            if left_agreements > 1:
                n = 1 + rng.randint(0, min(extra, 2 * extra // left_agreements))
            else:
                n = 1 + extra
            extra -= n - 1
            party = random_cpf(rng)
            created = base + datetime.timedelta(days=rng.randrange(300))
            due = created + datetime.timedelta(days=5 + rng.randrange(10))
            entrada = n > 1 and rng.random() < 0.4
            parts = []
            total = 0
            for i in range(n):
                amount = 1000 * rng.randint(5, 300) + rng.randrange(100)
                number = 0 if (entrada and i == 0) else (i if entrada else i + 1)
                nosso = "%017d" % (k * 16 + i + 1)
                doc = "AC%07d/%d" % (k, number)
                parts.append((number, due.isoformat(), amount, nosso, doc))
                insts.append((nosso, doc, party, amount, due))
                total += amount
                due = due + datetime.timedelta(days=30)

            def obj(p):
                return '{"due_date":"%s","amount_cents":%d,"nosso_numero":"%s","document_number":"%s"}' % (p[1], p[2], p[3], p[4])

            fields = ['"record":"agreement"', '"id":"AC%07d"' % k, '"party_document":"%s"' % party,
                      '"origin_titles":["NF%07d"]' % k, '"created_on":"%s"' % created.isoformat(), '"total_cents":%d' % total]
            rest = parts
            if entrada:
                fields.append('"down_payment":' + obj(parts[0]))
                rest = parts[1:]
            fields.append('"installments":[' + ",".join(
                '{"number":%d,' % p[0] + obj(p)[1:] for p in rest) + "]")
            fields.append('"break_rule":{"overdue_days":%d}' % rng.choice([30, 60, 90]))
            out.write("{" + ",".join(fields) + "}\n")
    with open(a.out_payments, "w") as out:
        written = []
        for line in range(1, a.payments + 1):
            r = rng.random()
            if written and r < 0.04:
                out.write(written[rng.randrange(len(written))])
                continue
            nosso, doc, party, amount, due = insts[rng.randrange(len(insts))]
            paid = amount if rng.random() < 0.8 else amount + rng.randint(-500, 500)
            day = due + datetime.timedelta(days=rng.randint(-5, 20))
            if r < 0.74:
                rec = ('{"record":"event","bank":"341","batch":1,"code":"06","event":"paid","description":"Liquidação",'
                       '"nosso_numero":"%s","carteira":"1","document_number":"%s","due_date":"%s","face_cents":%d,'
                       '"payer":{"document_type":"cpf","document":"%s","name":"PAGADOR %d"},"paid_cents":%d,"credited_cents":%d,'
                       '"fee_cents":250,"occurrence_date":"%s","credit_date":"%s","source":{"file":"RET%03d.ret","line":%d}}\n') % (
                    nosso, doc, due.isoformat(), amount, party, line, paid, paid - 250, day.isoformat(),
                    (day + datetime.timedelta(days=1)).isoformat(), line // 100000, line)
            elif r < 0.89:
                rec = ('{"record":"payment","document_number":"%s","payer":{"name":"PAGADOR %d","document":"%s","document_type":"cpf"},'
                       '"method":"pix","reference":"E%030d","payment_date":"%s","credit_date":"%s","paid_cents":%d,"fee_cents":0,'
                       '"source":{"file":"baixas.csv","line":%d}}\n') % (
                    doc, line, party, line, day.isoformat(), day.isoformat(), paid, line)
            elif r < 0.97:
                rec = ('{"record":"payment","payer":{"name":"PAGADOR %d","document":"%s","document_type":"cpf"},'
                       '"method":"cartao","reference":"AUT%09d","payment_date":"%s","paid_cents":%d,"fee_cents":290,'
                       '"source":{"file":"cartoes.csv","line":%d}}\n') % (line, party, line, day.isoformat(), amount, line)
            else:
                rec = ('{"record":"payment","nosso_numero":"9%016d","method":"pix","reference":"X%030d","payment_date":"%s",'
                       '"paid_cents":%d,"source":{"file":"baixas.csv","line":%d}}\n') % (line, line, day.isoformat(), paid, line)
            out.write(rec)
            if len(written) < 100000:
                written.append(rec)


if __name__ == "__main__":
    main()
