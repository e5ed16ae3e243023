"""Check digits for the sample generators (imported by the scripts beside it): CPF and CNPJ,
and the banks' nosso número DVs (cnab-boleto-facts §C.5, §H)."""


def cpf(base9):
    """A CPF: the 9 digits given, then their two check digits (mod 11, weights 10..2 and 11..2)."""
    d = [int(c) for c in base9]
    for n in (10, 11):
        s = sum(x * w for x, w in zip(d, range(n, 1, -1)))
        d.append(0 if s % 11 < 2 else 11 - s % 11)
    return "".join(map(str, d))


def cnpj(base12):
    """A numeric CNPJ: the 12 digits given, then their two check digits."""
    d = [int(c) for c in base12]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        s = sum(x * w for x, w in zip(d, weights))
        d.append(0 if s % 11 < 2 else 11 - s % 11)
    return "".join(map(str, d))


def random_cpf(rng):
    """A valid CPF from nine draws of rng."""
    return cpf("".join(str(rng.randrange(10)) for _ in range(9)))


def random_cnpj(rng):
    """A valid CNPJ of a head office (branch 0001) from eight draws of rng."""
    return cnpj("".join(str(rng.randrange(10)) for _ in range(8)) + "0001")


def mod11(digits, weights_from_right):
    total = sum(int(d) * weights_from_right[i % len(weights_from_right)] for i, d in enumerate(reversed(digits)))
    return total % 11


def dv_santander(nn12):
    r = mod11(nn12, [2, 3, 4, 5, 6, 7, 8, 9])
    return "0" if r in (0, 1) else str(11 - r)


def dv_caixa(nn17):
    d = 11 - mod11(nn17, [2, 3, 4, 5, 6, 7, 8, 9])
    return "0" if d > 9 else str(d)


def dv_bradesco(carteira2, nn11):
    r = mod11(carteira2 + nn11, [2, 3, 4, 5, 6, 7])
    return "0" if r == 0 else "P" if r == 1 else str(11 - r)


def dac_mod10(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        p = int(d) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return str((10 - total % 10) % 10)


def dv_sicredi(digits):
    d = 11 - mod11(digits, [2, 3, 4, 5, 6, 7, 8, 9])
    return "0" if d > 9 else str(d)


def dv_sicoob(coop4, client10, nn7):
    seq = coop4 + client10 + nn7
    total = sum(int(d) * [3, 1, 9, 7][i % 4] for i, d in enumerate(seq))
    r = total % 11
    return "0" if r in (0, 1) else str(11 - r)
