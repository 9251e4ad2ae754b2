"""A search request and its response, validated the same way for the CLI and the API."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from build_tools.errors import UsageError
from build_tools.models import Status

MAX_LIMIT = 100
SORTS = ("relevance", "date")
KINDS = ("policy", "faq")
FILTERS = ("department", "topic", "audience", "region", "status", "kind")
FACETS = ("department", "topics", "audience", "region", "status", "kind", "year")
STATUS_NAMES = {s.value: s.value for s in Status} | {
    "upcoming": Status.UPCOMING.value,
    "in-force": Status.IN_FORCE.value,
    "expired": Status.EXPIRED.value,
    "superseded": Status.SUPERSEDED.value,
}
ALL_STATUSES = "all"  # --status all / status=all: no status filter (the hint of a search that hides some)


class BadRequest(UsageError, ValueError):
    """A parameter is wrong; the message says which and what is allowed."""


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query, its filters, the order and which page of results."""

    query: str = ""
    department: str | None = None
    topic: str | None = None
    audience: str | None = None
    region: str | None = None
    status: str | None = None
    kind: str | None = None
    sort: str = "relevance"
    limit: int = 10
    page: int = 1

    @property
    def filters(self) -> dict[str, str]:
        return {name: value for name in FILTERS if (value := getattr(self, name)) and not (name == "status" and value == ALL_STATUSES)}

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchRequest:
        """Build from query-string style parameters; raise BadRequest with a clear message."""
        known = {"q", "sort", "limit", "page", *FILTERS}
        unknown = sorted(set(params) - known)
        if unknown:
            raise BadRequest(f"unknown parameter {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
        values = {name: params[name].strip() for name in FILTERS if params.get(name, "").strip()}
        request = cls(
            query=params.get("q", "").strip(),
            sort=params.get("sort", "relevance"),
            limit=_integer(params, "limit", 10),
            page=_integer(params, "page", 1),
            **values,
        )
        request.validate()
        return request

    def validate(self) -> None:
        if len(self.query) > 200:
            raise BadRequest("q is too long: at most 200 characters")
        if self.sort not in SORTS:
            raise BadRequest(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}, not {self.limit}")
        if self.page < 1:
            raise BadRequest(f"page must be 1 or more, not {self.page}")
        if self.kind and self.kind not in KINDS:
            raise BadRequest(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.status and self.status not in STATUS_NAMES and self.status != ALL_STATUSES:
            raise BadRequest(f"status must be one of {', '.join(STATUS_NAMES)}, {ALL_STATUSES}, not {self.status!r}")


def _integer(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value!r}") from None


@dataclass(frozen=True)
class Hit:
    """One result of a search, as the API returns it."""

    slug: str
    kind: str
    title: str
    url: str
    score: float
    snippet: str
    department: str
    region: str
    status: str
    published: str
    extra: dict = field(default_factory=dict, compare=False)
    twin: dict | None = field(default=None, compare=False)  # {"title", "url", "script"} of its version in the other script (search/twins.py)

    def to_json(self, with_extra: bool = False) -> dict:
        """The hit as the API returns it, with the `extra` data or without; `twin` only when it has one."""
        data = {name: getattr(self, name) for name in _HIT_FIELDS}
        data.update({key: copy.deepcopy(self.extra[key]) for key in APPLICATION_FIELDS if key in self.extra})
        if self.twin:
            data["twin"] = dict(self.twin)
        if with_extra:
            data.update(copy.deepcopy(self.extra))
        return data


_HIT_FIELDS = tuple(f.name for f in fields(Hit) if f.name not in ("extra", "twin"))
# How to apply, in every explainer hit that has it (indexes/documents.py `application_extra`): deadline, amount, badges.
APPLICATION_FIELDS = ("deadline", "amount", "badges")


@dataclass(frozen=True)
class Answer:
    """A FAQ answer shown above the policies: its question, one line of the answer, the policy it rests on."""

    id: str
    question: str
    answer: str
    url: str
    score: float
    policy: dict | None = None  # {"slug", "title", "url"} of the explainer the answer rests on

    def to_json(self) -> dict:
        """The answer as the API returns it."""
        return {name: getattr(self, name) for name in ("id", "question", "answer", "url", "score")} | {"policy": dict(self.policy) if self.policy else None}


@dataclass
class SearchResponse:
    """The results of a search: the hits of the page asked for, their total, the facet counts and any suggestions;
    the FAQ answers shown apart (`answers`), and how many policies the status filter hid (`hidden_by_status`)."""

    query: str
    total: int
    results: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestions: list[dict] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    hidden_by_status: int = 0

    def to_json(self, with_extra: bool = False) -> dict:
        """The API's JSON; `with_extra` adds kind-specific data (a FAQ entry's ask count and sources).

        A new dict, to serialise at once: values that are lists or dicts (facet counts,
        suggestions, extra data) are copied one level deep, not recursively as `asdict`
        copies (a third of a search's time)."""
        data: dict = {
            "query": self.query,
            "total": self.total,
            "results": [hit.to_json(with_extra) for hit in self.results],
            "facets": {name: dict(counts) for name, counts in self.facets.items()},
            "answers": [answer.to_json() for answer in self.answers],
            "hidden_by_status": self.hidden_by_status,
        }
        if self.suggestions:
            data["suggestions"] = [dict(suggestion) for suggestion in self.suggestions]
        return data


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date as YYYY-MM-DD; '' for none."""
    return value.strftime("%Y-%m-%d") if value else ""
