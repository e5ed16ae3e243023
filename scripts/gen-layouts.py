#!/usr/bin/env python3
"""Writes Sources/FixedWidth/BuiltinLayouts.swift from every JSON file under layouts/: each
layout's JSON text (for lint, list and show) and the same layout as Swift values, so that the
troca binary starts without decoding JSON. A test fails when the generated file is stale."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "FixedWidth", "BuiltinLayouts.swift")


def lit(v):
    """A Swift literal for a JSON string (or nil)."""
    if v is None:
        return "nil"
    s = json.dumps(v, ensure_ascii=False)  # JSON string escapes are valid Swift escapes except \/ and \u
    out = []
    for ch in s[1:-1].encode("utf-16", "surrogatepass").decode("utf-16"):
        out.append(ch)
    body = "".join(out)
    body = body.replace("\\/", "/")
    import re
    body = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: "\\u{" + m.group(1) + "}", body)
    return '"' + body + '"'


def strdict(d):
    if d is None:
        return "nil"
    if not d:
        return "[:]"
    return "[" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(d.items())) + "]"


def field(f):
    truncate = "" if "truncate" not in f else ", truncate: " + ("true" if f["truncate"] else "false")
    if "keep_case" in f:
        truncate += ", keepCase: " + ("true" if f["keep_case"] else "false")
    if "same_as" in f:
        truncate += ", sameAs: " + lit(f["same_as"])
    return ("FieldLayout(name: {}, pos: {}, picture: {}, format: {}, enum: {}, default: {}, to: {}, doc: {}{})"
            .format(lit(f["name"]), json.dumps(f["pos"]), lit(f["picture"]), lit(f.get("format")),
                    strdict(f.get("enum")), lit(f.get("default")), lit(f.get("to")), lit(f.get("doc")), truncate))


def record(r):
    sel = ", ".join(f"Selector(pos: {json.dumps(s['pos'])}, values: [{', '.join(lit(v) for v in s['values'])}])" for s in r["select"])
    fields = ",\n                    ".join(field(f) for f in r["fields"])
    req = "nil" if "requires" not in r else "[" + ", ".join(lit(x) for x in r["requires"]) + "]"
    role = "nil" if "role" not in r else f"RecordRole(rawValue: {lit(r['role'])})"
    return (f"RecordLayout(\n                name: {lit(r['name'])}, role: {role}, startsGroup: {json.dumps(r['starts_group']) if 'starts_group' in r else 'nil'},\n"
            f"                requires: {req}, fallback: {json.dumps(r['fallback']) if 'fallback' in r else 'nil'},\n"
            f"                select: [{sel}],\n                fields: [\n                    {fields},\n                ],\n"
            f"                doc: {lit(r.get('doc'))})")


RECORD_FUNCS = []


def layout(j):
    # Each record is built by a function of its own: in a debug build every temporary of a
    # function gets its own stack slot, and a whole layout in one function overflowed the small
    # stacks of test threads.
    names = []
    for r in j["records"]:
        name = f"record{len(RECORD_FUNCS)}"
        RECORD_FUNCS.append((name, f"{j['name']}: {r['name']}", record(r)))
        names.append(f"{name}()")
    recs = ",\n            ".join(names)
    return (f"Layout(\n            kind: {lit(j['kind'])}, name: {lit(j['name'])}, version: {lit(j['version'])}, doc: {lit(j.get('doc'))},\n"
            f"            recordLength: {j['record_length']}, extends: {lit(j.get('extends'))},\n            records: [\n            {recs},\n            ]{checks(j.get('checks'))}{writing(j.get('writing'))}{defaults(j.get('defaults'))})")


def defaults(d):
    if d is None:
        return ""
    return ", defaults: " + strdict(d)


def writing(w):
    if w is None:
        return ""
    required = w.get('required_on_register')
    required = "nil" if required is None else "[" + ", ".join(lit(p) for p in required) + "]"
    return (f", writing: LayoutWriting(endOfFile: {lit(w.get('end_of_file'))}, fileName: {lit(w.get('file_name'))}, "
            f"requiredOnRegister: {required})")


def checks(c):
    if c is None:
        return ""
    return (f", checks: LayoutChecks(batchNumbers: {lit(c.get('batch_numbers'))}, batchRecordCount: {lit(c.get('batch_record_count'))}, "
            f"fileRecordCount: {lit(c.get('file_record_count'))})")


def codes(j):
    mv = ",\n            ".join(
        f"{lit(k)}: CodeTable.Movement(text: {lit(v['text'])}, event: {lit(v['event'])}, reasons: {lit(v.get('reasons'))})"
        for k, v in sorted(j["movements"].items()))
    rs = ",\n            ".join(f"{lit(k)}: {strdict(v)}" for k, v in sorted(j["reasons"].items()))
    rm = "nil"
    if "remessa_movements" in j:
        rm = "[\n            " + ",\n            ".join(
            f"{lit(k)}: CodeTable.RemessaMovement(text: {lit(v['text'])}, movement: {lit(v['movement'])})"
            for k, v in sorted(j["remessa_movements"].items())) + ",\n        ]"
    reasons = f"[\n            {rs},\n        ]" if rs else "[:]"  # a table without reason tables
    return (f"CodeTable(\n        kind: {lit(j['kind'])}, name: {lit(j['name'])}, version: {lit(j['version'])}, doc: {lit(j.get('doc'))},\n"
            f"        movements: [\n            {mv},\n        ],\n        reasons: {reasons},\n        remessaMovements: {rm})")


def main():
    files = []
    for dirpath, _, names in os.walk(os.path.join(ROOT, "layouts")):
        for n in names:
            if n.endswith(".json"):
                files.append(os.path.join(dirpath, n))
    files.sort(key=lambda p: os.path.relpath(p, os.path.join(ROOT, "layouts")))
    out = ["// swift-format-ignore-file", "// GENERATED by scripts/gen-layouts.sh from layouts/ — do not edit; run the script instead.", "",
           "/// The layouts compiled into the binary: each JSON file's text, byte for byte, and the same",
           "/// layout as Swift values so that start-up decodes no JSON.",
           "public enum BuiltinLayouts {",
           "    /// Every built-in layout's JSON text, sorted by name.",
           "    public static let files: [(name: String, json: String)] = ["]
    decoded_layouts = []
    decoded_codes = []
    for path in files:
        name = os.path.relpath(path, os.path.join(ROOT, "layouts"))[:-5]
        text = open(path, encoding="utf-8").read()
        if '"""#' in text:
            sys.exit(f"error: {path} contains the raw-string terminator")
        body = text[:-1] if text.endswith("\n") else text
        out.append(f'        (\n            "{name}",\n            #"""\n{body}\n"""#\n        ),')
        j = json.loads(text)
        if j.get("kind") == "layout":
            decoded_layouts.append((name, layout(j)))
        elif j.get("kind") == "codes":
            decoded_codes.append((name, codes(j)))
    out.append("    ]")
    out.append("")
    # One function per layout and table: the compiler type-checks each on its own (one literal of
    # every layout took gigabytes to compile), and start-up builds only the layouts it uses.
    def index(items, noun, kind, prefix, method):
        """The names, the maker functions by name, and the lookup of one kind of built-in value."""
        out.append(f"    /// The names of the {noun} above that have values.")
        out.append(f"    static let {method}Names: [String] = [" + ", ".join(f'"{n}"' for n, _ in items) + "]")
        out.append("")
        out.append(f"    /// The functions that build the built-in {noun}, by name.")
        out.append(f"    static let {method}Makers: [String: @Sendable () -> {kind}] = [")
        for i, (name, _) in enumerate(items):
            out.append(f'        "{name}": {prefix}{i},')
        out.append("    ]")
        out.append("")
        out.append(f"    /// A built-in {kind} as values (`extends` not resolved), by name.")
        out.append(f"    static func {method}(named name: String) -> {kind}? {{ {method}Makers[name]?() }}")
        out.append("")

    index(decoded_layouts, "layouts", "Layout", "layout", "layout")
    index(decoded_codes, "code tables", "CodeTable", "codes", "codeTable")
    for i, (name, v) in enumerate(decoded_layouts):
        out.append("")
        out.append(f"    /// {name}")
        out.append(f"    static func layout{i}() -> Layout {{")
        out.append(f"        {v}")
        out.append("    }")
    for fname, label, v in RECORD_FUNCS:
        out.append("")
        out.append(f"    /// {label}")
        out.append(f"    static func {fname}() -> RecordLayout {{")
        out.append(f"        {v}")
        out.append("    }")
    for i, (name, v) in enumerate(decoded_codes):
        out.append("")
        out.append(f"    /// {name}")
        out.append(f"    static func codes{i}() -> CodeTable {{")
        out.append(f"        {v}")
        out.append("    }")
    out.append("}")
    tmp = OUT + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, OUT)
    print("wrote", os.path.relpath(OUT, ROOT))


main()
