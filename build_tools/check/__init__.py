"""Check: raw documents → typed, validated Content plus every Issue found.

Field rules run per document (documents.py), registry look-ups in
registries.py, rules across documents in rules.py (unique slugs, existing
references, no supersede cycles, no explainer published twice), links and
images in bodies in links.py. Problems are collected, never raised: one bad file does
not hide the problems of the others.
"""

from __future__ import annotations

from build_tools.check import links, rules
from build_tools.check.documents import read_explainer, read_session
from build_tools.check.faq_links import read_link_decisions
from build_tools.check.qa_body import unknown_question_policies
from build_tools.check.registries import read_registry, read_synonyms
from build_tools.load.tree import LoadedTree
from build_tools.models import Content, Issue


def check_tree(tree: LoadedTree) -> tuple[Content, list[Issue]]:
    """The validated Content of a loaded tree, and every Issue found, sorted by file and line."""
    issues = list(tree.issues)
    registry = read_registry(tree.departments, tree.taxonomy, issues)
    explainers = [e for raw in tree.policies if (e := read_explainer(raw, registry, issues))]
    sessions = [s for raw in tree.sessions if (s := read_session(raw, registry, issues))]
    documents = {str(raw.path): raw for raw in tree.policies}
    rules.unique_slugs(tree.policies, issues)
    rules.unique_slugs(tree.sessions, issues)
    known = {raw.slug for raw in tree.policies}
    rules.existing_references(tree.policies, ("supersedes", "related", "twins"), known, issues, own_slug=True)
    rules.existing_references(tree.sessions, ("policies",), known, issues, own_slug=False)
    unknown_question_policies(sessions, known, issues)
    rules.supersede_cycles(explainers, documents, issues)
    rules.published_once(explainers, documents, issues)
    links.check_links(tree, issues)
    decisions = read_link_decisions(tree.faq_links, known, issues)
    synonyms = read_synonyms(tree.synonyms, issues) if tree.synonyms else []
    content = Content(tree.root, registry.departments, registry.taxonomy, explainers, sessions, decisions, synonyms)
    return content, sorted(issues, key=lambda i: (i.path, i.line))
