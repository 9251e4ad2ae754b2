"""Site → search documents: what the index holds, independent of the engine.

One SearchDocument per published explainer (and, with the FAQ, per FAQ
entry). Built from the validated domain objects, never from HTML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Explainer, Site


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


def documents_of(site: Site) -> list[SearchDocument]:
    return [_explainer_document(site, e) for e in site.explainers]


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
