"""`write_search_bundle(documents, taxonomy, folder)`: the site search writer (`policy build`
calls it with the documents it shares with the Whoosh index; `write_site_search(site, folder)`
makes them from a Site).

It makes one record per explainer and per group of FAQ entries (answers.py), oldest first, hands them to
Pagefind with its output in `folder/pagefind/`, and writes the browser's
analysis data, gathered from the documents on the same pass (each is made
when it is read: see search/documents.py). `policy build` calls it inside the staged build, so a
failed run leaves the previous site in place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from build_tools.indexes.documents import SearchDocument, SearchDocuments, documents_of, equivalences_of
from build_tools.indexes.pagefind.answers import EntryGroups, group_record
from build_tools.indexes.pagefind.browser import IndexedText, browser_data_json
from build_tools.indexes.pagefind.records import body_of, record_html
from build_tools.indexes.pagefind.service import RunCount, SiteSearchError, run_pagefind, shard_text
from build_tools.indexes.pagefind.tokens import common_terms
from build_tools.models import Site, Taxonomy
from build_tools.runtime.reuse import ReuseFolder
from build_tools.text.analysis import Analyzer
from build_tools.text.lexicon import equivalence_groups

BUNDLE = "pagefind"
BROWSER_DATA = "assets/sitesearch-data.json"

__all__ = ["SiteSearchError", "write_site_search", "write_search_bundle"]


def write_site_search(site: Site, folder: Path) -> None:
    """Index every published explainer and FAQ entry of `site` into the built site `folder`, with the
    site's equivalences (the starter lexicon, the project's and those its explainers define)."""
    write_search_bundle(documents_of(site), site.content.taxonomy, Path(folder), equivalences_of(site))


def write_search_bundle(
    documents: Sequence[SearchDocument],
    taxonomy: Taxonomy,
    folder: Path,
    equivalents: Iterable[Iterable[str]] | None = None,
    reuse: ReuseFolder | None = None,
) -> RunCount:
    """The Pagefind bundle and the browser data for `documents` (benchmarks call this with synthetic ones);
    `equivalents`: the equivalence groups (default: the starter lexicon alone); `reuse`: the Pagefind runs
    of the last build's record (service.py). Returns how many runs Pagefind made, of how many."""
    analyzer = Analyzer(taxonomy.synonym_groups(), equivalence_groups() if equivalents is None else equivalents)
    indexed = IndexedText()
    planned, context = planned_records(SearchDocuments.of(documents), analyzer, indexed)
    count = run_pagefind(planned, folder / BUNDLE, shard_text(len(documents)), reuse, context)
    data = folder / BROWSER_DATA
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(browser_data_json(indexed, analyzer, taxonomy), encoding="utf-8")
    return count


@dataclass(frozen=True)
class PlannedRecord:
    """A record to be made when Pagefind is sent it (service.py `Record`): its URL, a hash of the documents
    it is made of (`key`), their characters (`size`), and the documents' places in `documents`."""

    url: str
    key: str
    size: int
    numbers: tuple[int, ...]
    maker: _RecordMaker

    def html(self) -> str:
        return self.maker.html(self.numbers)


@dataclass(frozen=True)
class _RecordMaker:
    documents: SearchDocuments
    analyzer: Analyzer
    common: dict[str, int]

    def html(self, numbers: tuple[int, ...]) -> str:
        documents = self.documents.many(numbers)
        if len(documents) == 1 and documents[0].kind == "policy":
            return record_html(self.analyzer, documents[0], self.common)
        # An entry's words once each: its page's index entries tell which entry holds a word,
        # and a page of 16 entries would otherwise repeat a common word up to 144 times.
        return group_record(documents, [body_of(self.analyzer, d, self.common, once=True) for d in documents])


def planned_records(documents: SearchDocuments, analyzer: Analyzer, indexed: IndexedText | None = None) -> tuple[list[PlannedRecord], str]:
    """One record per explainer, oldest first, then per group of FAQ entries (answers.py), oldest
    first: Pagefind's page numbers follow this order, so the browser sorts results by date with them
    (canonical.py) and tells an explainer from FAQ entries by its number alone (below `policyPages`
    of the browser data), without downloading the `kind` filter, which lists every page. `indexed`
    gathers their text on the way. Each record is made when it is sent to Pagefind, which a run of
    records the build record holds is not (service.py): here its documents are only hashed. Also
    what every record depends on besides its documents (a hash of the analysis and the common terms)."""
    common = common_terms(analyzer, documents)
    maker = _RecordMaker(documents, analyzer, common)
    planned, groups = [], EntryGroups[tuple[int, str, int]]()
    summaries = documents.summaries()
    if indexed is not None:
        indexed.characters |= summaries.characters
    for number in documents.date_order():
        summary = summaries.items[number]
        document, key, size = summary.light, summary.key, RECORD_PER_TEXT * summary.size
        if indexed is not None:
            indexed.add(document)
        if document.kind == "policy":
            planned.append(PlannedRecord(f"/{document.url}", key, size, (number,), maker))
        else:
            groups.add(document, (number, key, size))
    urls = documents.urls()
    for group in groups.groups():
        key = hashlib.sha256("".join(key for _, key, _ in group).encode()).hexdigest()
        planned.append(PlannedRecord(f"/{urls[group[0][0]]}", key, sum(size for _, _, size in group), tuple(n for n, _, _ in group), maker))
    context = json.dumps([analyzer.__getstate__(), sorted(common.items())], ensure_ascii=False)
    return planned, hashlib.sha256(context.encode()).hexdigest()


# A record holds about 4 characters per character of its documents' text (3.8 at 1,000 explainers: 19.8
# million for 5.2 million): its size is estimated from the text, as the record is not made yet.
RECORD_PER_TEXT = 4
