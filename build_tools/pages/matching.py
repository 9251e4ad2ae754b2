"""The matching page's data: per region, the policies of that region an enterprise may use.

The matching page (`match/`, 哪些政策适用于我) lists the policies whose
region is the chosen one or above it. So the data is cut by region: one small
JSON file per region that has policies of its own (`match/data/<region id>.json`),
and a profile downloads the file of its region and those of the regions above
it, never the whole site. Types are matched in the browser with the audience
tree the page itself carries (each type's ancestors, pages/templates/match.md.j2):
a policy names its audiences as written, and the page expands the chosen types
to their ancestors, which costs the same at any size of the tree.

Only published policies in force or about to take effect are listed; what a
result shows (deadline, amount, badges on the build date) is decided here
with the rules of pages/deadlines.py, so every page agrees. Same site and
build date, same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from build_tools.models import Explainer, Site, Status, Taxonomy, Term
from build_tools.pages.apply import PHONE, tel_number, window_text
from build_tools.pages.deadlines import deadline, soon, window_state
from build_tools.text.twins import marked_twins, script_of, twin_key

DATA_FOLDER = "match/data"
LISTED = (Status.IN_FORCE, Status.UPCOMING)


def match_files(site: Site) -> dict[str, bytes]:
    """Path → bytes of the per-region data files of the matching page."""
    by_region: dict[str, list[Explainer]] = {}
    for explainer in listed_explainers(site):
        by_region.setdefault(explainer.region.id, []).append(explainer)
    marked = marked_twins((e.slug, e.twins) for e in site.explainers)  # once for every region
    return {data_path(region_id): _json(one_per_policy(site, explainers, marked)) for region_id, explainers in sorted(by_region.items())}


def one_per_policy(site: Site, explainers: list[Explainer], marked: dict[str, str]) -> list[dict]:
    """The records of one region's explainers, an explainer and its version in the other script as one
    (text/twins.py; `marked`: the site's twins marked by their authors, `marked_twins`): the simplified
    one, carrying `twin` (the other's slug and script). Copies in the same script stay apart, as in the
    site search."""
    groups: dict[str, list[Explainer]] = {}
    for explainer in explainers:
        groups.setdefault(_twin_key(explainer, marked), []).append(explainer)
    records = []
    for explainer in explainers:
        script = script_of(explainer.title)
        others = [e for e in groups[_twin_key(explainer, marked)] if script_of(e.title) != script]
        if others and script == "繁":
            continue  # shown through its simplified twin
        record = policy_record(site, explainer)
        if others:
            record["twin"] = {"slug": others[0].slug, "script": script_of(others[0].title)}
        records.append(record)
    return records


def listed_explainers(site: Site) -> list[Explainer]:
    """The published explainers the matching page may list, newest first (then by slug)."""
    listed = [e for e in site.explainers if e.is_published(site.today) and site.status[e.slug] in LISTED]
    return sorted(listed, key=lambda e: (-e.published.toordinal(), e.slug))


def own_counts(site: Site) -> Counter[str]:
    """Region name → how many listed policies are its own (not those of the regions above it)."""
    return Counter(e.region.name for e in listed_explainers(site))


def data_path(region_id: str) -> str:
    """Where the data of one region's own policies lives, relative to the site root."""
    return f"{DATA_FOLDER}/{region_id}.json"


def policy_record(site: Site, explainer: Explainer) -> dict:
    """What a result shows and the page matches on; keys with no value are left out."""
    status = site.status[explainer.slug]
    application = explainer.apply
    state = window_state(application, site.today)
    end = deadline(explainer)
    record: dict = {
        "slug": explainer.slug,
        "title": explainer.title,
        "region": explainer.region.name,
        "department": explainer.department.name,
        "audience": [t.name for t in explainer.audience],
        "topics": [t.name for t in explainer.topics],
        "date": explainer.published.isoformat(),
        "status": status.value,
        "badges": [badge.value for badge in soon(explainer, site.today, status)],
        "effective": _iso(explainer.effective),
        "expires": _iso(explainer.expires),
        "contact": [contact_pieces(line) for line in explainer.contact],
    }
    if application is not None:
        record |= {
            "window": state.value if state else None,
            "start": _iso(application.start),
            "deadline": _iso(end),
            "period": application.period,
            "windowText": window_text(application),
            "applyUrl": application.url,
            "channel": application.channel,
            "address": application.address,
            "amount": application.amount,
            "amountYuan": application.amount_yuan,
            "noApplication": application.no_application or None,
        }
    return {key: value for key, value in record.items() if value not in (None, [], "")}


def _twin_key(explainer: Explainer, marked: dict[str, str]) -> str:
    return twin_key(explainer.policy.number if explainer.policy else None, explainer.title, marked.get(explainer.slug, ""))


def contact_pieces(line: str) -> list:
    """A contact line as the page links it: text as strings, each phone number as [as written, tel number]
    (the rule of the explainer page's 如何申请 panel, pages/apply.py)."""
    pieces: list = []
    written = 0
    for match in PHONE.finditer(line):
        number = tel_number(match.group())
        if number is None:
            continue
        pieces += [line[written : match.start()], [match.group(), number]]
        written = match.end()
    pieces.append(line[written:])
    return [piece for piece in pieces if piece]


def needs(taxonomy: Taxonomy) -> list[Term]:
    """The topics an enterprise may need (those not marked `need: false`)."""
    return [t for t in taxonomy.topics if t.need]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _json(records: list[dict]) -> bytes:
    """Compact, keys sorted: the same records give the same bytes."""
    return json.dumps({"policies": records}, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
