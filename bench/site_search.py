"""Site search on the published site: our Pagefind search vs mkdocs-material's built-in search.

    .venv/bin/python bench/site_search.py [--sizes 1000 5000 20000] [--questions 0] [--json out.json]

1. Synthetic sites of 1,000 / 5,000 / 20,000 explainer-like pages (bench/common.py:
   real corpus sentences, 10 % in traditional script). For each, in Chromium:
   bytes downloaded for the search page load plus one first query (every response,
   raw and as a gzip-ing server would send it), time until the first results show,
   and the index build time on the build machine.
2. The real corpus (../shared/corpus/content, with the fix `policy check` proposes
   for its explainers published twice: bench/corpus_fix.py): Recall@10 of every
   `briefing-*` question (target: the session's `policies:`; every status, though
   the search page shows explainers in force unless asked), and how many of the
   pages that contain 营商环境 a search for it finds — for our search (in the
   search page itself), stock Pagefind 1.5.2 (PyPI) and stock Pagefind 1.6.0 (npm, fetched into
   a temporary folder only here, when npm is available) on the same text.

3. The development set (../shared/corpus/queries-dev.jsonl: 150 enterprise queries in seven
   kinds, graded 2/1): each query typed into the search page of the built real corpus and
   sent with Enter, as a visitor does (default filters: explainers in force first, FAQ
   answers apart), nDCG@10 per kind over the policy list; beside it `policy search` as users
   get it (the Whoosh engine, same site, no filter), in the same run. `--dev-only` runs this
   part alone (about two minutes).

Prints Markdown tables. Benchmarks print numbers; they pass or fail nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import html
import json
import math
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, unquote, urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CORPUS, TODAY, briefing_questions, corpus_pools, load_site, markdown_table, policy_documents, rank_of, ranking_metrics, synthetic_documents, write_json  # noqa: E402

from build_tools.build.pipeline import run_pipeline  # noqa: E402
from build_tools.site.builder import write_site  # noqa: E402
from build_tools.indexes.pagefind.service import pagefind_executable  # noqa: E402
from build_tools.indexes.pagefind.writer import BUNDLE, write_search_bundle, write_site_search  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
FIRST_QUERY = "稳岗补贴"
PAGEFIND_160 = "pagefind@1.6.0"


# --- serving and the browser ------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    SERVED[base] = Path(folder)
    try:
        yield base
    finally:
        server.shutdown()
        del SERVED[base]


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


SERVED: dict[str, Path] = {}  # base URL → the folder it serves


def served_file(url: str) -> bytes:
    """The bytes behind a URL of a folder `served` serves, read from disk: the browser
    driver would have to carry every body otherwise (Material's index is 200 MB at 20,000 pages)."""
    for base, folder in SERVED.items():
        if url.startswith(base):
            path = folder / unquote(urlsplit(url).path.lstrip("/"))
            return (path / "index.html" if path.is_dir() else path).read_bytes()
    raise ValueError(f"{url} is not served here")


def sent_size(body: bytes) -> int:
    """Bytes a server that gzips would send: Pagefind's files are gzipped already."""
    return min(len(body), len(gzip.compress(body, 6)))


def downloaded(browser, url: str, wait, width: int = 390, shell: frozenset[str] = frozenset()) -> dict:
    """Bytes of every response while loading `url` and running `wait(page)`; seconds to the answer.
    On a phone (390 px) the search page leaves its facets closed and their data unloaded.
    `own_kb` leaves out the responses whose paths are in `shell` (see `shell_paths`)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    started = time.perf_counter()
    page.goto(url)
    finished = wait(page)
    seconds = time.perf_counter() - started
    bodies = [(urlsplit(r.url).path, served_file(r.url)) for r in responses if r.status == 200]
    context.close()
    return {"requests": len(bodies), "raw_kb": sum(len(body) for _, body in bodies) / 1024,
            "sent_kb": sum(sent_size(body) for _, body in bodies) / 1024,
            "own_kb": sum(sent_size(body) for path, body in bodies if path not in shell) / 1024,
            "seconds": seconds, "finished": finished}


def shell_paths(browser, url: str) -> frozenset[str]:
    """What the site's home page loads besides itself (the theme's CSS, JS, icon): every page
    shares it, so a visitor who comes to the search from any page has it already."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    paths = set()
    page.on("response", lambda response: paths.add(urlsplit(response.url).path))
    page.goto(url, wait_until="networkidle")
    context.close()
    return frozenset(paths - {urlsplit(url).path})


def wait_ours(page) -> bool:
    page.wait_for_function("() => document.body.dataset.ppSearched", timeout=120_000)
    return page.locator("#pp-results > li").count() > 0


def wait_material(query: str):
    def wait(page) -> bool:
        page.locator("label.md-header__button[for=__search]").first.click()
        page.fill("input.md-search__input", query)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=300_000)
            return True
        except Exception:  # the index never finished building in the page (memory, time)
            return False
    return wait


# --- sites ------------------------------------------------------------------------------


def build_sample_sites(work: Path) -> tuple[Path, Path]:
    """The sample site as we publish it, and the same site with Material's built-in search."""
    site = run_pipeline(ROOT / "content", TODAY)
    ours, material = work / "ours", work / "material"
    write_site(site, ours, ROOT / "mkdocs.yml")
    write_site_search(site, ours)
    write_site(site, material, material_config(work))
    return ours, material


def material_config(work: Path) -> Path:
    """Our mkdocs.yml with Material's search plugin back on (absolute folders, so it can live elsewhere);
    write_site merges it over the packaged defaults, theme included, as it merges ours."""
    config = {"INHERIT": str(ROOT / "mkdocs.yml"),
              "plugins": [{"search": {"lang": "zh"}}, {"policy": {"content_dir": str(ROOT / "content")}}]}
    path = work / "mkdocs-material-search.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def material_index(documents, config: dict) -> str:
    """Material's own SearchIndex (jieba segmentation included) over the synthetic pages."""
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(**config)
    for d in documents:
        content = f"<h1 id=\"t\">{html.escape(d.title)}</h1><p>{html.escape(d.summary)}</p><p>{html.escape(d.body)}</p>"
        index.add_entry_from_context(SimpleNamespace(meta={}, content=content, toc=[], url=d.url, title=d.title))
    return index.generate_search_index(None)


def synthetic_row(size: int, documents, taxonomy, ours_base: Path, material_base: Path, work: Path, browser) -> list:
    ours, material = work / f"ours-{size}", work / f"material-{size}"
    shutil.copytree(ours_base, ours)
    shutil.rmtree(ours / BUNDLE)
    started = time.perf_counter()
    write_search_bundle(documents, taxonomy, ours)
    ours_build = time.perf_counter() - started
    shutil.copytree(material_base, material)
    index_file = material / "search/search_index.json"
    config = yaml.safe_load(index_file.read_text(encoding="utf-8"))["config"]
    started = time.perf_counter()
    index_file.write_text(material_index(documents, config), encoding="utf-8")
    material_build = time.perf_counter() - started
    with served(ours) as url:
        our_bytes = downloaded(browser, f"{url}search/?q={quote(FIRST_QUERY)}", wait_ours, shell=shell_paths(browser, url))
        our_desktop = downloaded(browser, f"{url}search/?q={quote(FIRST_QUERY)}", wait_ours, width=1280)
    with served(material) as url:
        material_bytes = downloaded(browser, url, wait_material(FIRST_QUERY))
    index_mb = sum(f.stat().st_size for f in (ours / BUNDLE).rglob("*") if f.is_file()) / 1e6
    return [size, our_bytes["sent_kb"], our_bytes["own_kb"], our_desktop["sent_kb"], our_bytes["raw_kb"], our_bytes["requests"], our_bytes["seconds"], ours_build, index_mb,
            material_bytes["sent_kb"], material_bytes["raw_kb"], material_bytes["seconds"] if material_bytes["finished"] else "did not finish",
            material_build, index_file.stat().st_size / 1e6]


# --- the real corpus: recall ----------------------------------------------------------------


def stock_records(documents, folder: Path) -> None:
    """The explainers' own text for stock Pagefind, which segments it itself."""
    for d in documents:
        path = folder / d.url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(d.title)}</title></head>'
                        f"<body><main data-pagefind-body><h1>{html.escape(d.title)}</h1><p>{html.escape(d.summary)}</p>"
                        f"<p>{html.escape(d.body)}</p></main></body></html>", encoding="utf-8")
    (folder / "q.html").write_text('<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body></body></html>', encoding="utf-8")


def pagefind_160(work: Path) -> Path | None:
    """Pagefind 1.6.0's extended binary from npm, for this measurement only; None without npm."""
    if not shutil.which("npm"):
        return None
    folder = work / "npm"
    folder.mkdir()
    result = subprocess.run(["npm", "install", "--no-save", "--silent", "--prefix", str(folder), PAGEFIND_160], capture_output=True, text=True, timeout=600)
    found = list(folder.glob("node_modules/@pagefind/*/bin/pagefind_extended"))
    return found[0] if result.returncode == 0 and found else None


def stock_search(browser, url: str, queries: list[str]) -> tuple[list[list[str]], list[str]]:
    """Top 10 of each query and every result for 营商环境, with Pagefind's own search."""
    page = browser.new_page()
    page.goto(url + "q.html")
    answers = page.evaluate("""async (queries) => {
        const pagefind = await import('/pagefind/pagefind.js');
        const urls = async (q, n) => {
          const found = await pagefind.search(q);
          return found ? (await Promise.all(found.results.slice(0, n).map(r => r.data()))).map(d => d.url) : [];
        };
        const top = [];
        for (const q of queries) top.push(await urls(q, 10));
        return [top, await urls('营商环境', 100000)]; }""", queries)
    page.close()
    return answers


def our_search(browser, url: str, queries: list[str]) -> tuple[list[list[str]], list[str]]:
    """The same, with the functions the search page runs (explainers only, every status)."""
    page = browser.new_page()
    page.goto(url)
    answers = page.evaluate("""async (queries) => {
        const m = await import('/assets/sitesearch-query.js');
        const s = await m.loadSearch();
        const filters = m.pagefindFilters(s.data, { kind: ['policy'] });
        const urls = async (q, n) => {
          const found = await m.runSearch(s.pagefind, s.analyzer.analyse(q), filters, false);
          return (await m.pageOfResults(found.results, 0, n)).map(d => new URL(d.url, location.href).pathname);
        };
        const top = [];
        for (const q of queries) top.push(await urls(q, 10));
        return [top, await urls('营商环境', 100000)]; }""", queries)
    page.close()
    return answers


def recall_rows(work: Path, browser, limit: int) -> list[list]:
    site = load_site(CORPUS)
    questions = briefing_questions(site)
    if limit:
        questions = questions[:limit]
    texts = [q.text for q in questions]
    documents = policy_documents(site)
    containing = {f"/{d.url}" for d in documents if "营商环境" in "\n".join([d.title, d.summary, d.body])}
    rows = []
    corpus_site = work / "corpus-site"
    write_site(site, corpus_site, ROOT / "mkdocs.yml")
    started = time.perf_counter()
    write_site_search(site, corpus_site)
    seconds = time.perf_counter() - started
    with served(corpus_site) as url:
        answers, found = our_search(browser, url, texts)
    rows.append(_recall_row("ours: Pagefind 1.5.2 + our analysis", questions, answers, found, containing, seconds))
    for label, binary in (("stock Pagefind 1.5.2 (PyPI)", pagefind_executable()), ("stock Pagefind 1.6.0 (npm)", pagefind_160(work))):
        if binary is None:
            rows.append([label, "npm not available", "", "", "", ""])
            continue
        folder = work / f"stock-{label.split()[2]}"
        stock_records(documents, folder)
        started = time.perf_counter()
        subprocess.run([str(binary), "--site", str(folder), "--silent"], check=True, timeout=1800)
        seconds = time.perf_counter() - started
        with served(folder) as url:
            answers, found = stock_search(browser, url, texts)
        rows.append(_recall_row(label, questions, answers, found, containing, seconds))
    return rows


def _recall_row(label, questions, answers, found, containing, seconds) -> list:
    ranks = [rank_of([u.strip("/").removeprefix("policies/") for u in urls], q.target) for q, urls in zip(questions, answers)]
    metrics = ranking_metrics(ranks)
    hits = len(containing & set(found))
    return [label, metrics["recall@1"], metrics["recall@10"], metrics["mrr@10"], f"{hits} / {len(containing)} (+{len(found) - hits} more)", seconds]


# --- the first query on a site with its FAQ ---------------------------------------------------

def first_query_row(size: int, ours_base: Path, work: Path, browser, assets: Path | None = None) -> list:
    """Bytes of the first query on a phone (390 px: facets closed) on a site of `size` explainers and
    their FAQ, made as `make bench-scale` makes them (bench/corpus.py: 4·N questions, seed 1, FAQ
    assembled by the pipeline); then again with the search scripts of `assets` (another version's)
    when given, on the same bundle."""
    import corpus as generated

    content = work / f"content-{size}"
    generated.generate(content, size, seed=1)
    site = run_pipeline(content, TODAY)
    folder = work / f"faq-{size}"
    shutil.copytree(ours_base, folder)
    shutil.rmtree(folder / BUNDLE)
    started = time.perf_counter()
    write_site_search(site, folder)
    seconds = time.perf_counter() - started
    pages = len(site.explainers) + len(site.faq)
    row = _first_query(size, pages, folder, browser, seconds)
    if assets is None:
        return [row]
    for script in sorted(assets.glob("*.js")):
        shutil.copy(script, folder / "assets" / script.name)
    return [row, _first_query(f"{size} ({assets.name} scripts)", pages, folder, browser, seconds)]


def _first_query(size, pages: int, folder: Path, browser, seconds: float) -> list:
    with served(folder) as url:
        shell = shell_paths(browser, url)
        phone = downloaded(browser, f"{url}search/?q={quote(FIRST_QUERY)}", wait_ours, shell=shell)
        paths = _largest_responses(browser, f"{url}search/?q={quote(FIRST_QUERY)}")
    return [size, pages, phone["sent_kb"], phone["own_kb"], phone["requests"], seconds, paths]


def _largest_responses(browser, url: str) -> str:
    """The five largest responses of a first query (sent KB), for the report."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    wait_ours(page)
    sizes = sorted(((sent_size(served_file(r.url)) / 1024, urlsplit(r.url).path) for r in responses if r.status == 200), reverse=True)[:5]
    context.close()
    return ", ".join(f"{path.rsplit('/', 1)[-1]} {kb:.0f}" for kb, path in sizes)


FIRST_QUERY_HEADERS = ["explainers", "explainers + FAQ entries", "first query KB (gzip, phone)", "without the site's theme", "requests", "index build s", "largest (KB)"]


# --- the development set: nDCG@10 per kind, typed + Enter ---------------------------------------

DEV_SET = CORPUS.parent / "queries-dev.jsonl"
KINDS = ("keyword", "question", "synonym", "abbreviation", "traditional", "region", "lookup")


def dev_queries(path: Path = DEV_SET) -> list[dict]:
    """The graded development queries, one dict per line (id, kind, query, relevant)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ndcg_at(slugs: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade − 1 (grades 2, 1; unlisted 0), as bench/search_dev.py; a slug counts once."""
    seen, gains = set(), []
    for slug in slugs[:k]:
        gains.append(0 if slug in seen else 2 ** relevant.get(slug, 0) - 1)
        seen.add(slug)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def typed_search(browser, url: str, queries: list[str], start: str = "") -> list[list[str]]:
    """Slugs of the policy list's first 10 for each query, typed into the search page (opened at
    `start`: a query string of filters) and sent with Enter."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda error: print(f"page error: {error}", file=sys.stderr))
    page.goto(url + "search/" + start)
    page.wait_for_function("() => document.body.dataset.ppSearched", timeout=120_000)
    answers = []
    for n, query in enumerate(queries):
        if n % 25 == 0:
            print(f"… {n} queries", file=sys.stderr, flush=True)
        before = page.evaluate("() => document.body.dataset.ppSearched")
        page.fill("#pp-q", query)  # the search page's own box (the header has another)
        page.press("#pp-q", "Enter")
        page.wait_for_function("(b) => document.body.dataset.ppSearched && document.body.dataset.ppSearched !== b", arg=before, timeout=60_000)
        hrefs = page.eval_on_selector_all("#pp-results > li a.pp-item__title", "links => links.slice(0, 10).map(a => a.pathname)")
        answers.append([h.strip("/").removeprefix("policies/") if h.strip("/").startswith("policies/") else h for h in hrefs])
    page.close()
    return answers


def engine_search(site, queries: list[str], work: Path) -> list[list[str]] | None:
    """`policy search` as users get it (no filter): slugs of its first 10 policies' ranks (an FAQ hit takes a rank)."""
    try:
        from build_tools.indexes.whoosh import index_site
        from build_tools.search.engine import Engine
        from build_tools.search.request import SearchRequest

        (work / "whoosh").mkdir()
        index_site(site, work / "whoosh")
        engine = Engine(work / "whoosh")
        answers = []
        for query in queries:
            response = engine.search(SearchRequest(query=query, limit=10))
            answers.append([hit.slug if hit.kind == "policy" else f"faq:{hit.slug}" for hit in response.results])
        engine.close()
        return answers
    except Exception as error:  # the engine is another part of the project: report, do not stop
        print(f"policy search not measured: {error!r}", file=sys.stderr)
        return None


def per_kind(queries: list[dict], answers: list[list[str]]) -> list:
    """nDCG@10 overall, then per kind."""
    scores = [ndcg_at(a, q["relevant"]) for q, a in zip(queries, answers)]
    row = [sum(scores) / len(scores)]
    for kind in KINDS:
        mine = [s for s, q in zip(scores, queries) if q["kind"] == kind]
        row.append(sum(mine) / len(mine) if mine else "")
    return row


def dev_rows(work: Path, browser, site=None, assets: Path | None = None) -> tuple[list[list], dict]:
    """The development set in the search page (typed, Enter), then with lapsed policies included
    (the hint's one click: `status=全部`), and in `policy search`. `assets`: a folder of search
    scripts to put in place of the built ones (another version's, for a before/after)."""
    site = site or load_site(CORPUS)
    queries = dev_queries()
    texts = [q["query"] for q in queries]
    folder = work / "dev-site"
    write_site(site, folder, ROOT / "mkdocs.yml")
    write_site_search(site, folder)
    for script in sorted(assets.glob("*.js")) if assets else ():
        shutil.copy(script, folder / "assets" / script.name)
    with served(folder) as url:
        browser_answers = typed_search(browser, url, texts)
        every_status = typed_search(browser, url, texts, "?status=%E5%85%A8%E9%83%A8")
    rows = [["site search in Chromium (typed, Enter)", *per_kind(queries, browser_answers)],
            ["site search, lapsed included (status=全部)", *per_kind(queries, every_status)]]
    engine_answers = engine_search(site, texts, work)
    if engine_answers is not None:
        rows.append(["policy search (as users get it)", *per_kind(queries, engine_answers)])
    detail = {q["id"]: {"browser": b, "engine": e, "ndcg_browser": ndcg_at(b, q["relevant"])}
              for q, b, e in zip(queries, browser_answers, engine_answers or [None] * len(queries))}
    return rows, detail


DEV_HEADERS = ["search", "all", *KINDS]


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000])
    parser.add_argument("--questions", type=int, default=0, help="only the first N briefing questions (0: all)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--dev-only", action="store_true", help="only the development set (nDCG@10 per kind)")
    parser.add_argument("--assets", type=Path, help="search scripts to use instead of the built ones (e.g. HEAD's, for a before/after)")
    parser.add_argument("--first-query", type=int, nargs="*", metavar="EXPLAINERS",
                        help="only the first query's bytes on sites of these many explainers with their FAQ (e.g. 20000)")
    args = parser.parse_args()
    if args.first_query:
        with tempfile.TemporaryDirectory(prefix="site-search-first-") as scratch, chromium() as browser:
            work = Path(scratch)
            ours_base, _ = build_sample_sites(work)
            rows = [row for size in args.first_query for row in first_query_row(size, ours_base, work, browser, args.assets)]
        print(f"## First query ({FIRST_QUERY}) with the FAQ\n")
        print(markdown_table(FIRST_QUERY_HEADERS, rows))
        write_json(args.json, {"first_query": rows})
        return
    if args.dev_only:
        with tempfile.TemporaryDirectory(prefix="site-search-dev-") as scratch, chromium() as browser:
            rows, detail = dev_rows(Path(scratch), browser, assets=args.assets)
        print("## Development set: nDCG@10 per kind\n")
        print(markdown_table(DEV_HEADERS, rows))
        write_json(args.json, {"dev": rows, "dev_detail": detail})
        return
    corpus = load_site(CORPUS)
    pools = corpus_pools(policy_documents(corpus))
    taxonomy = corpus.content.taxonomy
    with tempfile.TemporaryDirectory(prefix="site-search-bench-") as scratch, chromium() as browser:
        work = Path(scratch)
        ours_base, material_base = build_sample_sites(work)
        sizes = []
        for size in args.sizes:
            sizes.append(synthetic_row(size, synthetic_documents(pools, size, seed=size), taxonomy, ours_base, material_base, work, browser))
            print(f"… {size} pages done", file=sys.stderr, flush=True)
        recall = recall_rows(work, browser, args.questions)
        dev, _ = dev_rows(work, browser, corpus)
    print(f"## First query ({FIRST_QUERY}): bytes downloaded for the search page and the query\n")
    print(markdown_table(["pages", "ours KB (gzip, phone)", "ours KB without the site's theme", "ours KB (gzip, desktop: facets open)", "ours KB (raw, phone)", "ours requests", "ours s to results", "ours index build s", "ours index MB",
                          "Material KB (gzip)", "Material KB (raw)", "Material s to results", "Material index build s", "Material index MB"], sizes))
    print("\n## Real corpus: briefing questions (all statuses) and 营商环境\n")
    print(markdown_table(["search", "Recall@1", "Recall@10", "MRR@10", "营商环境 found / pages with it", "index build s"], recall))
    print("\n## Development set: nDCG@10 per kind (typed, Enter)\n")
    print(markdown_table(DEV_HEADERS, dev))
    write_json(args.json, {"sizes": sizes, "recall": recall, "dev": dev})


if __name__ == "__main__":
    main()
