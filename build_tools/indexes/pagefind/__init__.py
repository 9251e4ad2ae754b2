"""The published site's own search: the only folder that runs Pagefind; Pagefind over pre-analysed words, facets, policy matching.

The site is static, so search runs in the visitor's browser on Pagefind's
chunked index: a first query downloads only the index chunks its words need.
Pagefind 1.5.2 (the PyPI release) segments Chinese differently when it indexes
(jieba) and when it searches (the browser's Intl.Segmenter), and it knows
neither traditional script nor our synonyms. So Pagefind is fed words we
analysed ourselves, with the search engine's analyzer (`text/analysis.py`), as
ASCII tokens it cannot split again; the browser folds and segments the query
and encodes it the same way (build_tools/site/defaults/theme/assets/sitesearch-query.js).

  tokens.py     words → ASCII tokens; a search document → weighted token lines
  records.py    a search document → the HTML record Pagefind indexes (meta, filters)
  browser.py    what the browser needs to analyse a query: t2s map, stop words, synonyms, regions
  service.py    hands the records to the Pagefind binary (PyPI, pinned), oldest first, in runs of a
                few thousand for a large site (Pagefind holds every word until it writes)
  merge.py      joins the runs' bundles into the bundle one run would write
  patch.py      or patches the last build's joined bundle with the runs an edit changed
  canonical.py  makes its output (in memory) byte-reproducible and its metadata file small
  writer.py     `write_search_bundle(documents, taxonomy, folder)`: the writer `policy build` calls

Nothing here imports MkDocs.
"""

from build_tools.indexes.pagefind.service import RunCount
from build_tools.indexes.pagefind.writer import SiteSearchError, write_search_bundle, write_site_search

__all__ = ["RunCount", "SiteSearchError", "write_search_bundle", "write_site_search"]
