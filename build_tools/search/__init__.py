"""Step 6, search index: the Whoosh index of explainers, written from the Site."""

from .index import SCHEMA, write_index

__all__ = ["SCHEMA", "write_index"]
