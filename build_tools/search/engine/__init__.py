"""The search engine: Whoosh behind two functions, `write_index` and `Engine.search`.

Everything that knows Whoosh is in this package, so a faster or distributed
engine can replace it without touching documents, requests, the CLI or the API.

  schema.py   what the index holds: one BM25F-weighted word list per document, stored fields, facets
  writing.py  `write_index`: documents → index segments, one process per core (or
              `SharedIndexWriter`: runs of documents, written by whichever process is free)
  reading.py  `Engine`: requests → ranked hits (BM25 with numpy), totals, facets, snippets, suggestions
"""

from .reading import Engine, IndexMissing
from .schema import SECTION_WEIGHTS, make_schema
from .writing import FirstDocumentsWriter, SharedIndexWriter, write_index

__all__ = ["SECTION_WEIGHTS", "Engine", "FirstDocumentsWriter", "IndexMissing", "SharedIndexWriter", "make_schema", "write_index"]
