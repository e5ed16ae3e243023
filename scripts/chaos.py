#!/usr/bin/env python3
"""Helpers of scripts/chaos.sh: `drop` puts files into a watched inbox while the watcher is being
killed; `check` verifies the folder afterwards. Standard library only."""
import hashlib, json, os, random, sys, time


def numbered(sample, i):
    """The sample retorno with its header's company name (positions 73-102) numbered: distinct bytes."""
    lines = sample.split(b"\r\n")
    name = (b"CHAOS %05d" % i).ljust(30)
    lines[0] = lines[0][:72] + name + lines[0][102:]
    return b"\r\n".join(lines)


def drop(sample_path, folder, count, seed):
    rnd = random.Random(seed)
    sample = open(sample_path, "rb").read()
    inbox = os.path.join(folder, "inbox")
    made = []  # (name, kind, sha256)
    for i in range(count):
        if i % 7 == 6 and made:
            body = numbered(sample, rnd.randrange(i))  # same content as an earlier drop
            kind = "duplicate-candidate"
        elif i % 11 == 10:
            body = numbered(sample, 10_000 + i)[: 242 * 40 + 17]  # no trailers: structurally broken
            kind = "broken"
        else:
            body = numbered(sample, i)
            kind = "ok"
        name = "F%04d.ret" % i
        path = os.path.join(inbox, name)
        if i % 3 == 0:
            # Written slowly, in pieces: the watcher must wait for it to settle.
            with open(path, "wb") as f:
                step = len(body) // 3 + 1
                for k in range(0, len(body), step):
                    f.write(body[k : k + step])
                    f.flush()
                    time.sleep(0.1)
        elif i % 5 == 1:
            # Written under a hidden name, renamed, then marked ready with NAME.ok.
            tmp = os.path.join(inbox, "." + name)
            open(tmp, "wb").write(body)
            os.rename(tmp, path)
            open(path + ".ok", "wb").close()
        else:
            open(path, "wb").write(body)
        made.append((name, kind, hashlib.sha256(body).hexdigest()))
        time.sleep(rnd.uniform(0.0, 0.15))
    json.dump(made, open(os.path.join(folder, "..", "dropped.json"), "w"))


def check(folder):
    made = json.load(open(os.path.join(folder, "..", "dropped.json")))
    problems = []
    where = {}
    for sub in ("done", "failed", "duplicates"):
        base = os.path.join(folder, sub)
        for dirpath, _, names in os.walk(base):
            for n in names:
                if n.endswith(".error.json"):
                    continue
                where.setdefault(n, []).append(os.path.relpath(os.path.join(dirpath, n), folder))
    for d in ("inbox", "work"):
        left = [n for n in os.listdir(os.path.join(folder, d))]
        if left:
            problems.append("%s/ is not empty: %s" % (d, left))
    journal = [json.loads(l) for l in open(os.path.join(folder, "journal.jsonl")) if l.strip()]
    done = [e for e in journal if e["event"] == "done"]
    done_hashes = {}
    for e in done:
        done_hashes.setdefault(e["sha256"], []).append(e["file"])
    for h, names in done_hashes.items():
        if len(names) > 1:
            problems.append("content %s… processed %d times: %s" % (h[:12], len(names), names))
    seen_hashes = set()
    aside = []
    for name, kind, h in made:
        places = where.get(name, [])
        if len(places) != 1:
            problems.append("%s is in %d places: %s" % (name, len(places), places))
            continue
        place = places[0].split("/")[0]
        if kind == "broken":
            want = "failed"
        elif h in seen_hashes:
            want = "duplicates"
        else:
            want = "done"
        # The first drop of a content is done, later ones are duplicates — unless the later copy
        # was claimed first (drops overlap the watcher's polls): then either order is right.
        # A good file whose runs were all cut by kills set aside after Watcher.maxTries tries is
        # right too: the watcher cannot tell those kills from a stage that crashes it.
        set_aside = False
        if place == "failed" and kind != "broken":
            try:
                with open(os.path.join(folder, places[0] + ".error.json")) as f:
                    set_aside = "never finished" in json.load(f).get("reason", "")
            except (OSError, ValueError):
                pass
        if set_aside:
            aside.append(name)
        elif place != want and not (kind != "broken" and place in ("done", "duplicates")):
            problems.append("%s (%s) is in %s/, expected %s/" % (name, kind, place, want))
        if kind != "broken":
            seen_hashes.add(h)
        if place == "done" and done_hashes.get(h) != [name]:
            problems.append("%s is in done/ but the journal's done entries for its content are %s" % (name, done_hashes.get(h)))
        if place == "duplicates" and h not in done_hashes:
            problems.append("%s is in duplicates/ but no file with its content is done" % name)
        if place == "failed" and not os.path.exists(os.path.join(folder, places[0] + ".error.json")):
            problems.append("%s failed without %s.error.json" % (name, name))
    outs = sorted(os.listdir(os.path.join(folder, "out")))
    expected_outs = sorted(n["outputs"][0].split("/", 1)[1] for n in done)
    if outs != expected_outs:
        problems.append("out/ holds %s, the journal's done entries name %s" % (outs, expected_outs))
    for n in outs:
        lines = open(os.path.join(folder, "out", n), "rb").read().split(b"\n")
        if lines[-1] != b"":
            problems.append("out/%s does not end with a newline" % n)
        records = []
        for k, l in enumerate(lines[:-1]):
            try:
                records.append(json.loads(l))
            except ValueError:
                problems.append("out/%s line %d does not parse" % (n, k + 1))
                break
        if not records or records[-1].get("record") != "file" or records[-1].get("part") != "trailer":
            problems.append("out/%s is incomplete: its last record is not the file trailer" % n)
    dropped = {name for name, _, _ in made}
    counts = {p: sum(1 for n, v in where.items() for x in v if n in dropped and x.startswith(p)) for p in ("done", "failed", "duplicates")}
    print("chaos: %d dropped: %d done, %d failed, %d duplicates (and TERM.ret done); %d outputs; %d journal lines"
          % (len(made), counts["done"], counts["failed"], counts["duplicates"], len(outs), len(journal)))
    if aside:
        print("chaos: set aside after every one of their runs was killed: %s" % ", ".join(aside))
    for p in problems:
        print("chaos: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "drop":
        drop(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(check(sys.argv[2]))
