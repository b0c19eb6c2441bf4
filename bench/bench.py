#!/usr/bin/env python3
"""Benchmark tsunagu on synthetic sites of N providers in the project's real format.

    python3 bench/bench.py                 # N = 1,000 and 10,000
    python3 bench/bench.py 1000 10000 100000
    python3 bench/bench.py --runs 5 10000

For each N it generates a deterministic site (all categories, areas and services of the
sample site.toml, realistic Japanese text, 200 Markdown articles), then prints the median of
several runs of: a clean full build, a no-change rebuild, a rebuild after editing one record,
`check`, the peak memory of the full build, the output's size and file count, and the
disk's floor: the time to copy the output tree to a fresh folder. Every timed run is
preceded by `sync` and, when run as root, by dropping the page cache.
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "tsunagu")

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
PLACES = ["本町", "駅前町", "栄町", "北山町", "桜台", "東原町", "朝日町", "南浜町", "若葉町"]
KINDS = ["クリニック", "医院", "薬局", "訪問看護ステーション", "ケアプランセンター", "ヘルパーステーション", "デイサービス"]


def vocab(section):
    """Keys of [categories.*], [areas.*] or [services.*] in the sample site.toml, in order."""
    keys = []
    with open(os.path.join(ROOT, "site.toml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(f"[{section}."):
                keys.append(line.strip()[len(section) + 2 : -1])
    return keys


def generate(dest, n, seed=1):
    rnd = random.Random(seed)
    cats, areas, services = vocab("categories"), vocab("areas"), vocab("services")
    os.makedirs(os.path.join(dest, "content", "providers"))
    os.makedirs(os.path.join(dest, "content", "articles"))
    with open(os.path.join(ROOT, "site.toml"), encoding="utf-8") as f:
        toml = f.read()
    # The benchmark measures the site, not the printed guide (that needs Chromium).
    toml = toml.split("\n# 印刷用の冊子")[0] + "\n"
    with open(os.path.join(dest, "site.toml"), "w", encoding="utf-8") as f:
        f.write(toml)
    with open(os.path.join(dest, "content", "_index.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: ベンチマーク市\n---\n在宅医療と介護の情報です。\n")
    with open(os.path.join(dest, "content", "articles", "_index.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: 記事\nsort_by: date\n---\n")
    for i in range(200):
        with open(os.path.join(dest, "content", "articles", f"a{i:03d}.md"), "w", encoding="utf-8") as f:
            f.write(
                f"---\ntitle: 在宅医療のお知らせ {i}\ndate: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n\n"
                "## 在宅医療とは\n\n通院が難しくなっても、{訪問診療|ほうもんしんりょう}で家で医療を受けられます。\n\n"
                "- 相談は地域包括支援センターへ\n- 費用は医療保険が使えます\n\n| 区分 | 内容 |\n|---|---|\n| 訪問診療 | 定期的 |\n"
            )
    per_file = 1000
    for start in range(0, n, per_file):
        lines = []
        for i in range(start, min(n, start + per_file)):
            kana = "".join(rnd.choice(KANA) for _ in range(6))
            place = rnd.choice(PLACES)
            svc = rnd.sample(services, 3)
            lines.append(
                f"- id: p{i:06d}\n  name: みどり{place}{rnd.choice(KINDS)}{i}\n  kana: {kana}\n"
                f"  category: {rnd.choice(cats)}\n  area: {rnd.choice(areas)}\n"
                f'  postal_code: "999-{i % 10000:04d}"\n  address: みどり市{place}{i % 50 + 1}丁目{i % 30 + 1}番{i % 20 + 1}号\n'
                f"  phone: 0990-{10 + i % 90}-{i % 10000:04d}\n"
                f'  hours:\n    - days: [mon, tue, wed, thu, fri]\n      open: "09:00"\n      close: "17:00"\n'
                f"  services: [{', '.join(svc)}]\n  accepting: accepting\n  updated: 2026-10-01\n"
                f"  notes: 駐車場があります。**予約制**です。\n"
            )
        with open(os.path.join(dest, "content", "providers", f"p{start // per_file:04d}.yaml"), "w", encoding="utf-8") as f:
            f.write("".join(lines))


def drop_caches():
    subprocess.run(["sync"], check=False)
    if os.geteuid() == 0:
        try:
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("3\n")
            return True
        except OSError:
            pass
    return False


def timed(cmd, env=None):
    """Wall time and the peak RSS (KiB) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    took = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr.decode(errors='replace')[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak, before)


def tree(path):
    files = size = 0
    for d, _, names in os.walk(path):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(d, name))
    return files, size


def bench(n, runs, work):
    site = os.path.join(work, f"site-{n}")
    if not os.path.exists(site):
        generate(site, n)
    out = os.path.join(work, f"out-{n}")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795316400")
    build = [BIN, "--color", "never", "build", "--root", site, "--output", out]
    full, nochange, edit, check, copy = [], [], [], [], []
    peak = 0
    cold = False
    phone = "0990-10-0000"  # the first record's number in generated data
    for r in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cold = drop_caches()
        t, p = timed(build, env)
        full.append(t)
        peak = max(peak, p)
        drop_caches()
        nochange.append(timed(build, env)[0])
        yaml = os.path.join(site, "content", "providers", "p0000.yaml")
        with open(yaml, encoding="utf-8") as f:
            text = f.read()
        new = f"0990-19-{r:04d}"
        with open(yaml, "w", encoding="utf-8") as f:
            f.write(text.replace(f"phone: {phone}", f"phone: {new}", 1))
        phone = new
        drop_caches()
        edit.append(timed(build, env)[0])
        drop_caches()
        check.append(timed([BIN, "--color", "never", "check", "--root", site], env)[0])
        dest = os.path.join(work, "copy")
        shutil.rmtree(dest, ignore_errors=True)
        drop_caches()
        start = time.perf_counter()
        subprocess.run(["cp", "-r", out, dest], check=True)
        subprocess.run(["sync"], check=False)
        copy.append(time.perf_counter() - start)
        shutil.rmtree(dest, ignore_errors=True)
    files, size = tree(out)
    med = statistics.median
    return {
        "N": n,
        "full": med(full),
        "nochange": med(nochange),
        "edit": med(edit),
        "check": med(check),
        "peak_mib": peak / 1024,
        "files": files,
        "mb": size / 1e6,
        "copy": med(copy),
        "cold": cold,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", help="folder for the generated sites (reused between runs)")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = args.keep or tempfile.mkdtemp(prefix="tsunagu-bench-")
    os.makedirs(work, exist_ok=True)
    print(f"tsunagu benchmark: {os.cpu_count()} cores, median of {args.runs} runs, work folder {work}")
    print("| N | full build | no-change | one edit | check | peak RSS | output | copy floor | full / floor |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = bench(n, args.runs, work)
        print(
            f"| {r['N']:,} | {r['full']:.2f} s | {r['nochange']:.2f} s | {r['edit']:.2f} s | {r['check']:.2f} s "
            f"| {r['peak_mib']:.0f} MiB | {r['files']:,} files, {r['mb']:.1f} MB | {r['copy']:.2f} s | {r['full'] / r['copy']:.1f}× |",
            flush=True,
        )
    print("page cache dropped before each timed run" if r["cold"] else "page cache NOT dropped (not root): warm-cache figures")


if __name__ == "__main__":
    main()
