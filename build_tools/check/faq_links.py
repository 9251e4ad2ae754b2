"""content/faq-links.yml: editors' verdicts on FAQ links.

- entry: q-0111317fa4        # the FAQ entry (its anchor, shown by `policy faq links`)
  policy: js-vat-credit-refund-guide
  decision: confirmed        # or rejected

A verdict wins over however the link was made (faq/links.py decided): a
rejected link is never shown, whether a suggestion, a policy the session
names or one the question's own policies line names; a confirmed one is the
basis of the entry's answer (firm), whether it was suggested or not at all.
"""

from __future__ import annotations

from build_tools.check.fields import FieldReader
from build_tools.load.tree import RawDocument
from build_tools.models import Issue, LinkDecision

DECISIONS = {"confirmed": True, "rejected": False}


def read_link_decisions(document: RawDocument | None, known_slugs: set[str], issues: list[Issue]) -> list[LinkDecision]:
    """The editors' decisions on FAQ links (content/faq-links.yml); problems go into `issues`."""
    if document is None or document.data is None:
        return []
    root = FieldReader(document, issues, data={})
    if not isinstance(document.data, list):
        root.report("", "faq-links.yml 应为列表，每项包含 entry、policy、decision / faq-links.yml must be a list of entry, policy, decision")
        return []
    decisions = []
    for index, item in enumerate(document.data):
        if not isinstance(item, dict):
            root.report(str(index), "每一项应包含 entry、policy、decision / each item needs entry, policy and decision")
            continue
        decision = _decision(root.nested(str(index), item), known_slugs)
        if decision:
            decisions.append(decision)
    return decisions


def _decision(reader: FieldReader, known_slugs: set[str]) -> LinkDecision | None:
    reader.unknown_keys(("entry", "policy", "decision"))
    entry, policy, verdict = reader.text("entry", required=True), reader.text("policy", required=True), reader.text("decision", required=True)
    if policy and policy not in known_slugs:
        reader.report("policy", f"找不到政策解读“{policy}” / no explainer with slug '{policy}'")
        return None
    if verdict and verdict not in DECISIONS:
        reader.report("decision", f"decision 只能是 confirmed 或 rejected / decision must be confirmed or rejected, not '{verdict}'")
        return None
    line = reader.document.line_of(reader.prefix + "entry")
    return LinkDecision(entry, policy, DECISIONS[verdict], line) if entry and policy and verdict else None
