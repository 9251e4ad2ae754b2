"""GET /api/search and /api/faq: the search as JSON, for the site and for other services.

/api/faq takes the same parameters and searches FAQ entries only, adding each
entry's ask count and sources (for the people who answer new questions).

`SearchApp` is a small ASGI app, deployable on its own behind a web server
(`policy api`, or any ASGI server: `uvicorn build_tools.search.api:app`,
with POLICY_SEARCH_INDEX naming the index folder). `policy serve` mounts the
same handler into its preview server through `wsgi_middleware`. Every answer
carries SECURITY_HEADERS.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl

from build_tools.search.engine import Engine, IndexMissing
from build_tools.search.request import BadRequest, SearchRequest

PATH = "/api/search"
FAQ_PATH = "/api/faq"
JSON_TYPE = "application/json; charset=utf-8"
INDEX_VARIABLE = "POLICY_SEARCH_INDEX"
# JSON is never a page: nothing may load, frame or sniff it as one, and no referrer leaves with a link.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Referrer-Policy", "no-referrer"),
)


class SearchService:
    """Answers query strings from one index folder, reopening it after each rebuild.

    Searches run side by side, each in its own thread, on one shared Engine: no
    lock is held while one runs, so a slow search delays no other. A build
    swaps a whole new folder in (a new inode): the first request that sees it
    opens and warms the new index while the requests that came after the swap
    wait for it (once per build, a fraction of a second), and the searches
    still running on the old one finish there; the old one is closed when its
    last search ends. A search never mixes two indexes: an open index keeps
    reading its own folder (IndexReader).
    """

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._current: _Opened | None = None
        self._lock = threading.Lock()  # the current index and its count of searches: held for microseconds
        self._opening = threading.Lock()  # one thread opens a new index; the requests that need it wait

    def answer(self, query_string: str, faq: bool = False) -> tuple[int, dict]:
        """(HTTP status, JSON body) for a query string such as 'q=社保&limit=5'."""
        params = dict(parse_qsl(query_string, keep_blank_values=True))
        if faq:
            params["kind"] = "faq"
        try:
            request = SearchRequest.from_params(params)
        except BadRequest as error:
            return 400, {"error": str(error)}
        try:
            opened = self._acquire()
        except IndexMissing as error:
            return 503, {"error": str(error)}
        try:
            return 200, opened.engine.search(request).to_json(with_extra=faq)
        finally:
            self._release(opened)

    def warm(self) -> None:
        """Open the index now and read what the first searches need, for a server that starts."""
        try:
            self._release(self._acquire())
        except IndexMissing:
            pass  # each request says so until there is one

    def close(self) -> None:
        """Close the open index (once the searches running on it end)."""
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            self._retire(current)

    def _acquire(self) -> _Opened:
        """The index to search, counted as in use until `_release`."""
        identity = _identity(self.index_dir)
        with self._lock:
            current = self._current
            if current is not None and current.identity == identity:
                current.users += 1
                return current
        if identity is None:  # no folder (any more)
            self.close()
            raise IndexMissing(f"no search index in {self.index_dir}: run `policy build` first or pass --index DIR")
        with self._opening:
            with self._lock:
                current = self._current
                if current is not None and current.identity == identity:  # opened while this one waited
                    current.users += 1
                    return current
            engine = Engine(self.index_dir)  # raises IndexMissing
            engine.warm()
            opened = _Opened(engine, identity)
            with self._lock:
                previous, self._current = self._current, opened
                opened.users += 1
        if previous is not None:
            self._retire(previous)
        return opened

    def _release(self, opened: _Opened) -> None:
        with self._lock:
            opened.users -= 1
            done = opened.retired and not opened.users
        if done:
            opened.engine.close()

    def _retire(self, opened: _Opened) -> None:
        with self._lock:
            opened.retired = True
            done = not opened.users
        if done:
            opened.engine.close()


class _Opened:
    """An open index, the folder identity it was opened at, and how many searches use it."""

    def __init__(self, engine: Engine, identity: tuple[int, float]):
        self.engine, self.identity = engine, identity
        self.users, self.retired = 0, False


def _identity(folder: Path) -> tuple[int, float] | None:
    """The folder's inode and time: a build swaps in a whole new folder, so a new inode means a new index."""
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime


def _encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def response_headers(payload: bytes) -> list[tuple[str, str]]:
    """The headers of every answer of the API: JSON, its length, SECURITY_HEADERS."""
    return [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload))), *SECURITY_HEADERS]


class SearchApp:
    """The ASGI app: GET /api/search; anything else is 404 or 405, as JSON.

    A search runs in a thread of the event loop's pool, so the loop goes on
    accepting and answering while it runs. At start-up (ASGI lifespan) the
    index is opened and warmed, so no request waits for that.
    """

    def __init__(self, index_dir: Path):
        self.service = SearchService(index_dir)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        status, body = self._route(scope["method"], scope["path"])
        payload = _encode(body)
        if status == 200 and scope["method"] == "GET":
            query = scope.get("query_string", b"").decode("utf-8", "replace")
            status, payload = await asyncio.to_thread(self._answer, query, _is_faq(scope["path"]))
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response_headers(payload)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload if scope["method"] != "HEAD" else b""})

    def _answer(self, query: str, faq: bool) -> tuple[int, bytes]:
        """The search and its JSON encoding, both in the thread: the event loop only sends bytes."""
        status, body = self.service.answer(query, faq)
        return status, _encode(body)

    @staticmethod
    def _route(method: str, path: str) -> tuple[int, dict]:
        if path.rstrip("/") not in (PATH, FAQ_PATH):
            return 404, {"error": f"not found: the search API is at {PATH}?q=… and {FAQ_PATH}?q=…"}
        if method not in ("GET", "HEAD"):
            return 405, {"error": "only GET is allowed"}
        return 200, {}

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await asyncio.to_thread(self.service.warm)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.service.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _is_faq(path: str) -> bool:
    return path.rstrip("/") == FAQ_PATH


_REASONS = {200: "OK", 400: "Bad Request", 503: "Service Unavailable"}


def wsgi_middleware(application: Callable, index_dir: Path) -> Callable:
    """Serve /api/search from `index_dir` in front of another WSGI app (the preview server)."""
    service = SearchService(index_dir)

    def middleware(environ, start_response):
        path = environ.get("PATH_INFO", "").rstrip("/")
        if path not in (PATH, FAQ_PATH):
            return application(environ, start_response)
        query_string = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace")
        status, body = service.answer(query_string, _is_faq(path))
        payload = _encode(body)
        start_response(f"{status} {_REASONS.get(status, 'Error')}", response_headers(payload))
        return [payload]

    return middleware


def app_from_environment() -> SearchApp:
    """The app for the index folder named by POLICY_SEARCH_INDEX (default search_index): what each
    worker process of `policy api --workers N` makes (uvicorn's `factory`)."""
    return SearchApp(Path(os.environ.get(INDEX_VARIABLE, "search_index")))


app = app_from_environment()
