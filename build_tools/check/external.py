"""External links (http, https), checked over the network only when asked (`policy check --check-external`).

Collects every external link of the bodies and the URL fields of the front
matter (`policy.url`, `source`), asks each distinct URL once (HEAD, then GET
when a server refuses HEAD), several at a time and each with a timeout, and
reports a broken one at every place it is written. Never part of the
default check: CI must not fail because another site is down.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from build_tools.check.links import body_links
from build_tools.load.tree import LoadedTree, RawDocument
from build_tools.models import Issue

URL_FIELDS = ("policy.url", "source")
USER_AGENT = "policy-link-check/1.0"
# Servers that refuse HEAD say so with one of these; ask again with GET.
_RETRY_WITH_GET = {403, 405, 501}


@dataclass(frozen=True)
class Place:
    """Where an external URL is written."""

    url: str
    path: str
    line: int
    field: str


def external_places(tree: LoadedTree) -> list[Place]:
    """Every external URL of every explainer and session, with its file and line."""
    return [place for document in (*tree.policies, *tree.sessions) for place in _places(document)]


def _places(document: RawDocument) -> Iterator[Place]:
    data = document.data if isinstance(document.data, dict) else {}
    for key in URL_FIELDS:
        value = _dotted(data, key)
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            yield Place(value.strip(), document.shown, document.line_of(key), key)
    for link in body_links(document):
        if link.external:
            yield Place(link.target, document.shown, link.line, "body")


def _dotted(data: Any, key: str) -> Any:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def check_external(places: list[Place], timeout: float = 10.0, workers: int = 8) -> list[Issue]:
    """Ask every distinct URL once; an Issue for each place of a URL that does not answer with success."""
    urls = sorted({place.url for place in places})
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        verdicts = dict(zip(urls, pool.map(lambda url: url_problem(url, timeout), urls)))
    return [
        Issue(
            p.path,
            p.line,
            p.field,
            f"外部链接无法访问（{verdicts[p.url]}）：请核对网址，或改为仍有效的地址 / "
            f"external link {p.url} is broken ({verdicts[p.url]}): check the address or replace it",
        )
        for p in places
        if verdicts[p.url]
    ]


def url_problem(url: str, timeout: float) -> str | None:
    """None when the URL answers with success (after redirects), else what went wrong."""
    status = _status(url, "HEAD", timeout)
    if isinstance(status, int) and status in _RETRY_WITH_GET:
        status = _status(url, "GET", timeout)
    if isinstance(status, str):
        return status
    return None if status < 400 else f"HTTP {status}"


def _status(url: str, method: str, timeout: float) -> int | str:
    """The HTTP status of a request, or the reason there is none."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError as error:
        return f"无法连接 / cannot connect: {error.reason}"
    except TimeoutError:
        return f"超时 / no answer within {timeout:g} s"
    except (OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
