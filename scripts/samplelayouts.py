"""Sample CNAB lines rendered from the layouts under layouts/ (imported by gen-cnab240-samples.py
and gen-cnab400.py): the layout loader, field and line rendering, and the retorno codes picked
from an occurrence table."""

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYOUTS = os.path.join(ROOT, "layouts")

# The retorno code each event is written with, by preference (else the table's first for it).
EVENT_CODES = {
    "registered": ["02", "01"],
    "rejected": ["03", "99"],
    "paid": ["06", "21"],
    "written_off": ["09", "10", "02", "23"],
}

DATE_FORMATS = {"ddMMyy": "%d%m%y", "ddMMyyyy": "%d%m%Y", "yyyyMMdd": "%Y%m%d", "HHmmss": "%H%M%S"}


def load(name):
    """A layout with `extends` resolved and its `defaults` applied (layouts/README.md)."""
    with open(os.path.join(LAYOUTS, name + ".json"), encoding="utf-8") as f:
        d = json.load(f)
    if d.get("extends"):
        parent = load(d["extends"])
        records = {r["name"]: r for r in parent["records"]}
        order = [r["name"] for r in parent["records"]]
        for r in d["records"]:
            if r["name"] not in records:
                order.append(r["name"])
            records[r["name"]] = r
        d["records"] = [records[n] for n in order]
        for key, value in d.get("defaults", {}).items():
            record, field = key.split(".")
            [f for f in records[record]["fields"] if f["name"] == field][0]["default"] = value
        for key in ("checks", "writing"):
            if key not in d and key in parent:
                d[key] = parent[key]
    return d


def picture_kind(picture):
    return "9" if picture.startswith("9") else "X"


def span(field):
    return field["pos"][1] - field["pos"][0] + 1


def role(layout, name):
    return [r for r in layout["records"] if r["role"] == name and not r.get("fallback")]


def codes_for(occ):
    """The retorno code of each event in EVENT_CODES that the occurrence table has."""
    out = {}
    for event, prefs in EVENT_CODES.items():
        movements = occ["movements"]
        pick = [c for c in prefs if c in movements and movements[c]["event"] == event]
        if not pick:
            pick = [c for c in sorted(movements) if movements[c]["event"] == event]
        if pick:
            out[event] = pick[0]
    return out


class Renderer:
    """Lines of `length` bytes. `text(value, field)` makes a text value ASCII the way the writer
    does; `may_cut(field)` says whether a text too long for its field may be cut (else an
    error); `pad_ints` zero-pads integer values to their field also in text fields."""

    def __init__(self, length, text, may_cut, pad_ints=False):
        self.length = length
        self.text = text
        self.may_cut = may_cut
        self.pad_ints = pad_ints
        self.cuts = 0

    def field(self, field, value, where):
        width = span(field)
        kind = picture_kind(field["picture"])
        fmt = field.get("format")
        name = f"{where}: {field['name']}"
        if value is None:
            if "default" in field:
                return field["default"]
            return ("0" if kind == "9" else " ") * width
        if fmt in DATE_FORMATS:
            out = value.strftime(DATE_FORMATS[fmt])
        elif fmt == "enum":
            raw = [k for k, v in field["enum"].items() if v == value]
            if not raw:
                raise SystemExit(f"{name}: no raw value for {value!r}")
            out = raw[0]
        elif self.pad_ints and isinstance(value, int):
            out = str(value).rjust(width, "0")
        else:
            out = str(value)
        if kind == "9":
            if not out.isdigit() or len(out) > width:
                raise SystemExit(f"{name}: {out!r} is not at most {width} digits")
            return out.rjust(width, "0")
        out = self.text(out, field)
        if len(out) > width:
            if not self.may_cut(field):
                raise SystemExit(f"{name}: {out!r} does not fit in {width} and may not be cut")
            self.cuts += 1
            out = out[:width]
        return out.ljust(width)

    def line(self, record, values, where, structural):
        """One line: `values` keyed by `to` (split across fields sharing a `to`, in order);
        `structural` gives the values of `_batch`, `_sequence`… (None: the field's default)."""
        by_to = {}
        for f in record["fields"]:
            if f.get("to"):
                by_to.setdefault(f["to"], []).append(f)
        line = []
        consumed = {}
        by_name = {f["name"]: f for f in record["fields"]}
        for f in record["fields"]:
            if "same_as" in f:
                # Written as the field it repeats is (layouts/README.md, `same_as`).
                f = dict(by_name[f["same_as"]], name=f["name"], pos=f["pos"])
            to = f.get("to")
            value = None
            if to in structural:
                value = structural[to]
            elif to in values:
                value = values[to]
                group = by_to[to]
                if len(group) > 1 and isinstance(value, str):
                    total = sum(span(g) for g in group)
                    text = value.rjust(total, "0") if value.isdigit() else value.ljust(total)
                    start = consumed.get(to, 0)
                    value = text[start:start + span(f)]
                    consumed[to] = start + span(f)
            line.append(self.field(f, value, f"{where} {record['name']}"))
        text = "".join(line)
        if len(text) != self.length:
            raise SystemExit(f"{where}: {record['name']} rendered {len(text)} bytes")
        return text
