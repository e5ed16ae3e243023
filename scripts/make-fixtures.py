#!/usr/bin/env python3
"""Builds the inputs of the CLI golden cases under Fixtures/ from our own synthetic files
(scripts/gen-cnab240.py, written from the FEBRABAN manual) plus precise, named mutations.

Run it after changing the generator; then `TROCA_RECORD=1 swift test --filter GoldenTests`
re-records expout/experr/status, which you review in `git diff` before committing.
It never touches expout/experr/status of existing cases."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Fixtures")


def gen(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-cnab240.py"), *args],
                          check=True, stdout=subprocess.PIPE).stdout


def lines(data):
    return data.split(b"\r\n")[:-1] if data.endswith(b"\r\n") else data.split(b"\n")


def join(ls, eol=b"\r\n", final=True):
    return eol.join(ls) + (eol if final else b"")


def put(rel, data):
    path = os.path.join(FIX, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def case(command, slug, cmd, files=None, stdin=None):
    folder = f"{command}/{slug}"
    put(f"{folder}/cmd", (cmd + "\n").encode())
    for name, data in (files or {}).items():
        put(f"{folder}/{name}", data)
    if stdin is not None:
        put(f"{folder}/stdin", stdin)


def setf(line, pos, value):
    """Returns line with bytes at 1-based pos replaced by value."""
    return line[:pos - 1] + value + line[pos - 1 + len(value):]


RET = gen("--titles", "4", "--batches", "2", "--direction", "retorno", "--seed", "7")
REM = gen("--titles", "3", "--direction", "remessa", "--seed", "8")
put("samples/RETORNO-240.ret", RET)
put("samples/REMESSA-240.rem", REM)
R = lines(RET)

case("cnab-parse", "0001-retorno-crlf", "troca cnab parse RET.ret", {"RET.ret": RET})
case("cnab-parse", "0002-remessa", "troca cnab parse REM.rem", {"REM.rem": REM})
case("cnab-parse", "0003-stdin-dash", "troca cnab parse -", stdin=RET)
# U segment of the first título (line 4) with 31/02/2026 as data da ocorrência (U 138-145).
bad = list(R)
bad[3] = setf(bad[3], 138, b"31022026")
case("cnab-parse", "0004-invalid-date-rejects-titulo", "troca cnab parse RET.ret", {"RET.ret": join(bad)})
# Trailing blanks trimmed from every line, LF only.
case("cnab-parse", "0005-trimmed-lines", "troca cnab parse RET.ret", {"RET.ret": join([l.rstrip(b" ") for l in R], b"\n")})
# A payer name written as UTF-8 by a character-counting writer: the line is 241 bytes.
utf = list(R)
utf[2] = utf[2][:148] + "JOSÉ DAVILA".encode("utf-8") + utf[2][148 + 11:]
case("cnab-parse", "0006-utf8-name-transcoded", "troca cnab parse RET.ret", {"RET.ret": join(utf)})
lat = list(R)
lat[2] = setf(lat[2], 149, "JOSÉ D'ÁVILA".encode("latin-1"))
case("cnab-parse", "0007-latin1-name", "troca cnab parse RET.ret", {"RET.ret": join(lat)})
case("cnab-parse", "0008-utf8-bom", "troca cnab parse RET.ret", {"RET.ret": b"\xef\xbb\xbf" + RET})
case("cnab-parse", "0009-utf16-one-error", "troca cnab parse RET.ret", {"RET.ret": RET.decode("latin-1").encode("utf-16")})
case("cnab-parse", "0010-truncated-no-trailer", "troca cnab parse RET.ret", {"RET.ret": join(R[:-3])})
gap = list(R)
gap[4] = setf(gap[4], 9, b"00009")
case("cnab-parse", "0011-sequence-gap", "troca cnab parse RET.ret", {"RET.ret": join(gap)})
unk = list(R)
unk[3] = setf(setf(unk[3], 14, b"Z"), 16, b"00")
case("cnab-parse", "0012-unknown-segment-kept", "troca cnab parse RET.ret", {"RET.ret": join(unk)})
orphan = list(R)
del orphan[2]  # the first T: its U is left without a título
case("cnab-parse", "0013-orphan-segment", "troca cnab parse RET.ret", {"RET.ret": join(orphan)})
# A CNAB 400 retorno of a bank code no layout knows (999 at 77-79): refused as a whole, naming the banks that have layouts.
c400 = b"02RETORNO01COBRANCA" + b" " * 57 + b"999" + b" " * 315 + b"000001\r\n" + b"9" + b" " * 393 + b"000002\r\n"
case("cnab-parse", "0014-cnab400-unknown-bank", "troca cnab parse RET400.ret", {"RET400.ret": c400})
long = list(R)
long[2] = long[2] + b"X"
case("cnab-parse", "0015-overlong-line", "troca cnab parse RET.ret", {"RET.ret": join(long)})
cnt = list(R)
cnt[-1] = setf(cnt[-1], 24, b"000099")
case("cnab-parse", "0016-file-trailer-count", "troca cnab parse RET.ret", {"RET.ret": join(cnt)})
case("cnab-parse", "0017-no-final-newline-eof-byte", "troca cnab parse RET.ret", {"RET.ret": join(R, final=False) + b"\x1a"})
mixed = b"".join(l + (b"\r\n" if i % 2 else b"\n") for i, l in enumerate(R))
case("cnab-parse", "0018-mixed-line-endings", "troca cnab parse RET.ret", {"RET.ret": mixed})
case("cnab-parse", "0019-missing-file", "troca cnab parse NOPE.ret")
case("cnab-parse", "0020-unknown-option", "troca cnab parse --frobnicate RET.ret", {"RET.ret": RET})

case("cnab-check", "0001-clean", "troca cnab check RET.ret REM.rem", {"RET.ret": RET, "REM.rem": REM})
many = list(R)
many[1] = setf(many[1], 4, b"0002")          # batch header numbered 2
many[3] = setf(many[3], 146, b"30022026")    # invalid data de crédito
many[6] = setf(many[6], 18, b"000009")       # batch trailer record count
case("cnab-check", "0002-many-problems", "troca cnab check RET.ret", {"RET.ret": join(many)})
case("cnab-check", "0003-one-missing-one-ok", "troca cnab check NOPE.ret RET.ret", {"RET.ret": RET})

for name in ["cnab240/febraban/common", "cnab240/febraban/remessa", "cnab240/febraban/retorno"]:
    case("layout-show", name.replace("/", "-"), f"troca layout show {name}")
case("layout-show", "unknown-layout", "troca layout show cnab240/nope/retorno")
case("layout-list", "0001-builtin", "troca layout list")
broken = b"""{
  "kind": "layout",
  "name": "test/broken",
  "version": "1",
  "record_length": 20,
  "records": [
    {
      "name": "detalhe",
      "role": "detail",
      "select": [ { "pos": [1, 1], "values": ["1"] } ],
      "fields": [
        { "name": "tipo", "pos": [1, 1], "picture": "9" },
        { "name": "valor", "pos": [2, 8], "picture": "9(5)V99" },
        { "name": "nome", "pos": [8, 12], "picture": "X(5)" },
        { "name": "data", "pos": [15, 20], "picture": "9(6)", "format": "ddMMyyyy", "fromat": "x" }
      ]
    }
  ]
}
"""
case("layout-lint", "0001-builtin", "troca layout lint")
case("layout-lint", "0002-broken-layout", "troca layout lint layouts", {"layouts/test/broken.json": broken})
case("help", "0001-help", "troca help")
case("help", "0002-unknown-command", "troca frobnicate")
case("help", "0003-parse-help", "troca cnab parse --help")
case("help", "0004-unknown-subcommand", "troca cnab frob")
print("fixtures written under", FIX)
