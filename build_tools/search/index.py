"""The Whoosh index: one document per published explainer, built from the Site.

Built from the validated domain objects, never by scraping HTML. Title,
document number (文号) and summary weigh more than the body.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import NgramAnalyzer

from ..models import Explainer, Site

# Overlapping one- and two-character grams find Chinese words without a dictionary.
CHINESE = NgramAnalyzer(minsize=1, maxsize=2)

SCHEMA = fields.Schema(
    id=fields.ID(unique=True, stored=True),
    kind=fields.ID(stored=True),
    slug=fields.ID(stored=True),
    url=fields.STORED,
    title=fields.TEXT(analyzer=CHINESE, stored=True, field_boost=4.0),
    number=fields.TEXT(analyzer=CHINESE, stored=True, field_boost=4.0),
    summary=fields.TEXT(analyzer=CHINESE, stored=True, field_boost=2.0),
    body=fields.TEXT(analyzer=CHINESE),
    department=fields.KEYWORD(stored=True, commas=True),
    region=fields.KEYWORD(stored=True, commas=True),
    topics=fields.KEYWORD(stored=True, commas=True),
    audience=fields.KEYWORD(stored=True, commas=True),
    status=fields.ID(stored=True),
    published=fields.DATETIME(stored=True, sortable=True),
)


def write_index(site: Site, folder: Path) -> None:
    """Write the index of `site` into the (empty) `folder`."""
    store = index.create_in(str(folder), SCHEMA)
    writer = store.writer()
    for explainer in site.explainers:
        writer.add_document(**_explainer_document(site, explainer))
    writer.commit()


def _explainer_document(site: Site, explainer: Explainer) -> dict:
    region = explainer.region
    return dict(
        id=f"policy:{explainer.slug}",
        kind="policy",
        slug=explainer.slug,
        url=f"policies/{explainer.slug}/",
        title=explainer.title,
        number=explainer.policy.number if explainer.policy and explainer.policy.number else "",
        summary=explainer.summary,
        body=explainer.body,
        department=",".join(d.name for d in (explainer.department, *explainer.co_departments)),
        region=",".join((*region.ancestors, region.name)),
        topics=",".join(t.name for t in explainer.topics),
        audience=",".join(t.name for t in explainer.audience),
        status=site.status[explainer.slug].value,
        published=dt.datetime.combine(explainer.published, dt.time()),
    )
