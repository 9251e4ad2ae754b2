"""GET /api/search and /api/faq: the search as JSON, for the site and for other services.

/api/faq takes the same parameters and searches FAQ entries only, adding each
entry's ask count and sources (for the people who answer new questions).

`SearchApp` is a small ASGI app, deployable on its own behind a web server
(`policy api`, or any ASGI server: `uvicorn build_tools.search.api:app`,
with POLICY_SEARCH_INDEX naming the index folder). `policy serve` mounts the
same handler into its preview server through `wsgi_middleware`.
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


class SearchService:
    """Answers query strings from one index folder, reopening it after each rebuild."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._engine: Engine | None = None
        self._opened: tuple[int, float] | None = None
        self._lock = threading.Lock()

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
            with self._lock:
                return 200, self._current_engine().search(request).to_json(with_extra=faq)
        except IndexMissing as error:
            return 503, {"error": str(error)}

    def _current_engine(self) -> Engine:
        # A build swaps in a whole new folder: a new inode means a new index.
        stat = self.index_dir.stat() if self.index_dir.exists() else None
        identity = (stat.st_ino, stat.st_mtime) if stat else None
        if self._engine is None or identity != self._opened:
            if self._engine is not None:
                self._engine.close()
            self._engine, self._opened = Engine(self.index_dir), identity
        return self._engine


def _encode(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class SearchApp:
    """The ASGI app: GET /api/search; anything else is 404 or 405, as JSON."""

    def __init__(self, index_dir: Path):
        self.service = SearchService(index_dir)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        status, body = self._route(scope["method"], scope["path"])
        if status == 200 and scope["method"] == "GET":
            query = scope.get("query_string", b"").decode("utf-8", "replace")
            status, body = await asyncio.to_thread(self.service.answer, query, _is_faq(scope["path"]))
        payload = _encode(body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", JSON_TYPE.encode()), (b"content-length", str(len(payload)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload if scope["method"] != "HEAD" else b""})

    @staticmethod
    def _route(method: str, path: str) -> tuple[int, dict]:
        if path.rstrip("/") not in (PATH, FAQ_PATH):
            return 404, {"error": f"not found: the search API is at {PATH}?q=… and {FAQ_PATH}?q=…"}
        if method not in ("GET", "HEAD"):
            return 405, {"error": "only GET is allowed"}
        return 200, {}


def _is_faq(path: str) -> bool:
    return path.rstrip("/") == FAQ_PATH


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


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
        start_response(f"{status} {'OK' if status == 200 else 'Error'}", [("Content-Type", JSON_TYPE), ("Content-Length", str(len(payload)))])
        return [payload]

    return middleware


app = SearchApp(Path(os.environ.get("POLICY_SEARCH_INDEX", "search_index")))
