"""indexes/whoosh: an index the running version cannot read is reported, not a crash."""

from __future__ import annotations

import sys
import types

import pytest
from whoosh import fields, index

from build_tools.errors import PolicyError
from build_tools.indexes.whoosh.reading import IndexReader


def test_an_index_written_by_another_version_asks_for_a_rebuild(tmp_path, monkeypatch):
    # The index's table of contents pickles its schema's classes by module path: after a module moves,
    # an index written before cannot be opened, and `policy search` must say to build it again.
    moved = types.ModuleType("policy_old_schema")

    class OldText(fields.TEXT):
        pass

    OldText.__module__, OldText.__qualname__ = moved.__name__, "OldText"
    moved.OldText = OldText
    monkeypatch.setitem(sys.modules, moved.__name__, moved)
    index.create_in(str(tmp_path), fields.Schema(text=OldText())).writer().commit()
    monkeypatch.delitem(sys.modules, moved.__name__)

    with pytest.raises(PolicyError, match="policy build"):
        IndexReader(tmp_path)
