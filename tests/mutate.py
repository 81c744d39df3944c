#!/usr/bin/env python3
"""make mutate: single-line mutants (tests/mutants.txt), one at a time, in a
scratch copy of the tree; for each, the fast levels (unit tests, BPF packet
tables) and then the one e2e file the mutant names. Prints every mutant's
fate, every survivor and the mutation score. Not part of make test.

  tests/mutate.py [--list FILE] [--only REGEX] [--check] [--keep]

--check only validates the list against the tree (every file exists, every
pattern occurs exactly once): run it after moving files. Exit status: 0 when
no mutant survives unexplained, 1 when one does, 2 when the list does not
match the tree or the unmutated copy fails its own tests.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEP = " @@ "


class ListError(Exception):
    pass


def parse(path):
    """Mutants of the list: dicts with name, file, levels, pattern, replacement, equivalent."""
    aliases, mutants, names = {}, [], set()
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{path}:{no}"
            if line.startswith("@"):
                parts = line[1:].split()
                if len(parts) != 2:
                    raise ListError(f"{where}: an alias line is '@name path'")
                aliases[parts[0]] = parts[1]
                continue
            fields = line.split(SEP)
            if len(fields) not in (5, 6):
                raise ListError(f"{where}: expected 5 or 6 fields separated by '{SEP.strip()}', got {len(fields)}")
            name, file, levels, pattern, replacement = (x.strip() if i < 3 else x for i, x in enumerate(fields[:5]))
            equivalent = ""
            if len(fields) == 6:
                if not fields[5].strip().startswith("equivalent:"):
                    raise ListError(f"{where}: a 6th field must read 'equivalent: reason'")
                equivalent = fields[5].strip()[len("equivalent:"):].strip()
            if name in names:
                raise ListError(f"{where}: mutant name {name} used twice")
            names.add(name)
            if file.startswith("@"):
                if file[1:] not in aliases:
                    raise ListError(f"{where}: unknown alias {file}")
                file = aliases[file[1:]]
            lv = levels.split("+")
            for lvl in lv:
                if lvl not in ("unit", "bpf") and not lvl.startswith("e2e:"):
                    raise ListError(f"{where}: level '{lvl}' is none of unit, bpf, e2e:<t_NN_name>")
            if pattern == replacement:
                raise ListError(f"{where}: pattern and replacement are the same")
            mutants.append(dict(name=name, file=file, levels=lv, pattern=pattern, replacement=replacement,
                                equivalent=equivalent, where=where))
    return mutants


def validate(mutants, root):
    """Every file exists and every pattern occurs exactly once in it."""
    errors = []
    for m in mutants:
        p = os.path.join(root, m["file"])
        if not os.path.isfile(p):
            errors.append(f"{m['where']}: {m['name']}: no file {m['file']} (moved? update the alias)")
            continue
        with open(p, encoding="utf-8") as f:
            n = f.read().count(m["pattern"])
        if n != 1:
            errors.append(f"{m['where']}: {m['name']}: pattern {m['pattern']!r} occurs {n} times in {m['file']}"
                          + (" (code changed? update the mutant)" if n == 0 else " (make it unique)"))
        for lvl in m["levels"]:
            if lvl.startswith("e2e:") and not os.path.isfile(os.path.join(root, "tests/e2e", lvl[4:] + ".sh")):
                errors.append(f"{m['where']}: {m['name']}: no e2e test tests/e2e/{lvl[4:]}.sh")
    if errors:
        raise ListError("\n".join(errors))


def sh(cmd, cwd, timeout, env=None):
    """Runs cmd; returns (exit status, last lines of its output). 124 on timeout."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           env=env, start_new_session=True)
        out = p.stdout.decode(errors="replace")
        return p.returncode, "\n".join(out.splitlines()[-12:])
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return 124, "\n".join(out.splitlines()[-12:]) + f"\n(timed out after {timeout} s)"


def scratch_copy():
    """The tracked and untracked (not ignored) files of the tree, in a new directory."""
    d = tempfile.mkdtemp(prefix="icmpmon-mutate.")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, stdout=subprocess.PIPE).stdout.decode().split("\0")
    for rel in files:
        src = os.path.join(REPO, rel)
        if not rel or not os.path.isfile(src):
            continue
        os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(d, rel))
    return d


def make(root, *targets, timeout=900):
    return sh(["make", "-s", "-j", str(os.cpu_count() or 2), *targets], root, timeout)


def run_levels(root, levels, e2e_timeout):
    """The fast levels, then the named e2e file. Returns (level that caught it or None, its output)."""
    rc, out = make(root, "unit-test")
    if rc:
        return "unit", out
    rc, out = make(root, "bpf-test")
    if rc:
        return "bpf", out
    for lvl in levels:
        if lvl.startswith("e2e:"):
            env = dict(os.environ, ICMPMON=os.path.join(root, "build/icmpmon"))
            rc, out = sh(["bash", "tests/e2e/run.sh", lvl[4:]], root, e2e_timeout, env)
            if rc:
                return lvl, out
            if re.search(r"^\d+ passed, 0 failed, [1-9]\d* skipped$", out, re.M):
                return None, out + "\n(the e2e test skipped: nothing caught)"
    return None, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", default=os.path.join(REPO, "tests/mutants.txt"))
    ap.add_argument("--only", help="run only mutants whose name matches this regular expression")
    ap.add_argument("--check", action="store_true", help="validate the list against the tree, run nothing")
    ap.add_argument("--keep", action="store_true", help="keep the scratch copy")
    ap.add_argument("--e2e-timeout", type=int, default=400)
    a = ap.parse_args()
    try:
        mutants = parse(a.list)
        if a.only:
            mutants = [m for m in mutants if re.search(a.only, m["name"])]
        validate(mutants, REPO)
    except ListError as e:
        print(f"mutate: the mutant list does not match the tree:\n{e}", file=sys.stderr)
        return 2
    print(f"mutate: {len(mutants)} mutants in {os.path.relpath(a.list, REPO)}, all patterns found once")
    if a.check:
        return 0
    if os.geteuid() != 0:
        print("mutate: the BPF and e2e levels need root", file=sys.stderr)
        return 2

    t0 = time.time()
    root = scratch_copy()
    print(f"mutate: scratch copy {root}")
    rc, out = make(root, "all")
    if rc:
        print(f"mutate: the unmutated copy does not build:\n{out}", file=sys.stderr)
        return 2
    caught, _ = run_levels(root, [], a.e2e_timeout)
    if caught:
        print(f"mutate: the unmutated copy fails its {caught} tests", file=sys.stderr)
        return 2

    killed, survived, explained, stillborn = [], [], [], []
    for m in mutants:
        t1 = time.time()
        path = os.path.join(root, m["file"])
        with open(path, encoding="utf-8") as f:
            orig = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(orig.replace(m["pattern"], m["replacement"], 1))
        try:
            rc, out = make(root, "all")
            if rc:
                stillborn.append(m)
                fate = "DOES NOT BUILD (fix the mutant)\n" + out
            else:
                by, out = run_levels(root, m["levels"], a.e2e_timeout)
                if by:
                    killed.append(m)
                    want = [lvl for lvl in m["levels"]]
                    fate = f"killed by {by}" + ("" if by in want else f" (listed for {'+'.join(want)})")
                elif m["equivalent"]:
                    explained.append(m)
                    fate = f"survived, equivalent: {m['equivalent']}"
                else:
                    survived.append(m)
                    fate = "SURVIVED\n" + out
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(orig)
        print(f"[{len(killed) + len(survived) + len(explained) + len(stillborn)}/{len(mutants)}] {m['name']}"
              f" ({m['file']}, {time.time() - t1:.0f} s): {fate}", flush=True)

    scored = len(killed) + len(survived)
    print()
    print(f"mutate: {len(killed)} killed, {len(survived)} survived, {len(explained)} equivalent, "
          f"{len(stillborn)} did not build; {time.time() - t0:.0f} s")
    if scored:
        print(f"mutation score: {len(killed)}/{scored} = {100.0 * len(killed) / scored:.1f}%")
    for m in survived:
        print(f"survivor: {m['name']}: {m['file']}: {m['pattern']!r} -> {m['replacement']!r} "
              f"(should be caught by {'+'.join(m['levels'])})")
    for m in explained:
        print(f"equivalent: {m['name']}: {m['equivalent']}")
    for m in stillborn:
        print(f"does not build: {m['name']} ({m['where']})")
    if a.keep:
        print(f"mutate: scratch copy kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if survived or stillborn else 0


if __name__ == "__main__":
    sys.exit(main())
