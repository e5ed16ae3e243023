#!/usr/bin/env python3
"""Generate a synthetic FEBRABAN CNAB 240 cobrança file (retorno or remessa) on stdout.

Layout: FEBRABAN "Layout Padrão 240 posições" v10.6 (file version 103, lote version 060), the
generic positions of ../shared/reference/cnab-boleto-facts.md A.1-A.4, A.5/A.6 (P, Q), A.9 (T, U),
A.11 and A.12. Positions below are 1-based and inclusive, as in the manual. Bank-specific
deviations (A.10: Bradesco/Itaú/Santander nosso-número areas) are NOT applied: `--bank` only
changes positions 1-3 and the bank name. The default bank, 999, is no bank's: Troca reads it with
the FEBRABAN layout (with a `cnab.generic-layout` warning), whatever bank layouts it gains.

    retorno: header de arquivo, per lote {header de lote 'T', T+U per título, trailer de lote with
             the cobrança simples count and total}, trailer de arquivo.
    remessa: same frame, header 143 = '1', header de lote 'R', P+Q per título (movimento 01),
             trailer de lote totals zero (FEB240 p.159: informed only in retorno).

Every field is valid for the layout: numeric fields are digits, dates are real DDMMAAAA dates
(or zeros = no date), amounts are 9(13)V99, nosso número (38-57) is distinct per título
(8 zeros + 11-digit sequence + mod-11 DV), pagador CPF/CNPJ carry valid check digits.
The retorno movement codes cycle through a fixed 100-slot mix (shuffled by the seed):
55 x 06 liquidação, 25 x 02 entrada confirmada, 8 x 09 baixa, 7 x 28 débito de tarifa,
5 x 03 entrada rejeitada.

Output is deterministic: the same arguments give the same bytes (the generation date is
--date, not today). Lines are built from per-lote %-format byte templates in which only the
changing fields are variables, and written in large chunks to sys.stdout.buffer.

Capacity of the format (and what this script does about it):
  * sequence in lote (9-13) has 5 digits, so a lote holds at most 99,999 segments
    (49,999 títulos of two segments). Without --batches the number of lotes is the smallest
    that fits (1 up to 49,999 títulos); an explicit --batches that does not fit is an error.
  * trailer de arquivo 24-29 (record count) has 6 digits. A file of more than 999,999 lines
    (more than ~499,990 títulos) cannot state its count; the count is then written modulo
    1,000,000 with a note on stderr, and --verify checks it modulo 1,000,000 too.

Examples:
    scripts/gen-cnab240.py --titles 1000 > /tmp/ret.ret
    scripts/gen-cnab240.py --titles 100000 --bank 001 --direction remessa --lf > /tmp/rem.rem
    scripts/gen-cnab240.py --verify /tmp/ret.ret
"""

import argparse
import datetime
import os
import random
import sys

REC = 240
SEQ_MAX = 99_999          # positions 9-13, 9(5)
COUNT_MOD = 1_000_000     # trailer de arquivo 24-29 and trailer de lote 18-23, 9(6)
MAX_LOTES = 9_998         # 0001..9998; 9999 is the trailer de arquivo
CHUNK_TITLES = 4096       # títulos per write() call (~2 MB)

BANK_NAMES = {
    "001": "BANCO DO BRASIL S.A.",
    "033": "BANCO SANTANDER (BRASIL) S.A.",
    "104": "CAIXA ECONOMICA FEDERAL",
    "237": "BANCO BRADESCO S.A.",
    "999": "BANCO EXEMPLO S.A.",
    "341": "BANCO ITAU S.A.",
    "748": "BANCO COOPERATIVO SICREDI",
    "756": "BANCO SICOOB",
}

# Retorno movement kinds: code, slots out of 100, motivos pool (C047), tarifa pool (cents).
# Motivos: 02 -> table A (blank, or A4 = pagador DDA); 03 -> table A rejections;
# 06/09 -> table C (liquidation channel / kind of baixa); 28 -> table B (tarifa kind).
KINDS = {
    "06": (55, ["03", "04", "06", "06", "32", "33", "33", "34"], [150, 195, 250, 290, 350]),
    "02": (25, ["", "", "", "", "", "", "", "A4"], [0, 0, 0, 50, 120]),
    "09": (8, ["09", "10", "11", "12", "13"], [0]),
    "28": (7, ["02", "03", "04", "08", "12", "13"], [200, 350, 480, 650, 1290]),
    "03": (5, ["08", "16", "20", "45", "4648", "46", "48", "63"], [0]),
}
# vencimento minus data de ocorrência, in days, per kind (06: mostly paid before/at due date).
VENC_DELTAS = {
    "06": list(range(0, 30)) + [0, 0, 0, 1, 1, 2] + [-1, -2, -3, -5, -8, -12, -20, -31],
    "02": list(range(5, 95, 3)),
    "09": [-60, -45, -40, -35, -31, -30, -29, -20, -15, -10, 0, 1, 5],
    "28": list(range(-20, 40, 4)),
    "03": list(range(3, 60, 4)),
}

SURNAMES = ["DA SILVA", "DOS SANTOS", "PEREIRA", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA",
            "ALVES", "LIMA", "GOMES", "COSTA", "RIBEIRO", "MARTINS", "CARVALHO", "ALMEIDA",
            "LOPES", "SOARES", "FERNANDES", "VIEIRA", "BARBOSA"]
FIRMS = ["COMERCIO", "SERVICOS", "INDUSTRIA", "DISTRIBUIDORA", "TRANSPORTES", "ALIMENTOS",
         "CONSTRUTORA", "TECNOLOGIA"]
STREETS = ["RUA DAS FLORES", "AVENIDA BRASIL", "RUA SAO JOAO", "RUA XV DE NOVEMBRO",
           "AVENIDA PAULISTA", "RUA DOS ANDRADAS", "TRAVESSA DO COMERCIO", "RUA BARAO DO RIO BRANCO"]
PLACES = [("CENTRO", "SAO PAULO", "SP", "01001"), ("BOA VISTA", "RECIFE", "PE", "50050"),
          ("SAVASSI", "BELO HORIZONTE", "MG", "30140"), ("AUXILIADORA", "PORTO ALEGRE", "RS", "90570"),
          ("BATEL", "CURITIBA", "PR", "80420"), ("ALDEOTA", "FORTALEZA", "CE", "60150"),
          ("COPACABANA", "RIO DE JANEIRO", "RJ", "22041"), ("ASA SUL", "BRASILIA", "DF", "70390"),
          ("PITUBA", "SALVADOR", "BA", "41830"), ("CAMPINAS", "GOIANIA", "GO", "74520")]
RECEIVING_BANKS = ["001", "033", "104", "237", "341", "748", "756"]


# ---------------------------------------------------------------- check digits

def cpf_dvs(d9):
    """Two CPF check digits for a 9-digit string."""
    ds = [int(c) for c in d9]
    for n in (10, 11):
        s = sum(d * w for d, w in zip(ds, range(n, 1, -1)))
        r = s % 11
        ds.append(0 if r < 2 else 11 - r)
    return "%d%d" % (ds[-2], ds[-1])


def cnpj_dvs(d12):
    """Two CNPJ check digits for a 12-digit string."""
    ds = [int(c) for c in d12]
    for ws in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        r = sum(d * w for d, w in zip(ds, ws)) % 11
        ds.append(0 if r < 2 else 11 - r)
    return "%d%d" % (ds[-2], ds[-1])


def valid_document(tipo, digits15):
    """True when a 15-digit zero-padded CPF (tipo 1) / CNPJ (tipo 2) has valid check digits."""
    if tipo == "1":
        if digits15[:4] != "0000":
            return False
        d = digits15[4:]
        return cpf_dvs(d[:9]) == d[9:]
    if tipo == "2":
        if digits15[0] != "0":
            return False
        d = digits15[1:]
        return cnpj_dvs(d[:12]) == d[12:]
    return False


def mod11_dv(digits):
    """Generic mod-11 DV, weights 2..9 from the right, 10/11 -> 0."""
    s = sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(digits)))
    dv = 11 - s % 11
    return 0 if dv >= 10 else dv


# ---------------------------------------------------------------- record templates

class Template:
    """A 240-byte record: constant bytes plus variable fields, compiled to a %-format."""

    def __init__(self):
        self.buf = bytearray(b" " * REC)
        self.vars = []          # (start, end, spec)

    def n(self, start, end, value):
        """Numeric constant: right-aligned, zero-filled; never truncated."""
        size = end - start + 1
        s = ("%0*d" % (size, value)) if isinstance(value, int) else str(value).rjust(size, "0")
        return self._put(start, end, s)

    def a(self, start, end, value):
        """Alphanumeric constant: left-aligned, blank-filled; must fit."""
        return self._put(start, end, str(value).ljust(end - start + 1))

    def _put(self, start, end, s):
        b = s.encode("ascii")
        if len(b) != end - start + 1 or not (1 <= start <= end <= REC):
            raise ValueError("field %d-%d does not fit %r" % (start, end, s))
        self.buf[start - 1:end] = b
        return self

    def var_n(self, start, end):
        """Variable numeric field: an int argument, zero-padded to the width."""
        self.vars.append((start, end, b"%%0%dd" % (end - start + 1)))
        return self

    def var_s(self, start, end):
        """Variable pre-formatted field: a bytes argument of exactly the width."""
        self.vars.append((start, end, b"%s"))
        return self

    def line(self, eol):
        assert not self.vars
        return bytes(self.buf) + eol

    def fmt(self, eol):
        out, pos = [], 1
        for start, end, spec in sorted(self.vars):
            if start < pos:
                raise ValueError("overlapping variable field at %d" % start)
            out.append(bytes(self.buf[pos - 1:start - 1]).replace(b"%", b"%%"))
            out.append(spec)
            pos = end + 1
        out.append(bytes(self.buf[pos - 1:]).replace(b"%", b"%%"))
        out.append(eol)
        return b"".join(out)


def ddmmyyyy(d):
    return "%02d%02d%04d" % (d.day, d.month, d.year)


# ---------------------------------------------------------------- generator

class Generator:
    def __init__(self, args):
        self.a = args
        self.rng = random.Random(args.seed)
        self.eol = b"\n" if args.lf else b"\r\n"
        self.bank = args.bank
        self.retorno = args.direction == "retorno"
        self.day0 = args.date
        rng = self.rng

        # Beneficiário (empresa).
        base = "%08d" % rng.getrandbits(26)
        cnpj12 = base + "0001"
        self.cnpj = cnpj12 + cnpj_dvs(cnpj12)
        self.agencia = 1000 + rng.getrandbits(12) % 8000
        self.ag_dv = str(mod11_dv("%05d" % self.agencia))
        self.conta = 10000 + rng.getrandbits(20) % 900000
        self.conta_dv = str(mod11_dv("%012d" % self.conta))
        self.convenio = "%09d" % (rng.getrandbits(30) % 10**9)
        self.empresa = "TROCA COMERCIO E SERVICOS LTDA"
        self.nsa = args.seed % 999_999 + 1
        self.nn_base = (10 + args.seed % 80) * 10**9

        # Dates, indexed by (offset from the generation date) + DATE0.
        self.DATE0 = 400
        self.dates = [ddmmyyyy(self.day0 + datetime.timedelta(days=o - self.DATE0)).encode()
                      for o in range(2 * self.DATE0 + 1)]

        # Pagadores: 16384 (tipo, document, name, address...), precomputed as byte chunks.
        self.pag_t, self.pag_q = [], []
        for k in range(16384):
            if rng.getrandbits(10) < 717:                   # ~70 % CPF
                d9 = "%09d" % (rng.getrandbits(30) % 10**9)
                tipo, doc = "1", d9 + cpf_dvs(d9)
                name = "PAGADOR %06d %s" % (k, SURNAMES[rng.getrandbits(8) % len(SURNAMES)])
            else:
                d12 = "%08d" % (rng.getrandbits(27) % 10**8) + "%04d" % (1 + rng.getrandbits(2))
                tipo, doc = "2", d12 + cnpj_dvs(d12)
                name = "%s %s %06d LTDA" % (FIRMS[rng.getrandbits(8) % len(FIRMS)],
                                            SURNAMES[rng.getrandbits(8) % len(SURNAMES)], k)
            bairro, cidade, uf, cep5 = PLACES[rng.getrandbits(8) % len(PLACES)]
            street = STREETS[rng.getrandbits(8) % len(STREETS)]
            addr = "%s %d" % (street, 1 + rng.getrandbits(12) % 3000)
            if rng.getrandbits(2) == 0:
                addr += " APTO %d" % (11 + rng.getrandbits(8) % 190)
            cep3 = "%03d" % (rng.getrandbits(10) % 1000)
            t = tipo + doc.rjust(15, "0") + name.ljust(40)
            q = t + addr.ljust(40) + bairro.ljust(15) + cep5 + cep3 + cidade.ljust(15) + uf
            assert len(t) == 56 and len(q) == 136, (t, q)
            self.pag_t.append(t.encode("ascii"))
            self.pag_q.append(q.encode("ascii"))

        # Valores nominais (cents): log-uniform R$ 15,00 .. ~R$ 60.000,00, 8192 of them.
        self.valores = [int(1500 * 4000 ** rng.random()) for _ in range(8192)]

        # Retorno: the 100-slot movement cycle and per-kind pools of 16 / 64.
        cycle = []
        for code, (slots, _, _) in KINDS.items():
            cycle += [code] * slots
        assert len(cycle) == 100
        rng.shuffle(cycle)
        self.cycle = cycle
        self.motivos = {c: [m.ljust(10).encode() for m in (ms * 16)[:16]]
                        for c, (_, ms, _) in KINDS.items()}
        self.tarifas = {c: (ts * 16)[:16] for c, (_, _, ts) in KINDS.items()}
        self.deltas = {c: [ds[j % len(ds)] for j in range(64)] for c, ds in VENC_DELTAS.items()}
        # Banco/agência cobradora (T 97-105) for liquidations.
        self.cobradores = []
        for j in range(16):
            b = RECEIVING_BANKS[j % len(RECEIVING_BANKS)] if j % 3 else self.bank
            ag = "%05d" % (1 + rng.getrandbits(13) % 9999)
            self.cobradores.append((b + ag + str(mod11_dv(ag))).encode())

        # Nosso número DV (mod 11, weights 2..9 from the right) for an 11-digit number, split
        # into the 4 low digits (table) and the 7 high digits (computed when they change).
        self.lo_w = [sum(int(c) * w for c, w in zip(reversed("%04d" % lo), (2, 3, 4, 5)))
                     for lo in range(10000)]
        self.dv_of = [0 if 11 - r >= 10 else 11 - r for r in range(11)]

    # --- fixed records

    def common(self, t, lote, rtype):
        return t.n(1, 3, self.bank).n(4, 7, lote).n(8, 8, rtype)

    def benef(self, t, start):
        """Agência(5) DV(1) conta(12) DV(1) DV ag/conta(1) starting at `start`."""
        return (t.n(start, start + 4, self.agencia).a(start + 5, start + 5, self.ag_dv)
                .n(start + 6, start + 17, self.conta).a(start + 18, start + 18, self.conta_dv)
                .a(start + 19, start + 19, " "))

    def header_arquivo(self):
        t = self.common(Template(), 0, 0)
        t.n(18, 18, 2).n(19, 32, self.cnpj).a(33, 52, self.convenio)
        self.benef(t, 53)
        t.a(73, 102, self.empresa).a(103, 132, BANK_NAMES.get(self.bank, "BANCO " + self.bank)[:30])
        t.n(143, 143, 2 if self.retorno else 1).a(144, 151, ddmmyyyy(self.day0))
        t.n(152, 157, "%02d%02d%02d" % (5 + self.a.seed % 3, self.a.seed % 60, 7))
        t.n(158, 163, self.nsa).a(164, 166, "103").n(167, 171, 0)
        return t.line(self.eol)

    def header_lote(self, lote):
        t = self.common(Template(), lote, 1)
        t.a(9, 9, "T" if self.retorno else "R").n(10, 11, 1).a(14, 16, "060")
        t.n(18, 18, 2).n(19, 33, self.cnpj).a(34, 53, self.convenio)
        self.benef(t, 54)
        t.a(74, 103, self.empresa)
        if not self.retorno:
            t.a(104, 143, "PAGAVEL EM QUALQUER BANCO ATE O VENC.")
        t.n(184, 191, self.nsa).a(192, 199, ddmmyyyy(self.day0))
        t.n(200, 207, ddmmyyyy(self.day0) if self.retorno else 0)
        return t.line(self.eol)

    def trailer_lote(self, lote, records, titles, total):
        t = self.common(Template(), lote, 5)
        t.n(18, 23, records % COUNT_MOD)
        if self.retorno:
            t.n(24, 29, titles).n(30, 46, total)
        else:
            t.n(24, 46, 0)
        t.n(47, 115, 0).n(116, 123, 0)
        return t.line(self.eol)

    def trailer_arquivo(self, lotes, lines):
        t = self.common(Template(), 9999, 9)
        t.n(18, 23, lotes).n(24, 29, lines % COUNT_MOD).n(30, 35, 0)
        return t.line(self.eol)

    # --- detail templates (per lote; the lote and the movement code are constants)

    def tmpl_t(self, lote, code):
        t = self.common(Template(), lote, 3)
        t.var_n(9, 13).a(14, 14, "T").a(15, 15, " ").n(16, 17, code)
        self.benef(t, 18)
        t.n(38, 45, 0).var_n(46, 56).var_n(57, 57)                    # nosso número
        t.n(58, 58, 1)                                                  # carteira simples
        t.a(59, 60, "DP").var_n(61, 69).a(70, 70, "/").var_n(71, 72)    # número do documento
        t.var_s(74, 81).var_n(82, 96)                                   # vencimento, valor
        t.var_s(97, 105)                                                # banco/agência cobradora
        t.a(106, 108, "TRC").var_n(109, 120)                            # uso da empresa
        t.n(131, 132, 9).var_s(133, 188)                                # moeda, pagador
        t.n(189, 198, 0).var_n(199, 213).var_s(214, 223)                # contrato, tarifa, motivos
        return t.fmt(self.eol)

    def tmpl_u(self, lote, code):
        t = self.common(Template(), lote, 3)
        t.var_n(9, 13).a(14, 14, "U").a(15, 15, " ").n(16, 17, code)
        t.var_n(18, 32).var_n(33, 47).n(48, 62, 0).n(63, 77, 0)       # juros+multa, desconto
        t.var_n(78, 92).var_n(93, 107).n(108, 122, 0).n(123, 137, 0)  # pago, líquido
        t.var_s(138, 145).var_s(146, 153)                               # ocorrência, crédito
        t.n(158, 165, 0).n(166, 180, 0).n(211, 213, 0).n(214, 233, 0)
        return t.fmt(self.eol)

    def tmpl_p(self, lote):
        t = self.common(Template(), lote, 3)
        t.var_n(9, 13).a(14, 14, "P").a(15, 15, " ").n(16, 17, 1)
        self.benef(t, 18)
        t.n(38, 45, 0).var_n(46, 56).var_n(57, 57)
        t.n(58, 58, 1).n(59, 59, 1).a(60, 60, "1").n(61, 61, 2).a(62, 62, "2")
        t.a(63, 64, "DP").var_n(65, 73).a(74, 74, "/").var_n(75, 76)
        t.var_s(78, 85).var_n(86, 100)
        t.n(101, 105, 0).a(106, 106, " ").n(107, 108, 2).a(109, 109, "N")
        t.var_s(110, 117)                                               # emissão
        t.n(118, 118, 1).var_s(119, 126).var_n(127, 141)                # juros por dia
        t.n(142, 142, 0).n(143, 150, 0).n(151, 165, 0).n(166, 180, 0).n(181, 195, 0)
        t.a(196, 198, "TRC").var_n(199, 210)                            # uso da empresa
        t.n(221, 221, 3).n(222, 223, 0).n(224, 224, 1).a(225, 227, "060")
        t.n(228, 229, 9).n(230, 239, 0).a(240, 240, "1")
        return t.fmt(self.eol)

    def tmpl_q(self, lote):
        t = self.common(Template(), lote, 3)
        t.var_n(9, 13).a(14, 14, "Q").a(15, 15, " ").n(16, 17, 1)
        t.var_s(18, 153)
        t.n(154, 154, 0).n(155, 169, 0).n(210, 212, 0)
        return t.fmt(self.eol)

    # --- body

    def lote_sizes(self):
        n, k = self.a.titles, self.a.batches
        return [n // k + (1 if j < n % k else 0) for j in range(k)]

    def run(self, out):
        write = out.write
        sizes = self.lote_sizes()
        write(self.header_arquivo())
        lines = 1
        i = 0  # global título index
        for lote, size in enumerate(sizes, 1):
            write(self.header_lote(lote))
            if self.retorno:
                total = self.body_retorno(write, lote, i, size)
            else:
                total = self.body_remessa(write, lote, i, size)
            i += size
            records = 2 + 2 * size
            write(self.trailer_lote(lote, records, size, total if self.retorno else 0))
            lines += records
        lines += 1
        write(self.trailer_arquivo(len(sizes), lines))
        if lines >= COUNT_MOD:
            sys.stderr.write("gen-cnab240: note: %d lines do not fit trailer de arquivo 24-29 "
                             "(6 digits); written modulo 1,000,000 as %06d\n" % (lines, lines % COUNT_MOD))

    def body_retorno(self, write, lote, i0, size):
        getbits = self.rng.getrandbits
        tt = {c: self.tmpl_t(lote, c) for c in KINDS}
        ut = {c: self.tmpl_u(lote, c) for c in KINDS}
        cycle, motivos, tarifas, deltas = self.cycle, self.motivos, self.tarifas, self.deltas
        pag_t, valores, dates, cobr = self.pag_t, self.valores, self.dates, self.cobradores
        zero_cobr, zero_date = b"00000000 ", b"00000000"  # DV 105 is X: blank
        lo_w, dv_of, nn_base, D0 = self.lo_w, self.dv_of, self.nn_base, self.DATE0
        last_hi, hi_w = -1, 0
        total = 0
        seq = 1
        buf = []
        for i in range(i0, i0 + size):
            r = getbits(64)
            code = cycle[i % 100]
            valor = valores[r & 8191]
            total += valor
            occ = D0 - 1 - ((r >> 13) & 1)
            delta = deltas[code][(r >> 14) & 63]
            venc = occ + delta
            tarifa = tarifas[code][(r >> 20) & 15]
            nn = nn_base + i
            hi = nn // 10000
            if hi != last_hi:
                last_hi = hi
                hi_w = sum(int(c) * w for c, w in zip(reversed("%07d" % hi), (6, 7, 8, 9, 2, 3, 4)))
            dv = dv_of[(hi_w + lo_w[nn - hi * 10000]) % 11]
            if code == "06":
                late = -delta if delta < 0 else 0
                if late:
                    juros = valor * late * 33 // 100000 + valor * 2 // 100
                    desconto = 0
                else:
                    juros = 0
                    desconto = valor * 5 // 100 if (delta >= 5 and (r >> 24) & 3 == 0) else 0
                pago = valor + juros - desconto
                liquido = pago - tarifa
                cob = cobr[(r >> 26) & 15]
                credito = dates[occ + 1]
            else:
                juros = desconto = pago = liquido = 0
                cob = zero_cobr
                credito = zero_date
            buf.append(tt[code] % (seq, nn, dv, i // 3 + 1, i % 3 + 1, dates[venc], valor, cob,
                                   i + 1, pag_t[(r >> 30) & 16383], tarifa,
                                   motivos[code][(r >> 44) & 15]))
            buf.append(ut[code] % (seq + 1, juros, desconto, pago, liquido, dates[occ], credito))
            seq += 2
            if len(buf) >= 2 * CHUNK_TITLES:
                write(b"".join(buf))
                buf.clear()
        if buf:
            write(b"".join(buf))
        return total

    def body_remessa(self, write, lote, i0, size):
        getbits = self.rng.getrandbits
        pt, qt = self.tmpl_p(lote), self.tmpl_q(lote)
        pag_q, valores, dates = self.pag_q, self.valores, self.dates
        lo_w, dv_of, nn_base, D0 = self.lo_w, self.dv_of, self.nn_base, self.DATE0
        last_hi, hi_w = -1, 0
        seq = 1
        buf = []
        for i in range(i0, i0 + size):
            r = getbits(64)
            valor = valores[r & 8191]
            emissao = D0 - ((r >> 13) & 7)
            venc = D0 + 5 + ((r >> 16) & 63)
            nn = nn_base + i
            hi = nn // 10000
            if hi != last_hi:
                last_hi = hi
                hi_w = sum(int(c) * w for c, w in zip(reversed("%07d" % hi), (6, 7, 8, 9, 2, 3, 4)))
            dv = dv_of[(hi_w + lo_w[nn - hi * 10000]) % 11]
            buf.append(pt % (seq, nn, dv, i // 3 + 1, i % 3 + 1, dates[venc], valor,
                             dates[emissao], dates[venc + 1], valor * 33 // 100000, i + 1))
            buf.append(qt % (seq + 1, pag_q[(r >> 22) & 16383]))
            seq += 2
            if len(buf) >= 2 * CHUNK_TITLES:
                write(b"".join(buf))
                buf.clear()
        if buf:
            write(b"".join(buf))
        return 0


# ---------------------------------------------------------------- verifier

def valid_date(b, allow_zero=False):
    if allow_zero and b == b"00000000":
        return True
    if not b.isdigit():
        return False
    try:
        datetime.date(int(b[4:8]), int(b[2:4]), int(b[0:2]))
        return True
    except ValueError:
        return False


def verify(path):
    """Re-read a generated file; return a list of error strings (empty = ok) and a summary."""
    errors = []

    def err(lineno, msg):
        if len(errors) < 25:
            errors.append("%s:%d: %s" % (path, lineno, msg))

    with open(path, "rb") as f:
        data_iter = iter(f)
        first = next(data_iter, None)
        if first is None:
            return ["%s: empty file" % path], ""
        eol = b"\r\n" if first.endswith(b"\r\n") else b"\n"
        width = REC + len(eol)
        lineno = 0
        lines = 0
        direction = None
        bank = None
        lote = 0            # current lote number, 0 = outside a lote
        lotes = 0
        seq = 0
        in_lote_records = 0
        titles = 0
        total = 0
        titles_all = 0
        pending = None      # (segment, code) of the first segment of a título awaiting its pair
        nns = set()
        saw_trailer = False
        for line in _chain(first, data_iter):
            lineno += 1
            lines += 1
            if len(line) != width or not line.endswith(eol):
                err(lineno, "line length %d, expected %d bytes + %r" % (len(line) - len(eol), REC, eol))
                continue
            if not line.isascii():
                err(lineno, "non-ASCII bytes")
            if saw_trailer:
                err(lineno, "record after the trailer de arquivo")
                continue
            rec = line[:REC]
            rtype = rec[7:8]
            rb = rec[0:3]
            if lineno == 1:
                if rtype != b"0" or rec[3:7] != b"0000":
                    err(lineno, "first record is not a header de arquivo")
                    break
                bank = rb
                direction = {b"1": "remessa", b"2": "retorno"}.get(rec[142:143])
                if direction is None:
                    err(lineno, "header 143 is %r, expected 1 or 2" % rec[142:143])
                    break
                if rec[163:166] != b"103":
                    err(lineno, "layout version 164-166 is %r, expected 103" % rec[163:166])
                if not valid_date(rec[143:151]):
                    err(lineno, "invalid data de geração 144-151")
                if not rec[18:32].isdigit() or not valid_document("2", "0" + rec[18:32].decode()):
                    err(lineno, "invalid CNPJ 19-32")
                continue
            if rb != bank:
                err(lineno, "bank %r differs from the header's %r" % (rb, bank))
            if rtype == b"1":
                if lote:
                    err(lineno, "header de lote inside lote %d" % lote)
                lotes += 1
                lote = lotes
                if rec[3:7] != b"%04d" % lote:
                    err(lineno, "lote %r, expected %04d" % (rec[3:7], lote))
                want = b"T" if direction == "retorno" else b"R"
                if rec[8:9] != want:
                    err(lineno, "tipo de operação 9 is %r, expected %r" % (rec[8:9], want))
                if rec[13:16] != b"060":
                    err(lineno, "lote layout version 14-16 is %r, expected 060" % rec[13:16])
                seq, in_lote_records, titles, total = 0, 1, 0, 0
            elif rtype == b"3":
                if not lote:
                    err(lineno, "detail outside a lote")
                    continue
                in_lote_records += 1
                seq += 1
                if rec[3:7] != b"%04d" % lote:
                    err(lineno, "lote %r, expected %04d" % (rec[3:7], lote))
                if rec[8:13] != b"%05d" % (seq % 100000):
                    err(lineno, "sequence %r, expected %05d" % (rec[8:13], seq))
                    if rec[8:13].isdigit():
                        seq = int(rec[8:13])  # resynchronise: report each break once
                seg, code = rec[13:14], rec[15:17]
                first_seg, second_seg = (b"T", b"U") if direction == "retorno" else (b"P", b"Q")
                if not code.isdigit():
                    err(lineno, "movement code %r" % code)
                if seg == first_seg:
                    if pending:
                        err(lineno, "segment %s without its %s" % (first_seg.decode(), second_seg.decode()))
                    pending = code
                    titles += 1
                    titles_all += 1
                    nn = rec[37:57]
                    if nn in nns:
                        err(lineno, "nosso número %r repeated" % nn)
                    nns.add(nn)
                    if rec[57:58] != b"1":
                        err(lineno, "carteira 58 is %r, expected 1" % rec[57:58])
                    if direction == "retorno":
                        v, vdate = rec[81:96], rec[73:81]
                        for a, b_, name in ((198, 213, "tarifa 199-213"), (188, 198, "contrato 189-198")):
                            if not rec[a:b_].isdigit():
                                err(lineno, "non-numeric " + name)
                        tipo = rec[132:133].decode()
                        if not valid_document(tipo, rec[133:148].decode()):
                            err(lineno, "invalid pagador document %r/%r (133-148)" % (tipo, rec[133:148]))
                        if code not in (b"02", b"03", b"06", b"09", b"28"):
                            err(lineno, "unexpected movement code %r" % code)
                    else:
                        v, vdate = rec[85:100], rec[77:85]
                        if not valid_date(rec[109:117]):
                            err(lineno, "invalid data de emissão 110-117")
                    if not v.isdigit():
                        err(lineno, "non-numeric valor nominal %r" % v)
                    else:
                        total += int(v)
                    if not valid_date(vdate):
                        err(lineno, "invalid vencimento %r" % vdate)
                elif seg == second_seg:
                    if pending is None:
                        err(lineno, "segment %s without its %s" % (second_seg.decode(), first_seg.decode()))
                    elif pending != code:
                        err(lineno, "movement code %r differs from the título's %r" % (code, pending))
                    pending = None
                    if direction == "retorno":
                        for a in (17, 32, 47, 62, 77, 92, 107, 122):
                            if not rec[a:a + 15].isdigit():
                                err(lineno, "non-numeric amount at %d" % (a + 1))
                        if not valid_date(rec[137:145]):
                            err(lineno, "invalid data de ocorrência 138-145 %r" % rec[137:145])
                        if not valid_date(rec[145:153], allow_zero=True):
                            err(lineno, "invalid data de crédito 146-153 %r" % rec[145:153])
                    else:
                        tipo = rec[17:18].decode()
                        if not valid_document(tipo, rec[18:33].decode()):
                            err(lineno, "invalid pagador document (18-33)")
                else:
                    err(lineno, "unexpected segment %r" % seg)
            elif rtype == b"5":
                if not lote:
                    err(lineno, "trailer de lote outside a lote")
                    continue
                if pending:
                    err(lineno, "lote ends inside a título")
                    pending = None
                in_lote_records += 1
                if rec[3:7] != b"%04d" % lote:
                    err(lineno, "lote %r, expected %04d" % (rec[3:7], lote))
                if rec[17:23] != b"%06d" % (in_lote_records % COUNT_MOD):
                    err(lineno, "trailer de lote 18-23 %r, lote has %d records" % (rec[17:23], in_lote_records))
                if direction == "retorno":
                    if rec[23:29] != b"%06d" % titles:
                        err(lineno, "trailer de lote 24-29 %r, lote has %d títulos" % (rec[23:29], titles))
                    if rec[29:46] != b"%017d" % total:
                        err(lineno, "trailer de lote 30-46 %r, sum is %017d" % (rec[29:46], total))
                    if rec[46:123] != b"0" * 77:
                        err(lineno, "trailer de lote 47-123 not zero")
                elif rec[23:123] != b"0" * 100:
                    err(lineno, "remessa trailer de lote 24-123 not zero")
                lote = 0
            elif rtype == b"9":
                if lote:
                    err(lineno, "trailer de arquivo inside lote %d" % lote)
                if rec[3:7] != b"9999":
                    err(lineno, "trailer de arquivo 4-7 is %r" % rec[3:7])
                if rec[17:23] != b"%06d" % lotes:
                    err(lineno, "trailer de arquivo 18-23 %r, file has %d lotes" % (rec[17:23], lotes))
                if rec[23:29] != b"%06d" % (lines % COUNT_MOD):
                    err(lineno, "trailer de arquivo 24-29 %r, file has %d lines" % (rec[23:29], lines))
                saw_trailer = True
            else:
                err(lineno, "unexpected record type %r" % rtype)
        if not saw_trailer and not errors:
            errors.append("%s: no trailer de arquivo" % path)
    summary = "%s: %s, %d lines, %d lotes, %d títulos, %s line endings" % (
        path, direction, lines, lotes, titles_all, "CRLF" if eol == b"\r\n" else "LF")
    return errors, summary


def _chain(first, rest):
    yield first
    yield from rest


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Generate a synthetic FEBRABAN CNAB 240 cobrança file on stdout, "
                    "or --verify one.",
        epilog="See the module docstring (head of this file) for the layout details.")
    p.add_argument("--titles", type=int, default=1000, help="number of títulos (default 1000)")
    p.add_argument("--direction", choices=["retorno", "remessa"], default="retorno",
                   help="retorno: T+U per título (default); remessa: P+Q")
    p.add_argument("--bank", default="999", help="bank code, 3 digits (default 999: a FEBRABAN-conformant bank Troca has no layout of its own for)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--batches", type=int, default=None,
                   help="number of lotes, títulos split evenly (default: 1, or the fewest lotes "
                        "whose 5-digit sequence fits, i.e. ceil(titles/49999))")
    p.add_argument("--date", default="2025-06-04",
                   help="generation date YYYY-MM-DD (default 2025-06-04; fixed for determinism)")
    eol = p.add_mutually_exclusive_group()
    eol.add_argument("--crlf", dest="lf", action="store_false", help="CRLF line endings (default)")
    eol.add_argument("--lf", dest="lf", action="store_true", help="LF line endings")
    p.set_defaults(lf=False)
    p.add_argument("--verify", metavar="FILE",
                   help="re-read a generated FILE, check lengths, sequences, trailer counts; "
                        "exit 1 on a mismatch")
    a = p.parse_args(argv)
    if a.verify:
        return a
    if len(a.bank) != 3 or not a.bank.isdigit():
        p.error("--bank must be 3 digits")
    if a.titles < 0:
        p.error("--titles must be >= 0")
    if a.seed < 0:
        p.error("--seed must be >= 0")
    per_lote = (SEQ_MAX - 1) // 2  # 49,999 títulos of two segments
    if a.batches is None:
        a.batches = max(1, -(-a.titles // per_lote))
    if a.batches < 1 or a.batches > MAX_LOTES:
        p.error("--batches must be 1..%d" % MAX_LOTES)
    if -(-a.titles // a.batches) > per_lote:
        p.error("%d títulos in %d lote(s) overflow the 5-digit sequence in lote (positions 9-13: "
                "at most %d títulos of 2 segments per lote); use --batches %d or more"
                % (a.titles, a.batches, per_lote, -(-a.titles // per_lote)))
    if a.titles > 99_999_999:
        p.error("--titles is limited to 99,999,999")
    try:
        a.date = datetime.date.fromisoformat(a.date)
    except ValueError:
        p.error("--date must be YYYY-MM-DD")
    if not (datetime.date(1900, 1, 1) + datetime.timedelta(days=500) <= a.date
            <= datetime.date(9999, 12, 31) - datetime.timedelta(days=500)):
        p.error("--date out of range")
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.verify:
        errors, summary = verify(a.verify)
        if errors:
            for e in errors:
                sys.stderr.write("FAIL " + e + "\n")
            sys.stderr.write("gen-cnab240: verify failed (%d%s problems)\n"
                             % (len(errors), "+" if len(errors) >= 25 else ""))
            return 1
        sys.stderr.write("OK " + summary + "\n")
        return 0
    out = sys.stdout.buffer
    try:
        Generator(a).run(out)
        out.flush()
    except BrokenPipeError:
        # `| head`: stop quietly; point stdout at /dev/null so the exit flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
