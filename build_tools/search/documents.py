"""Site → search documents: what the index holds, independent of the engine.

One SearchDocument per published explainer (and, with the FAQ, per FAQ
entry). Built from the validated domain objects, never from HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import threading
from dataclasses import dataclass, field

import markdown
import nh3

from ..models import Explainer, FAQEntry, Site, Status
from ..redact import redact


@dataclass(frozen=True)
class SearchDocument:
    id: str
    kind: str
    slug: str
    url: str
    title: str
    summary: str
    body: str
    published: dt.date
    status: str
    department: tuple[str, ...]
    region: str
    region_path: tuple[str, ...]
    number: str = ""
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    effective: dt.date | None = None
    expires: dt.date | None = None
    policy_title: str = ""
    extra: dict = field(default_factory=dict)  # kind-specific data returned with a hit (FAQ sources)


def documents_of(site: Site) -> list[SearchDocument]:
    by_slug = {e.slug: e for e in site.explainers}
    return [_explainer_document(site, e) for e in site.explainers] + [_faq_document(site, by_slug, e) for e in site.faq]


def _explainer_document(site: Site, explainer: Explainer) -> SearchDocument:
    policy = explainer.policy
    return SearchDocument(
        id=f"policy:{explainer.slug}",
        kind="policy",
        slug=explainer.slug,
        url=f"policies/{explainer.slug}/",
        title=explainer.title,
        summary=explainer.summary,
        body=explainer.body,
        published=explainer.published,
        status=site.status[explainer.slug].value,
        department=tuple(d.name for d in (explainer.department, *explainer.co_departments)),
        region=explainer.region.name,
        region_path=(*explainer.region.ancestors, explainer.region.name),
        number=policy.number or "" if policy else "",
        tags=tuple(explainer.tags),
        topics=tuple(t.name for t in explainer.topics),
        audience=tuple(t.name for t in explainer.audience),
        effective=explainer.effective,
        expires=explainer.expires,
        policy_title=policy.title if policy else "",
    )


def _faq_document(site: Site, by_slug: dict[str, Explainer], entry: FAQEntry) -> SearchDocument:
    """A FAQ entry: the public's words redacted before they reach the index."""
    linked = [by_slug[link.slug] for link in entry.links]
    stale = entry.stale_links(site.status)
    region = linked[0].region if linked else None
    department = entry.department
    asked = dict.fromkeys(redact(o.pair.question) for o in entry.occurrences)
    answer = plain_text(entry.answer)
    return SearchDocument(
        id=f"faq:{entry.id}",
        kind="faq",
        slug=entry.id,
        url=f"faq/{entry.id}/",
        title=redact(entry.question),
        summary=answer[:160],
        body="\n".join([*asked, answer, redact(entry.newest.pair.details)]),
        published=entry.newest.date,
        status=stale[0][1].value if stale else Status.IN_FORCE.value,
        department=(department.name,) if department else (),
        region=region.name if region else (department.region if department else ""),
        region_path=(*region.ancestors, region.name) if region else ((department.region,) if department else ()),
        topics=tuple(t.name for t in entry.topics),
        audience=tuple(dict.fromkeys(t.name for e in linked for t in e.audience)),
        extra={"ask_count": entry.ask_count, "sources": [_source(o) for o in entry.occurrences]},
    )


def _source(occurrence) -> dict:
    department = occurrence.department
    return {"session": occurrence.session.slug, "title": occurrence.session.title, "kind": occurrence.session.kind.value,
            "date": occurrence.date.isoformat(), "department": department.name if department else ""}


def plain_text(markdown_text: str) -> str:
    """Markdown as plain text: rendered, every tag removed, entities decoded."""
    return html.unescape(nh3.clean(_markdown().reset().convert(markdown_text), tags=set())).strip()


_per_thread = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset for each text: making a new one costs more than converting a short answer."""
    if not hasattr(_per_thread, "markdown"):
        _per_thread.markdown = markdown.Markdown()
    return _per_thread.markdown
