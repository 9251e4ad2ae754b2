"""One result per policy: an explainer and its version in the other script (its twin: the same
twin key, indexes/documents.py `twin_key`) are one result, the one ranked first, which links to
the other; copies in the same script stay apart, as the site search shows them."""

from __future__ import annotations

from typing import NamedTuple

import numpy

from build_tools.indexes.whoosh.reading import Twins


class Result(NamedTuple):
    """A ranked document that is shown: `twin` is the document folded into it, if any;
    `leads` says it is the first of its twin key (the one a twin would fold into)."""

    docnum: int
    score: float
    twin: int | None = None
    leads: bool = False


def one_per_policy(ranked: list[tuple[int, float]], twins: Twins) -> list[Result]:
    """`ranked` with each document whose twin key came before in the other script only folded
    into the first of its key. Whether a document is folded depends on those before it alone,
    so the result for a longer `ranked` starts with the result for a shorter one: pages agree."""
    shown: list[Result] = []
    groups: dict[int, tuple[set[bool], int]] = {}  # twin key → its scripts seen, where its first is in `shown`
    for docnum, score in ranked:
        key, traditional = int(twins.keys[docnum]), bool(twins.traditional[docnum])
        group = groups.get(key) if key >= 0 else None
        if key >= 0 and group is None:
            groups[key] = ({traditional}, len(shown))
            shown.append(Result(docnum, score, leads=True))
        elif group is not None and traditional not in group[0]:
            group[0].add(traditional)
            shown[group[1]] = shown[group[1]]._replace(twin=docnum)
        else:  # no key (a FAQ entry), or a copy in a script already shown
            shown.append(Result(docnum, score))
    return shown


class Folding:
    """How the twins among a set of matched documents fold, whatever their order."""

    def __init__(self, twins: Twins, matched: numpy.ndarray):
        """`matched`: a boolean per document."""
        keyed = matched & (twins.keys >= 0)
        count = int(twins.keys.max()) + 1 if len(twins.keys) else 0
        # per twin key: whether a matched document holds it in traditional script, in simplified
        self._in = {script: numpy.zeros(count, dtype=bool) for script in (True, False)}
        for script, held in self._in.items():
            held[twins.keys[keyed & (twins.traditional == script)]] = True
        self._twins = twins
        # per key, every script after the first is folded, however the documents are ranked
        self.folded = int(numpy.count_nonzero(self._in[True] & self._in[False]))

    def awaits_twin(self, result: Result) -> bool:
        """`result` leads its key and a matched document in the other script, not ranked yet, will fold into it."""
        key, traditional = int(self._twins.keys[result.docnum]), bool(self._twins.traditional[result.docnum])
        return result.leads and result.twin is None and bool(self._in[not traditional][key])
