#!/usr/bin/env python3
"""Benchmarks (issue 15): import and report on SQLite and PostgreSQL at several scales, each beside
its real floor measured in the same run on the same files.

  python3 Tools/bench/bench.py [--backends sqlite,postgres] [--runs 5] SCALE ...   (default: 1 10)

- load floor: the database's own loader (`sqlite3 .import` / `psql \\copy`) putting the same
  training rows into the same schema (constraints, indexes), against `teacher-registry import
  training` (full validation, upsert, change log) into a copy of the same registry;
- scan floor: the database's own client reading every row the report reads (per table a count(*)
  and a sum(length(staff_no))), against `teacher-registry report --year 2025 --format json`.
Wall times are medians; peak memory is the client process's (the PostgreSQL server's own memory is
not in it). Needs the release build (built here), sqlite3, /usr/bin/time, and for PostgreSQL either
$BENCH_POSTGRES (a server URL whose user may create databases) or PostgreSQL installed (a throwaway
cluster is started). Work files go to $BENCH_DIR (default /tmp/teacher-registry-bench).
"""
import argparse, csv, json, os, shutil, statistics, subprocess, sys, time, uuid
from urllib.parse import urlparse

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = os.environ.get("BENCH_DIR", "/tmp/teacher-registry-bench")
binary = os.path.join(root, ".build/release/teacher-registry")

# The tables the report reads, with the text column summed (staff_no where the table has it).
REPORT_TABLES = [("teachers", "staff_no"), ("assignments", "staff_no"), ("degrees", "staff_no"), ("titles", "staff_no"),
                 ("training", "staff_no"), ("certificates", "staff_no"), ("registrations", "number"),
                 ("designations", "staff_no"), ("rotations", "staff_no"), ("schools", "code"), ("studios", "code"),
                 ("studio_budgets", "studio_code"), ("appraisals", "staff_no"), ("training_voids", "actor")]
TRAINING_COLUMNS = "staff_no,title,level,mode,kind,provider,start_date,end_date,hours_tenths,credits_tenths,status,ref"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def timed(cmd, cwd=None, env=None, stdin=None):
    """Runs cmd; returns (wall seconds, peak KiB of the process)."""
    out = os.path.join(work, "time.out")
    t = time.monotonic()
    with open(os.devnull, "w") as devnull:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, cwd=cwd, env=env, stdout=devnull,
                           stderr=subprocess.PIPE, stdin=stdin, text=True)
    wall = time.monotonic() - t
    if p.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    return wall, int(open(out).read().split()[-1])


def median_of(runs, cmd, **kw):
    walls, peaks = [], []
    timed(cmd, **kw)  # warm-up
    for _ in range(runs):
        w, k = timed(cmd, **kw)
        walls.append(w); peaks.append(k)
    return statistics.median(walls), max(peaks)


def tenths_csv(src, dst):
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
        r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
        w.writerow(next(r))
        for row in r:
            row[8] = str(round(float(row[8]) * 10))
            row[9] = str(round(float(row[9]) * 10)) if row[9] else ""
            w.writerow(row)


def scan_sql():
    return "\n".join(f"SELECT count(*), sum(length({c})) FROM {t};" for t, c in REPORT_TABLES) + "\n"


class Postgres:
    def __init__(self):
        self.started = None
        url = os.environ.get("BENCH_POSTGRES")
        if not url:
            out = subprocess.run(["bash", os.path.join(root, "Tools/postgres/throwaway.sh"), "start"], check=True,
                                 capture_output=True, text=True).stdout
            env = dict(l.split("=", 1) for part in out.split("\n") for l in part.replace("export ", "").split() if "=" in l)
            self.started = env["PGDIR"]
            url = env["TEACHER_REGISTRY_TEST_POSTGRES"]
        self.server = url
        u = urlparse(url)
        self.host, self.port, self.user = u.hostname, str(u.port or 5432), u.username or "postgres"

    def url(self, db):
        return f"postgres://{self.user}@{self.host}:{self.port}/{db}"

    def psql(self, db, *args, **kw):
        return ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", self.port, "-U", self.user, "-d", db] + list(args)

    def create(self, db, template=None):
        subprocess.run(self.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {db}"), check=True)
        subprocess.run(self.psql("postgres", "-c", f"CREATE DATABASE {db}" + (f" TEMPLATE {template}" if template else "")), check=True)

    def stop(self):
        if self.started:
            subprocess.run(["bash", os.path.join(root, "Tools/postgres/throwaway.sh"), "stop", self.started])


def free_port():
    import socket
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    return p


def new_training(src, dst):
    """Every row of training.csv as a new record (another reference and title): an import that writes."""
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
        r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
        h = next(r); w.writerow(h)
        ti, ri = h.index("title"), h.index("ref")
        for row in r:
            row[ti] += "（补录）"
            row[ri] = (row[ri] + "-B") if row[ri] else ""
            w.writerow(row)


def http_under_import(d, db, extra_args):
    """wrk -t2 -c64 on the report route from 2 s before an import into the served registry until 3 s
    after it committed (so the figures are recomputed while wrk runs, at every scale)."""
    import urllib.request, re, signal
    if not shutil.which("wrk"):
        return None
    port = free_port()
    srv = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port)] + extra_args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/reports/teacher-growth/2025"
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=120).read(); break
            except Exception:
                time.sleep(0.2)
        extra = os.path.join(d, "training-new.csv")
        new_training(os.path.join(d, "csv", "training.csv"), extra)
        # wrk stops and prints its figures on SIGINT. Its timeout is 30 s rather than 2 s: the first
        # request after the commit waits for the recomputed report (seconds at 10×), which is
        # a slow answer, not a failed one — the maximum latency is reported beside the p99.
        wrk = subprocess.Popen(["wrk", "-t2", "-c64", "-d3600s", "--timeout", "30s", "--latency", url], stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        t = time.monotonic()
        imp = subprocess.run([binary, "--db", db, "import", "training", extra] + extra_args, capture_output=True, text=True)
        import_s = time.monotonic() - t
        time.sleep(3)
        wrk.send_signal(signal.SIGINT)
        out = wrk.communicate()[0]
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
        mx = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", out)
        scale = {"us": 0.001, "ms": 1, "s": 1000}
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = re.search(r"Socket errors: (.*)", out)
        reqs = re.search(r"Requests/sec:\s+([\d.]+)", out)
        return {"p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
                "max_ms": float(mx.group(1)) * scale[mx.group(2)] if mx else None,
                "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else "none",
                "rps": float(reqs.group(1)) if reqs else None, "import_ok": imp.returncode == 0, "import_s": import_s}
    finally:
        srv.terminate(); srv.wait()


def bench(scale, backends, runs, pg, lean=False):
    d = os.path.join(work, f"scale-{scale}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "base"))
    log(f"scale {scale}: the demo county as CSV …")
    subprocess.run([binary, "demo", "--scale", str(scale), "--csv-dir", os.path.join(d, "csv")], check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.listdir(os.path.join(d, "csv")))
    all_rows = sum(sum(1 for _ in open(os.path.join(d, "csv", f), encoding="utf-8")) - 1 for f in files)
    for f in files:
        if f != "training.csv" and not lean:
            shutil.copy(os.path.join(d, "csv", f), os.path.join(d, "base", f))
    training = os.path.join(d, "csv", "training.csv")
    training_rows = sum(1 for _ in open(training, encoding="utf-8")) - 1
    if not lean:
        tenths_csv(training, os.path.join(d, "training-tenths.csv"))
    with open(os.path.join(d, "scan.sql"), "w") as f:
        f.write(scan_sql())
    key = ["--key-file", os.path.join(d, "bench.key")]
    results = []
    for backend in backends:
        r = {"scale": scale, "backend": backend, "rows": all_rows, "training_rows": training_rows}
        if backend == "sqlite":
            full = os.path.join(d, "full.sqlite")
            log(f"scale {scale} sqlite: import-dir …")
            r["import_s"], r["import_kb"] = timed([binary, "--db", full, "import-dir", os.path.join(d, "csv")])
            if lean:
                # One registry only (at 100× the copies of the full bench do not fit on the disk).
                log(f"scale {scale} sqlite: report and scan floor …")
                r["report_s"], r["report_kb"] = median_of(runs, [binary, "--db", full, "report", "--year", "2025", "--format", "json"])
                r["scan_s"], _ = median_of(runs, ["sh", "-c", f"sqlite3 {full} < {d}/scan.sql"])
                log(json.dumps(r))
                results.append(r)
                os.remove(full)
                continue
            base = os.path.join(d, "base.sqlite")
            subprocess.run([binary, "--db", base, "import-dir", os.path.join(d, "base")], check=True, stdout=subprocess.DEVNULL)
            shutil.copy(base, os.path.join(d, "ours.sqlite")); shutil.copy(base, os.path.join(d, "floor.sqlite"))
            log(f"scale {scale} sqlite: training alone, ours and sqlite3 .import …")
            r["ours_s"], r["ours_kb"] = timed([binary, "--db", os.path.join(d, "ours.sqlite"), "import", "training", training])
            r["load_floor_s"], _ = timed(["sqlite3", os.path.join(d, "floor.sqlite"), "-init", "/dev/null", "-cmd",
                                          f".read {root}/Tools/bench/floor-import.sql", ".quit"], cwd=d)
            log(f"scale {scale} sqlite: report and scan floor …")
            r["report_s"], r["report_kb"] = median_of(runs, [binary, "--db", full, "report", "--year", "2025", "--format", "json"])
            r["scan_s"], _ = median_of(runs, ["sh", "-c", f"sqlite3 {full} < {d}/scan.sql"])
            log(f"scale {scale} sqlite: report route under wrk -c64 while an import writes …")
            r["http"] = http_under_import(d, full, [])
        else:
            tag = f"s{str(scale).replace('.', '_')}"
            full = f"bench_full_{tag}"
            pg.create(full)
            log(f"scale {scale} postgres: import-dir …")
            r["import_s"], r["import_kb"] = timed([binary, "--db", pg.url(full), "import-dir", os.path.join(d, "csv")] + key)
            if lean:
                log(f"scale {scale} postgres: report and scan floor …")
                r["report_s"], r["report_kb"] = median_of(runs, [binary, "--db", pg.url(full), "report", "--year", "2025", "--format", "json"] + key)
                r["scan_s"], _ = median_of(runs, pg.psql(full, "-f", os.path.join(d, "scan.sql")))
                subprocess.run(pg.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {full}"), check=True)
                log(json.dumps(r))
                results.append(r)
                continue
            base = f"bench_base_{tag}"
            pg.create(base)
            subprocess.run([binary, "--db", pg.url(base), "import-dir", os.path.join(d, "base")] + key, check=True, stdout=subprocess.DEVNULL)
            pg.create(f"bench_ours_{tag}", template=base); pg.create(f"bench_floor_{tag}", template=base)
            log(f"scale {scale} postgres: training alone, ours and psql \\copy …")
            r["ours_s"], r["ours_kb"] = timed([binary, "--db", pg.url(f"bench_ours_{tag}"), "import", "training", training] + key)
            r["load_floor_s"], _ = timed(pg.psql(f"bench_floor_{tag}", "-1", "-c",
                                                 f"\\copy training({TRAINING_COLUMNS}) FROM 'training-tenths.csv' CSV HEADER"), cwd=d)
            log(f"scale {scale} postgres: report and scan floor …")
            r["report_s"], r["report_kb"] = median_of(runs, [binary, "--db", pg.url(full), "report", "--year", "2025", "--format", "json"] + key)
            r["scan_s"], _ = median_of(runs, pg.psql(full, "-f", os.path.join(d, "scan.sql")))
            log(f"scale {scale} postgres: report route under wrk -c64 while an import writes …")
            r["http"] = http_under_import(d, pg.url(full), key)
            for db in (base, f"bench_ours_{tag}", f"bench_floor_{tag}"):
                subprocess.run(pg.psql("postgres", "-c", f"DROP DATABASE IF EXISTS {db}"), check=True)
        log(json.dumps(r))
        results.append(r)
    return results


def row(r):
    mib = lambda kb: f"{kb / 1024:,.0f} MiB"
    tr = r["training_rows"]
    if "ours_s" not in r:  # --lean
        return (f"| {r['scale']}× | {r['backend']} | {r['rows']:,} rows in {r['import_s']:.1f} s = {r['rows'] / r['import_s']:,.0f} rows/s, {mib(r['import_kb'])} "
                f"| not measured (--lean) | not measured | | {r['report_s']:.2f} s, {mib(r['report_kb'])} | {r['scan_s']:.2f} s | {r['report_s'] / r['scan_s']:.1f}× | not measured |")
    h = r.get("http")
    http = ("wrk missing" if not h else f"p99 {h['p99_ms']:.1f} ms (max {h['max_ms']:,.0f} ms), {h['rps']:,.0f} req/s, non-2xx {h['non2xx']}, socket errors {h['socket_errors']}; "
                                    f"import of {r['training_rows']:,} new rows {'ok' if h['import_ok'] else 'FAILED'} in {h['import_s']:.1f} s")
    return (f"| {r['scale']}× | {r['backend']} | {r['rows']:,} rows in {r['import_s']:.1f} s = {r['rows'] / r['import_s']:,.0f} rows/s, {mib(r['import_kb'])} "
            f"| {tr / r['ours_s']:,.0f} rows/s, {mib(r['ours_kb'])} | {tr / r['load_floor_s']:,.0f} rows/s | {r['load_floor_s'] / r['ours_s']:.0%} "
            f"| {r['report_s']:.2f} s, {mib(r['report_kb'])} | {r['scan_s']:.2f} s | {r['report_s'] / r['scan_s']:.1f}× | {http} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scales", nargs="*", default=["1", "10"])
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lean", action="store_true", help="import-dir, report and scan floor only, one registry at a time (100×: disk)")
    a = ap.parse_args()
    os.makedirs(work, exist_ok=True)
    backends = a.backends.split(",")
    if not os.environ.get("BENCH_NO_BUILD"):
        log("building release …")
        subprocess.run(["swift", "build", "-c", "release"], cwd=root, check=True, stdout=sys.stderr)
    pg = Postgres() if "postgres" in backends else None
    try:
        results = []
        for s in a.scales:
            results += bench(s, backends, a.runs, pg, lean=a.lean)
    finally:
        if pg:
            pg.stop()
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| scale | backend | import-dir, all files (wall, client peak) | training alone: ours (full validation, upsert, change log) | load floor (`sqlite3 .import` / `psql \\copy`) | ours / floor | `report --year 2025 --format json` (median, peak) | scan floor (`count(*)`, `sum(length(staff_no))` per table) | report / scan | report route, `wrk -t2 -c64` from 2 s before an import until 3 s after its commit |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(row(r))


if __name__ == "__main__":
    main()
