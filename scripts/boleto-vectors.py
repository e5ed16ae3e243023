#!/usr/bin/env python3
"""Independent oracle for the Boleto tests: computes barcodes, lines and nosso número check
digits straight from the rules in the reference facts (§C.1–C.5), without Troca's Swift code (the
nosso número DVs are the sample generators', scripts/brdocs.py), so the
tables in Tests/BoletoTests/CampoLivreTests.swift can be re-derived:  python3 scripts/boleto-vectors.py
"""
import datetime

from brdocs import dv_bradesco, dv_caixa, dv_santander, dv_sicoob, dv_sicredi

def mod10(s):
    total, w = 0, 2
    for c in reversed(s):
        p = int(c) * w
        total += p // 10 + p % 10
        w = 3 - w
    return (10 - total % 10) % 10

def wsum(s, lo=2, hi=9):
    total, w = 0, lo
    for c in reversed(s):
        total += int(c) * w
        w = lo if w == hi else w + 1
    return total

def general_dv(d43):
    dv = 11 - wsum(d43) % 11
    return 1 if dv in (0, 10, 11) else dv

def factor(date):
    n = (date - datetime.date(2000, 7, 3)).days
    return 1000 + n % 9000

def barcode(bank, due, cents, cl):
    assert len(cl) == 25, cl
    body = bank + "9" + "%04d" % factor(due) + "%010d" % cents + cl
    return body[:4] + str(general_dv(body)) + body[4:]

def line(b):
    f1 = b[0:4] + b[19:24]; f1 += str(mod10(f1))
    f2 = b[24:34]; f2 += str(mod10(f2))
    f3 = b[34:44]; f3 += str(mod10(f3))
    return f1 + f2 + f3 + b[4] + b[5:19]

# --- nosso número / campo livre per bank (facts §C.5) ---
def bb_nn_dv(nn):
    total, w = 0, 9
    for c in reversed(nn):
        total += int(c) * w
        w = 9 if w == 2 else w - 1
    r = total % 11
    return "X" if r == 10 else str(r)

# The generators' check digits (scripts/brdocs.py), under the names the tables below use.
bradesco_dv = dv_bradesco
santander_dv = dv_santander
caixa_dv = dv_caixa

def sicoob_dv(coop, client, nn):
    return dv_sicoob(coop, client.zfill(10), nn)

def sicredi_nn_dv(coop, conv, nn):
    return dv_sicredi(coop + conv + nn)

def sicredi_cl_dv(s):
    r = wsum(s) % 11
    return "0" if r in (0, 1) else str(11 - r)

def itau(ag, cc, cart, nn):
    dac = mod10(cart + nn) if cart in ("126", "131", "146", "150", "168") else mod10(ag + cc + cart + nn)
    return cart + nn + str(dac) + ag + cc + str(mod10(ag + cc)) + "000", nn + str(dac)

def show(name, bank, due, cents, cl, nn):
    b = barcode(bank, due, cents, cl)
    print('    ("%s", "%s", %d, "%s", "%s", "%s"),  // %s' % (bank, due.isoformat(), cents, nn, b, line(b), name))

if __name__ == "__main__":
    D = datetime.date
    print("// BB convênio 7: (agency ignored) convenio, seq, carteira")
    for conv, seq, cart, due, cents in [("1234567", "0000000001", "17", D(2026, 3, 15), 12345),
                                        ("2345678", "0000012345", "18", D(2025, 2, 22), 1),
                                        ("7654321", "9999999999", "17", D(2030, 1, 31), 9999999999),
                                        ("1000000", "0000000100", "11", D(2026, 12, 31), 150000),
                                        ("3128557", "0000000042", "17", D(2027, 7, 7), 75)]:
        show("bb7 conv %s seq %s cart %s" % (conv, seq, cart), "001", due, cents, "000000" + conv + seq + cart, conv + seq)
    print("// BB convênio 4/6: nn11, agency, account, carteira")
    for conv, seq, ag, cc, cart, due, cents in [("123456", "00001", "1234", "00012345", "18", D(2026, 3, 15), 10000),
                                                ("654321", "99999", "0001", "99999999", "17", D(2026, 6, 1), 5050),
                                                ("1234", "0000001", "4321", "00000123", "18", D(2028, 2, 29), 1),
                                                ("5009", "4014480", "0452", "00123456", "16", D(2026, 1, 2), 100),
                                                ("999999", "12345", "9999", "00000001", "18", D(2025, 12, 31), 4242)]:
        nn = conv + seq
        show("bb46 conv %s" % conv, "001", due, cents, nn + ag + cc + cart, nn + bb_nn_dv(nn))
    print("// Bradesco: agency, carteira, nn11, account7")
    for ag, cart, nn, cc, due, cents in [("1234", "09", "00000000001", "0012345", D(2026, 3, 15), 12345),
                                         ("0001", "19", "00000000002", "0000001", D(2026, 4, 1), 100),
                                         ("9999", "19", "00000000006", "9999999", D(2027, 1, 1), 500000),
                                         ("2517", "09", "12345678901", "0119039", D(2026, 12, 10), 15000),
                                         ("0452", "26", "00000012345", "0054321", D(2025, 3, 1), 999)]:
        show("bradesco", "237", due, cents, ag + cart + nn + cc + "0", nn + bradesco_dv(cart, nn))
    print("// Itaú: agency, account5, carteira, nn8")
    for ag, cc, cart, nn, due, cents in [("1513", "87710", "109", "12345678", D(2026, 3, 15), 12345),
                                         ("0057", "12345", "109", "00000001", D(2026, 5, 20), 2000),
                                         ("2938", "00911", "112", "87654321", D(2027, 9, 9), 777777),
                                         ("0001", "00001", "126", "00000042", D(2026, 2, 28), 1),
                                         ("9999", "99999", "175", "99999999", D(2030, 6, 30), 9999999999)]:
        cl, nn_full = itau(ag, cc, cart, nn)
        show("itau cart %s" % cart, "341", due, cents, cl, nn_full)
    print("// Santander: convenio7, nn12, carteira")
    for conv, nn, cart, due, cents in [("0282033", "566612457800", "101", D(2026, 3, 15), 27371),
                                       ("1234567", "000000000001", "101", D(2026, 8, 1), 100),
                                       ("7654321", "123456789012", "102", D(2027, 2, 2), 123456),
                                       ("0000001", "999999999999", "101", D(2025, 2, 22), 50),
                                       ("4455667", "000012345678", "201", D(2029, 11, 11), 9876543)]:
        full = nn + santander_dv(nn)
        show("santander", "033", due, cents, "9" + conv + full + "0" + cart, full)
    print("// Caixa: convenio7 (6+DV below 1.100.000, else 7 with no DV), nn17")
    for conv, nn, due, cents in [("0056782", "14000000000000019", D(2026, 3, 15), 12345),
                                 ("1234567", "14000000000012345", D(2026, 10, 10), 1000),
                                 ("1100001", "14999999999999999", D(2027, 1, 15), 99),
                                 ("7777777", "24000000000000001", D(2026, 2, 1), 500000),
                                 ("0123455", "14123456789012345", D(2028, 8, 8), 31415)]:
        # A code below 1.100.000 is 6 digits and its DV (same módulo 11, facts §C.5).
        assert int(conv) >= 1100000 or conv[6] == caixa_dv(conv[:6]), conv
        cl = conv + nn[2:5] + nn[0] + nn[5:8] + nn[1] + nn[8:17]
        cl += caixa_dv(cl)
        show("caixa", "104", due, cents, cl, nn + caixa_dv(nn))
    print("// Sicoob: carteira1, coop4, client7, nn7")
    for cart, coop, cli, nn, due, cents in [("1", "0001", "0000019", "0000021", D(2026, 3, 15), 12345),
                                            ("1", "3069", "1234567", "0000001", D(2026, 7, 1), 100),
                                            ("1", "4117", "0987654", "1234567", D(2027, 3, 3), 99999),
                                            ("1", "9999", "9999999", "9999999", D(2025, 2, 22), 1),
                                            ("1", "0452", "0012345", "0000100", D(2029, 1, 1), 2500000)]:
        full = nn + sicoob_dv(coop, cli, nn)
        show("sicoob", "756", due, cents, cart + coop + "01" + cli + full + "001", full)
    print("// Sicredi: carteira1, coop4, posto2+benef5, nn8")
    for cart, coop, conv, nn, due, cents in [("1", "0710", "0312345", "26200001", D(2026, 3, 15), 12345),
                                             ("1", "0165", "0200001", "26212345", D(2026, 9, 1), 100),
                                             ("1", "9999", "9999999", "25999999", D(2025, 2, 22), 1),
                                             ("1", "0101", "1054321", "27300042", D(2027, 12, 24), 8000000),
                                             ("1", "0434", "0000001", "26200000", D(2026, 1, 1), 0)]:
        full = nn + sicredi_nn_dv(coop, conv, nn)
        cl = "1" + cart + full + coop + conv + ("1" if cents > 0 else "0") + "0"
        cl += sicredi_cl_dv(cl)
        show("sicredi", "748", due, cents, cl, full)

def arrecadacao(d43):
    """Barcode and 48-digit line of an arrecadação code (facts §C.4)."""
    ident = d43[2]
    def dv(s):
        if ident in "67":
            return mod10(s)
        r = wsum(s) % 11
        return 0 if r in (0, 1) else 1 if r == 10 else 11 - r
    b = d43[:3] + str(dv(d43)) + d43[3:]
    return b, "".join(b[k * 11:(k + 1) * 11] + str(dv(b[k * 11:(k + 1) * 11])) for k in range(4))

if __name__ == "__main__":
    print("// Arrecadação: 43 digits without DV -> barcode, line")
    for d43 in ["826" + "00000012345" + "0123" + "2026031512345678901234567",
                "836" + "00000098765" + "0048" + "0000000000000000000000001",
                "858" + "00000001000" + "0001" + "9876543210987654321098765",
                "868" + "00001234567" + "12345678" + "901234567890123456789",
                "817" + "00000000000" + "0999" + "2026123100000000000000042",
                "849" + "00000050000" + "0777" + "1111111111111111111111111"]:
        b, l = arrecadacao(d43)
        print('    ("%s", "%s", "%s"),' % (d43, b, l))
