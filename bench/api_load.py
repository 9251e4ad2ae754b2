"""API load: `policy api` under 32 concurrent clients on 127.0.0.1, with 1 and 2 workers,
and ordinary queries while the slowest request we know how to make runs.

The index is the sample site's (`content/`, or `--content DIR`, e.g. the real
corpus, read as bench/common.py's `load_site` reads it), written into a
temporary folder first (or `--index DIR`, one that `policy build` wrote).
`policy api --workers N` is started as a user starts it, for each N of
`--workers`. Clients are asyncio connections with keep-alive
(plain HTTP/1.1 over streams, so the client costs little of the machine it
shares with the server), each sending the next request of a fixed, seeded mix
until `--requests` are answered:

  55 %  short queries (社保 缓缴, 房租减免 …) and words of the explainers' titles
  20 %  questions of the Q&A sessions, as people ask them
  15 %  browsing with filters (topic, region, status; no query, newest first)
  10 %  misspelt words that find nothing (a character replaced), so the
        spelling correction runs

Printed per worker count: requests/s and p50/p95/p99 latency. Then, with the
first worker count, for each slow query (`slow_queries`: 200 letters the index
does not know, many short unknown words, 100 results of a 200-character query):
its own time alone, and the latency of ordinary queries from one client while
another client sends that query again and again (one is always running),
beside the same without it.

    .venv/bin/python bench/api_load.py
    .venv/bin/python bench/api_load.py --requests 2000 --workers 1,2
    .venv/bin/python bench/api_load.py --content ../shared/corpus/content --json /tmp/api.json

Timings are wall clock on the machine the server runs on (the clients share it):
run nothing else meanwhile. Figures are printed, never a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from common import SHORT_QUERIES, load_site, markdown_table, percentile, write_json

from build_tools.indexes.whoosh import index_site
from build_tools.models import Site
from build_tools.text.analysis import Analyzer

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 120
WARM_PATH = "/api/search?q=%E7%A4%BE%E4%BF%9D"  # 社保


def slow_queries(site: Site) -> dict[str, dict]:
    """The slowest requests we know how to make: before, the first two took seconds in the spelling
    correction (20 s for the first on the real corpus); now the last, 100 snippets of a long query."""
    longest = max(site.explainers, key=lambda e: len(e.body))
    return {
        "200 unknown letters": {"q": "x" * 200},
        "66 short unknown words": {"q": " ".join(f"q{chr(97 + i % 26)}" for i in range(66))[:200]},
        "200 rare characters, 100 results": {"q": "".join(chr(0x4E00 + (i * 97) % 20000) for i in range(200)), "limit": 100},
        "200 characters of an explainer, 100 results": {"q": "".join(longest.body.split())[:200], "limit": 100},
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content folder to index (default: the sample content/)")
    parser.add_argument("--index", type=Path, help="an index `policy build` wrote (then --content only supplies the queries)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=3000, help="requests per run")
    parser.add_argument("--slow-requests", type=int, default=300, help="ordinary requests measured with and without each slow query")
    parser.add_argument("--slow-seconds", type=float, default=20, help="at most this long for them")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


# --- the query mix ------------------------------------------------------------------------


def query_mix(site: Site, count: int, seed: int) -> list[str]:
    """`count` request paths of the realistic mix over `site`, deterministic for `seed`."""
    rng = random.Random(seed)
    analyzer = Analyzer(site.content.taxonomy.synonym_groups())
    title_words = sorted({w for e in site.explainers for w in analyzer.segment(e.title) if len(w) >= 2 and not w.isascii()})
    questions = [pair.question for session in site.content.sessions for pair in session.pairs if len(pair.question) <= 200]
    topics = [t.name for t in site.content.taxonomy.topics]
    regions = sorted({e.region.name for e in site.explainers})
    alphabet = sorted({c for w in title_words for c in w})

    def misspelt() -> str:
        word = rng.choice([w for w in title_words if len(w) >= 2])
        at = rng.randrange(len(word))
        return word[:at] + rng.choice(alphabet) + word[at + 1 :]

    mix = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            params = {"q": rng.choice(SHORT_QUERIES) if rng.random() < 0.5 else " ".join(rng.sample(title_words, rng.randint(1, 2)))}
        elif roll < 0.75:
            params = {"q": rng.choice(questions)}
        elif roll < 0.90:
            params = {"topic": rng.choice(topics)} if rng.random() < 0.5 else {"region": rng.choice(regions), "status": "现行有效"}
        else:
            params = {"q": misspelt()}
        mix.append("/api/search?" + urllib.parse.urlencode(params))
    return mix


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`policy api` in a child process, as a user starts it."""

    def __init__(self, index: Path, workers: int):
        self.port = free_port()
        command = [str(Path(sys.executable).parent / "policy"), "api", "--index", str(index), "--port", str(self.port)]
        if workers != 1:
            command += ["--workers", str(workers)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def __enter__(self) -> Server:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                asyncio.run(run_clients(self.port, [WARM_PATH] * 8, 4))
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"`policy api` did not start (exit code {self.process.poll()})") from None
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the clients --------------------------------------------------------------------------


async def _connection(port: int):
    return await asyncio.open_connection("127.0.0.1", port)


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a kept-alive connection; its status."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode("ascii"))
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def run_clients(port: int, paths: list[str], clients: int, stop: asyncio.Event | None = None, seconds: float | None = None) -> list[float]:
    """Send `paths` over `clients` kept-alive connections (each takes the next path when free);
    the latency of each request in seconds. With `stop`, send them in a loop until it is set;
    with `seconds`, send no more after that long."""
    latencies: list[float] = []
    queue = iter(paths)
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds if seconds else None

    async def client(connection) -> None:
        reader, writer = connection
        try:
            while deadline is None or time.perf_counter() < deadline:
                if stop is not None:
                    if stop.is_set():
                        return
                    path = paths[len(latencies) % len(paths)]
                else:
                    path = next(queue, None)
                    if path is None:
                        return
                start = time.perf_counter()
                status = await _get(reader, writer, path)
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    # Connected one after another, each answered once before the next, as a proxy's pool of
    # kept-alive connections grows: uvicorn's workers share one listening socket, and the one that
    # wakes first accepts every connection waiting, so 32 made at once would mostly go to one worker.
    connections = []
    for _ in range(clients):
        connections.append(await _connection(port))
        await _get(*connections[-1], WARM_PATH)
    await asyncio.gather(*(client(connection) for connection in connections))
    if set(statuses) - {200}:
        print(f"  answers other than 200: {statuses}", file=sys.stderr)
    return latencies


def load_run(port: int, paths: list[str], clients: int) -> dict[str, float]:
    """Requests/s and latency percentiles of `paths` over `clients` connections; also the share of
    a core the clients themselves used (they run on the server's machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    latencies = asyncio.run(run_clients(port, paths, clients))
    elapsed = time.perf_counter() - start
    ms = [s * 1000 for s in latencies]
    return {
        "requests": len(ms),
        "rps": len(ms) / elapsed,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "client_cpu": (time.process_time() - cpu) / elapsed,
    }


async def _ordinary_while(port: int, ordinary: list[str], slow_path: str | None, slow_clients: int, seconds: float) -> list[float]:
    """Latencies of `ordinary`, one at a time from one client, while `slow_clients` send `slow_path` again and again."""
    stop = asyncio.Event()
    background = asyncio.gather(*(run_clients(port, [slow_path], 1, stop) for _ in range(slow_clients))) if slow_path else None
    if background is not None:
        await asyncio.sleep(0.2)  # the slow ones are running
    try:
        return await run_clients(port, ordinary, 1, seconds=seconds)
    finally:
        stop.set()
        if background is not None:
            await background


def slow_case(port: int, ordinary: list[str], slow: dict[str, dict], slow_clients: int, seconds: float) -> list[dict]:
    """Ordinary queries alone, then while `slow_clients` send each `slow` query again and again."""
    rows = []
    alone = asyncio.run(_ordinary_while(port, ordinary, None, 0, seconds))
    rows.append({"case": "ordinary queries alone", "slow_ms": 0.0, **_summary(alone)})
    for name, params in slow.items():
        path = "/api/search?" + urllib.parse.urlencode(params)
        own = asyncio.run(run_clients(port, [path], 1))
        if own[0] < 1:  # the best of three, unless it is slow enough to measure once
            own += asyncio.run(run_clients(port, [path] * 2, 1))
        print(f"  {name}: {min(own) * 1000:,.1f} ms alone", flush=True)
        during = asyncio.run(_ordinary_while(port, ordinary, path, slow_clients, seconds))
        rows.append(
            {"case": f"while {name} run" if slow_clients == 1 else f"while {slow_clients} clients send {name}", "slow_ms": min(own) * 1000, **_summary(during)}
        )
    return rows


def _summary(latencies: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in latencies]
    return {"requests": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms)}


def main() -> int:
    args = parse_args()
    workers = [int(n) for n in args.workers.split(",")]
    site = load_site(args.content)
    paths = query_mix(site, args.requests, args.seed)
    ordinary = query_mix(site, args.slow_requests, args.seed + 1)
    print(f"{args.requests} requests of the mix, {args.clients} clients, {os.cpu_count()} cores; {dt.date.today()}")
    with tempfile.TemporaryDirectory(prefix="api-load-") as scratch:
        index = args.index
        if index is None:
            index = Path(scratch) / "search_index"
            index.mkdir()
            start = time.perf_counter()
            index_site(site, index)
            print(f"index of {args.content} written in {time.perf_counter() - start:.1f} s", flush=True)
        load, slow = {}, {}
        for count in workers:
            with Server(index, count) as server:
                asyncio.run(run_clients(server.port, paths[:200], args.clients))  # warm-up: every worker opens the index
                load[count] = load_run(server.port, paths, args.clients)
                print(f"  {count} worker(s): {load[count]['rps']:,.0f} requests/s", flush=True)
                if count == workers[0]:
                    slow[count] = slow_case(server.port, ordinary, slow_queries(site), 1, args.slow_seconds)
    print()
    print(
        markdown_table(
            ["workers", "requests/s", "p50 ms", "p95 ms", "p99 ms", "the clients' share of a core"],
            [[n, f"{r['rps']:,.0f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}", f"{r['client_cpu']:.0%}"] for n, r in load.items()],
        )
    )
    for count, rows in slow.items():
        print(f"\nOrdinary queries from one client, {count} worker(s):\n")
        cells = [
            [r["case"], f"{r['slow_ms']:,.1f}" if r["slow_ms"] else "", r["requests"], *(f"{r[k]:.1f}" for k in ("p50_ms", "p95_ms", "max_ms"))] for r in rows
        ]
        print(markdown_table(["case", "the slow query alone, ms", "ordinary requests", "p50 ms", "p95 ms", "max ms"], cells))
    write_json(args.json, {"date": str(dt.date.today()), "clients": args.clients, "requests": args.requests, "load": load, "slow": slow})
    return 0


if __name__ == "__main__":
    sys.exit(main())
