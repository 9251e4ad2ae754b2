"""Cost against size: our pipeline beside a plain MkDocs + Pagefind build of the same pages.

    make bench-scale                                   # 1,000 / 5,000 / 20,000 explainers, 3, 3 and 1 runs
    .venv/bin/python bench/scale.py --sizes 1000 --runs 1 --out /tmp/scale

For each size N, a content folder is generated (bench/corpus.py: N explainers,
4·N questions, seed 1) and, in the same run, measured (medians of --runs):

- `policy check` (wall time of the command);
- `policy build`: wall time and peak memory of its process tree (PSS summed
  over the process and its children, sampled every 2 s), with the step
  times it prints (Pagefind, Whoosh) and the sizes of what it wrote;
- the peer: a plain `mkdocs build` (mkdocs-material, `language: zh`, the stock
  search plugin, a one-entry nav) of the same explainer pages as plain Markdown
  (title, summary, body; no plugin of ours), then the pinned extended Pagefind
  over that plain site; the ratio ours / (mkdocs + pagefind) is the figure,
  taken in each run and reported as the median of the runs' ratios (the build
  and its peer run minutes apart, so the machine's drift between runs, 20-30 %
  here, cancels); the medians of the times are shown beside it;
- FAQ assembly on its own (`faq.assemble_faq`, in this process);
- the first query's download on our site in Chromium (bench/site_search.py);
- preview: `policy serve` on a free port; one explainer is saved with a new
  sentence and its page is fetched over HTTP until the sentence is served;
- publishing with the build record, after the cold build (no record) above:
  one explainer's body edited, then another's title (list pages change), then
  the daily rebuild (the next day, no edit), each a `policy build` whose wall
  time and peak memory are shown beside the cold build's.

Writes `scale.md` (tables), `scale.png` (cost against N) and `scale.json`
into --out (default bench/results/). It prints figures; it fails nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
from common import markdown_table  # noqa: E402

from build_tools.check import check_tree  # noqa: E402
from build_tools.faq import assemble_faq  # noqa: E402
from build_tools.load.tree import load_markdown, load_tree  # noqa: E402
from build_tools.build.pipeline import published_explainers  # noqa: E402
from build_tools.indexes.pagefind.service import pagefind_executable  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = "2026-11-23"
FIRST_QUERY = "稳岗补贴"
TARGETS = {"ratio": 1.25, "check_5000_s": 3.0, "peak_20000_mb": 1500, "preview_5000_s": 3.0, "faq_80000_s": 60.0}


# --- measuring a command ---------------------------------------------------------------------


# PSS is read from the kernel's walk of each process's pages: about 25 ms per GB. Sampled
# every 0.1 s it took most of a core during a 5,000-explainer build (the build it measured
# got 10-15 % slower); every 2 s it costs a few percent. The peaks are plateaus (Pagefind
# holds its memory to the end, MkDocs every page until it writes them), so none is missed.
MEMORY_SAMPLE_SECONDS = 2.0


def _tree_memory(process: psutil.Process) -> int:
    """Bytes held by a process and its descendants: PSS (shared pages counted once), else RSS."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def run_measured(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Wall seconds, peak tree memory (MB), exit code and output of `command`."""
    environment = {**os.environ, "CI": "1", **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched, peak, done = psutil.Process(process.pid), 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_memory(watched))
            except psutil.NoSuchProcess:
                return
            done.wait(MEMORY_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"seconds": seconds, "peak_mb": peak / 1e6, "code": process.returncode, "stdout": stdout, "stderr": stderr}


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6


# --- the project and the plain peer ----------------------------------------------------------


def make_project(work: Path, size: int, sources: corpus.Sources) -> Path:
    """A project folder: generated content/ beside the site's mkdocs.yml (the theme comes with the package)."""
    project = work / f"ours-{size}"
    project.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    corpus.generate(project / "content", size, seed=1, sources=sources)
    (project / ".gitignore").write_text("/site/\n/search_index/\n.policy-cache/\n.site-*/\n.search_index-*/\n", encoding="utf-8")
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    commit(project, "content", "2026-11-01")  # as in CI: each page's last change from git, not from the files' times
    return project


def commit(project: Path, message: str, day: str) -> None:
    """Commit everything in `project` on `day` (noon, China time)."""
    when = {"GIT_AUTHOR_DATE": f"{day}T12:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+08:00"}
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", *identity, "commit", "--quiet", "--allow-empty", "-m", message], cwd=project, check=True, env={**os.environ, **when})


PLAIN_CONFIG = """site_name: 政策解读
theme:
  name: material
  language: zh
plugins:
  - search
nav:
  - 首页: index.md
"""


def make_plain(work: Path, project: Path) -> Path:
    """The same explainers as plain Markdown pages in a stock MkDocs + Material project."""
    plain = work / f"plain-{project.name}"
    docs = plain / "docs"
    (docs / "policies").mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# 政策解读\n", encoding="utf-8")
    for path in sorted((project / "content" / "policies").rglob("*.md")):
        raw = load_markdown(path, [])
        title, summary = raw.data["title"], raw.data["summary"]
        (docs / "policies" / path.name).write_text(f"# {title}\n\n{summary}\n\n{raw.body}\n", encoding="utf-8")
    return plain


# --- preview ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def poll(url: str, until, timeout: float, interval: float = 0.02) -> float | None:
    """Seconds until `until(page text)` holds for `url`, fetching it again and again; None on timeout."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        text = fetch(url)
        if text is not None and until(text):
            return time.perf_counter() - started
        time.sleep(interval)  # the polling cadence, not a measurement
    return None


def preview_latency(project: Path, run: int, timeout: float) -> dict:
    """Start `policy serve`, save a changed explainer, time until its page shows the change."""
    explainers = sorted((project / "content" / "policies").rglob("*.md"))
    path = explainers[len(explainers) // 2]
    port = free_port()
    page = f"http://127.0.0.1:{port}/policies/{path.stem}/"
    command = [str(BIN / "policy"), "serve", "--port", str(port), "--today", TODAY]
    log = open(project / f"serve-{run}.log", "w")
    server = subprocess.Popen(command, cwd=project, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "CI": "1"})
    original = path.read_text(encoding="utf-8")
    try:
        started = poll(page, lambda text: "<html" in text, timeout)
        if started is None:
            return {"start_s": None, "preview_s": None}
        marker = f"预览测试第{run}次{time.time_ns()}"
        path.write_text(original.rstrip("\n") + f"\n\n{marker}。\n", encoding="utf-8")  # saved: the clock starts
        return {"start_s": started, "preview_s": poll(page, lambda text: marker in text, timeout)}
    finally:
        path.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# --- one size --------------------------------------------------------------------------------


def step_seconds(stderr: str, name: str) -> float | None:
    """The seconds of the build's step lines for `name`, added up (Whoosh runs in both processes)."""
    seconds = [float(found) for found in re.findall(rf"\({name}\)[^:\n]*: ([\d.]+) s", stderr)]
    return sum(seconds) if seconds else None


def faq_assembly(content_dir: Path) -> dict:
    content, _ = check_tree(load_tree(content_dir))
    explainers = published_explainers(content, dt.date.fromisoformat(TODAY))
    started = time.perf_counter()
    entries = assemble_faq(content, explainers)
    return {"seconds": time.perf_counter() - started, "questions": sum(len(s.pairs) for s in content.sessions), "entries": len(entries)}


def measure_once(project: Path, plain: Path | None, run: int, preview_timeout: float | None) -> dict:
    """One run of everything; without `plain` (a size above --build-up-to) only check and FAQ assembly;
    without `preview_timeout` (above --preview-up-to) no preview."""
    policy = str(BIN / "policy")
    check = run_measured([policy, "check", "--today", TODAY], project)
    if plain is None:
        faq = faq_assembly(project / "content")
        return {"check_s": check["seconds"], "check_code": check["code"], **dict.fromkeys(BUILD_KEYS),
                "faq_s": faq["seconds"], "questions": faq["questions"], "faq_entries": faq["entries"]}
    shutil.rmtree(project / ".policy-cache", ignore_errors=True)  # a cold build: no record yet
    ours = run_measured([policy, "build", "--today", TODAY], project)
    if ours["code"] != 0:
        print(ours["stderr"][-3000:], file=sys.stderr)
    publishes = incremental_publishes(project, run)
    mkdocs = run_measured([str(BIN / "mkdocs"), "build", "--quiet", "--clean"], plain)
    pagefind = run_measured([str(pagefind_executable()), "--site", "site", "--silent"], plain)
    faq = faq_assembly(project / "content")
    preview = preview_latency(project, run, preview_timeout) if preview_timeout else {"preview_s": None, "start_s": None}
    return {
        "check_s": check["seconds"], "check_code": check["code"],
        "build_s": ours["seconds"], "build_peak_mb": ours["peak_mb"], "build_code": ours["code"],
        "pagefind_step_s": step_seconds(ours["stderr"], "Pagefind"), "whoosh_s": step_seconds(ours["stderr"], "Whoosh"),
        "mkdocs_s": mkdocs["seconds"], "mkdocs_peak_mb": mkdocs["peak_mb"],
        "plain_pagefind_s": pagefind["seconds"], "plain_pagefind_peak_mb": pagefind["peak_mb"],
        "faq_s": faq["seconds"], "questions": faq["questions"], "faq_entries": faq["entries"],
        "preview_s": preview["preview_s"], "serve_start_s": preview["start_s"], **publishes,
    }


def incremental_publishes(project: Path, run: int) -> dict:
    """Wall seconds of `policy build` with the record after one body edit, one title edit and a new day; their peak memory."""
    policy = str(BIN / "policy")
    explainers = sorted(path for path in (project / "content" / "policies").rglob("*.md") if path.parent.name < TODAY[:4])  # published
    body, titled = explainers[run % len(explainers)], explainers[-1 - run % len(explainers)]
    measured = {}
    body.write_text(body.read_text(encoding="utf-8") + f"\n补充说明第{run + 1}次：以官方发布为准。\n", encoding="utf-8")
    commit(project, "a body edited", TODAY)  # a merge, as CI publishes it
    measured["body"] = run_measured([policy, "build", "--today", TODAY], project)
    text = titled.read_text(encoding="utf-8")
    titled.write_text(re.sub(r'^title: (.*?)("?)$', r"title: \1（修订）\2", text, count=1, flags=re.M), encoding="utf-8")
    commit(project, "a title edited", TODAY)
    measured["title"] = run_measured([policy, "build", "--today", TODAY], project)
    next_day = (dt.date.fromisoformat(TODAY) + dt.timedelta(days=1)).isoformat()
    measured["daily"] = run_measured([policy, "build", "--today", next_day], project)
    for name, result in measured.items():
        if result["code"] != 0:
            print(f"{name}: {result['stderr'][-3000:]}", file=sys.stderr)
        else:  # where a publish spent its time, in the build's own words (and how many runs it made again)
            print(f"… {name} publish:\n" + "\n".join(f"    {line}" for line in step_lines(result["stderr"])), file=sys.stderr, flush=True)
    return {
        **{f"{name}_publish_s": result["seconds"] for name, result in measured.items()},
        "publish_peak_mb": max(result["peak_mb"] for result in measured.values()),
    }


def step_lines(output: str) -> list[str]:
    """The lines of `policy build`'s output that time a step ("… (total N s)") or say what the record held."""
    return [line for line in output.splitlines() if "(total " in line or "build record" in line]


BUILD_KEYS = ("build_s", "build_peak_mb", "build_code", "pagefind_step_s", "whoosh_s", "mkdocs_s", "mkdocs_peak_mb",
              "plain_pagefind_s", "plain_pagefind_peak_mb", "preview_s", "serve_start_s",
              "body_publish_s", "title_publish_s", "daily_publish_s", "publish_peak_mb")


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def measure_size(work: Path, size: int, runs: int, sources: corpus.Sources, browser, preview_timeout: float | None, build: bool = True) -> dict:
    started = time.perf_counter()
    project = make_project(work, size, sources)
    plain = make_plain(work, project) if build else None
    print(f"… {size:,}: content generated in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    measured = []
    for run in range(runs):
        measured.append(measure_once(project, plain, run, preview_timeout))
        print(f"… {size:,}: run {run + 1}/{runs}: {json.dumps(measured[-1], default=str)}", file=sys.stderr, flush=True)
    row = {key: median([m[key] for m in measured]) for key in measured[0]}
    row["size"] = size
    if plain is None:
        return row | dict.fromkeys(("pages", "plain_pages", "plain_s", "plain_peak_mb", "ratio", "run_ratios", "whoosh_mb", "site_search_mb", "first_query_kb"))
    row["pages"] = sum(1 for _ in (project / "site").rglob("index.html"))
    row["plain_pages"] = sum(1 for _ in (plain / "site").rglob("index.html"))
    row["plain_s"] = row["mkdocs_s"] + row["plain_pagefind_s"]
    row["plain_peak_mb"] = max(row["mkdocs_peak_mb"], row["plain_pagefind_peak_mb"])
    row["run_ratios"] = [m["build_s"] / (m["mkdocs_s"] + m["plain_pagefind_s"]) for m in measured]
    row["ratio"] = median(row["run_ratios"])
    row["whoosh_mb"] = folder_mb(project / "search_index")
    row["site_search_mb"] = folder_mb(project / "site" / "pagefind")
    row["first_query_kb"] = first_query_kb(project / "site", browser)
    shutil.rmtree(plain / "site", ignore_errors=True)
    return row


def first_query_kb(site: Path, browser) -> float | None:
    if browser is None:
        return None
    from urllib.parse import quote

    import site_search

    with site_search.served(site) as url:
        result = site_search.downloaded(browser, f"{url}search/?q={quote(FIRST_QUERY)}", site_search.wait_ours)
    return result["sent_kb"]


# --- report ----------------------------------------------------------------------------------


def tables(rows: list[dict]) -> str:
    def value(row, key, scale=1.0):
        v = row.get(key)
        return "–" if v is None else v * scale

    def count(v):
        return "–" if v is None else f"{v:,}"

    def per(row, key, by, scale=1000):
        return "–" if row.get(key) is None else scale * row[key] / row[by]

    main = markdown_table(
        ["explainers", "questions", "pages (ours / plain)", "policy check s", "policy build s", "build peak MB",
         "plain mkdocs s", "plain mkdocs peak MB", "plain Pagefind s", "plain Pagefind peak MB", "ours / plain",
         "Whoosh s", "Whoosh MB", "site search s", "site search MB", "first query KB", "FAQ entries", "FAQ assembly s", "preview s"],
        [[f"{r['size']:,}", f"{r['questions']:,}", f"{count(r['pages'])} / {count(r['plain_pages'])}", value(r, "check_s"), value(r, "build_s"),
          value(r, "build_peak_mb"), value(r, "mkdocs_s"), value(r, "mkdocs_peak_mb"), value(r, "plain_pagefind_s"),
          value(r, "plain_pagefind_peak_mb"), "–" if r["ratio"] is None else f"{r['ratio']:.2f}", value(r, "whoosh_s"), value(r, "whoosh_mb"),
          value(r, "pagefind_step_s"), value(r, "site_search_mb"), value(r, "first_query_kb"), f"{r['faq_entries']:,}",
          value(r, "faq_s"), value(r, "preview_s")] for r in rows])
    growth = markdown_table(
        ["explainers", "check ms / explainer", "build ms / explainer", "plain ms / explainer", "FAQ ms / question", "build peak MB / 1,000"],
        [[f"{r['size']:,}", per(r, "check_s", "size"), per(r, "build_s", "size"), per(r, "plain_s", "size"),
          per(r, "faq_s", "questions"), per(r, "build_peak_mb", "size")] for r in rows])
    publishing = markdown_table(
        ["explainers", "cold build s (no record)", "body edit s", "title edit s", "daily rebuild s", "cold build peak MB", "publish peak MB"],
        [[f"{r['size']:,}", value(r, "build_s"), value(r, "body_publish_s"), value(r, "title_publish_s"), value(r, "daily_publish_s"),
          value(r, "build_peak_mb"), value(r, "publish_peak_mb")] for r in rows if r.get("build_s") is not None])
    main += f"\n\n## Publishing with the build record (medians)\n\n{publishing}"
    skipped = [f"{r['size']:,}" for r in rows if r["build_s"] is None]
    if skipped:
        main += f"\n\nAt {', '.join(skipped)} explainers only `policy check` and FAQ assembly were run (`--build-up-to`), no build, peer or preview."
    return f"## Cost against size (medians)\n\n{main}\n\n## Per explainer (flat = linear)\n\n{growth}\n\n## Targets\n\n{targets(rows)}\n"


def targets(rows: list[dict]) -> str:
    by_size = {r["size"]: r for r in rows}
    lines = [f"- build ≤ {TARGETS['ratio']} × (plain mkdocs + plain Pagefind): " + ", ".join(
        f"{r['size']:,}: {r['ratio']:.2f} (runs: {', '.join(f'{x:.2f}' for x in r['run_ratios'])}) {'✓' if r['ratio'] <= TARGETS['ratio'] else '✗'}"
        for r in rows if r["ratio"] is not None)]
    if 5000 in by_size:
        r = by_size[5000]
        lines.append(f"- policy check at 5,000 ≤ 3 s: {r['check_s']:.1f} s {'✓' if r['check_s'] <= 3 else '✗'}")
        if r["preview_s"] is not None:
            lines.append(f"- preview at 5,000 ≤ 3 s: {r['preview_s']:.1f} s {'✓' if r['preview_s'] <= 3 else '✗'}")
    if 20000 in by_size and by_size[20000].get("body_publish_s") is not None:
        r = by_size[20000]
        for key, label, limit in (("body_publish_s", "one body edit published", 30), ("title_publish_s", "one title edit published", 60),
                                  ("daily_publish_s", "daily rebuild, no edit", 60)):
            lines.append(f"- {label} at 20,000 ≤ {limit} s: {r[key]:.0f} s {'✓' if r[key] <= limit else '✗'}")
        lines.append(f"- every kind of build at 20,000 ≤ 1,500 MB: {max(r['build_peak_mb'], r['publish_peak_mb']):.0f} MB "
                     f"{'✓' if max(r['build_peak_mb'], r['publish_peak_mb']) <= 1500 else '✗'}")
    if 20000 in by_size:
        r = by_size[20000]
        if r["build_peak_mb"] is None:
            lines.append("- build peak memory at 20,000 ≤ 1,500 MB: not measured, the build was not run ✗")
        else:
            lines.append(f"- build peak memory at 20,000 ≤ 1,500 MB: {r['build_peak_mb']:.0f} MB {'✓' if r['build_peak_mb'] <= 1500 else '✗'}")
        lines.append(f"- FAQ assembly of {r['questions']:,} questions ≤ 60 s: {r['faq_s']:.1f} s {'✓' if r['faq_s'] <= 60 else '✗'}")
    for key, label in (("build_s", "build"), ("check_s", "check"), ("faq_s", "FAQ assembly"), ("plain_s", "plain peer")):
        measured = [r for r in rows if r.get(key)]
        if len(measured) > 1:
            first, last = measured[0], measured[-1]
            factor, grown = last["size"] / first["size"], last[key] / first[key]
            lines.append(f"- {label} grows {grown:.1f}× for {factor:.0f}× the explainers ({'near-linear' if grown <= 1.5 * factor else 'faster than linear'})")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for key, label in (("build_s", "policy build"), ("plain_s", "plain mkdocs + Pagefind"), ("mkdocs_s", "plain mkdocs"),
                       ("whoosh_s", "Whoosh index"), ("pagefind_step_s", "site search (Pagefind)"), ("faq_s", "FAQ assembly"),
                       ("check_s", "policy check"), ("preview_s", "preview: save → served")):
        points = [(r["size"], r[key]) for r in rows if r.get(key) is not None]
        if points:
            left.plot(*zip(*points), marker="o", label=label)
    left.set(xscale="log", yscale="log", xlabel="explainers (N)", ylabel="seconds", title="Time against N (log-log: slope 1 = linear)")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    for key, label in (("build_peak_mb", "policy build"), ("mkdocs_peak_mb", "plain mkdocs"), ("plain_pagefind_peak_mb", "plain Pagefind")):
        points = [(r["size"], r[key]) for r in rows if r.get(key) is not None]
        if points:
            right.plot(*zip(*points), marker="o", label=label)
    right.axhline(TARGETS["peak_20000_mb"], color="grey", linestyle="--", label="1.5 GB target")
    right.set(xlabel="explainers (N)", ylabel="peak memory, MB", title="Peak memory of the process tree")
    right.grid(True, alpha=0.3)
    right.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.replace(",", " ").split()], default=[1000, 5000, 20000],
                        help="explainer counts, e.g. '1000,5000'")
    parser.add_argument("--runs", type=lambda s: [int(x) for x in s.replace(",", " ").split()], default=[3],
                        help="runs per size: one number for every size, or one per size, e.g. '3,3,1'")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--corpus", type=Path, default=corpus.CORPUS)
    parser.add_argument("--work", type=Path, help="keep the generated projects here (default: a temporary folder)")
    parser.add_argument("--no-browser", action="store_true", help="skip the first-query download (needs Chromium)")
    parser.add_argument("--preview-timeout", type=float, default=900)
    parser.add_argument("--build-up-to", type=int, help="above this size, run only policy check and FAQ assembly")
    parser.add_argument("--preview-up-to", type=int, help="above this size, no preview (`policy serve` builds the whole site first)")
    options = parser.parse_args()
    if len(options.runs) not in (1, len(options.sizes)):
        parser.error(f"--runs: give one number, or one per size ({len(options.sizes)})")
    runs = dict(zip(options.sizes, options.runs * len(options.sizes) if len(options.runs) == 1 else options.runs))
    options.out.mkdir(parents=True, exist_ok=True)
    sources = corpus.read_sources(options.corpus)
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as scratch:
        work = options.work or Path(scratch)
        with _browser(options.no_browser) as browser:
            for size in options.sizes:
                build = options.build_up_to is None or size <= options.build_up_to
                preview = options.preview_timeout if options.preview_up_to is None or size <= options.preview_up_to else None
                rows.append(measure_size(work, size, runs[size], sources, browser, preview, build))
                _write(rows, options)
    print(tables(rows))


def _write(rows: list[dict], options) -> None:
    up_to = "".join(f" --{name.replace('_', '-')} {value}" for name, value in
                    (("build_up_to", options.build_up_to), ("preview_up_to", options.preview_up_to)) if value is not None)
    header = (f"# Scale benchmark\n\n`bench/scale.py --sizes {','.join(str(r['size']) for r in rows)} --runs {','.join(map(str, options.runs))}{up_to}` "
              f"on {os.cpu_count()} cores, {dt.date.today()}.\n\n")
    (options.out / "scale.md").write_text(header + tables(rows), encoding="utf-8")
    (options.out / "scale.json").write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    plot(rows, options.out / "scale.png")


class _browser:
    def __init__(self, disabled: bool):
        self.disabled, self.context = disabled, None

    def __enter__(self):
        if self.disabled or not Path("/usr/bin/chromium").exists():
            return None
        import site_search

        self.context = site_search.chromium()
        return self.context.__enter__()

    def __exit__(self, *exc):
        if self.context is not None:
            return self.context.__exit__(*exc)
        return False


if __name__ == "__main__":
    main()
