"""The FAQ of the last run, taken again when nothing it is made of changed: the build record's and the preview's.

Assembling the FAQ merges every question and searches the explainers for
each (10–15 s at 5,000 explainers and 20,000 questions). What it reads is
`faq_inputs`: the sessions and their pairs, each published explainer's
profile and whole text, the editors' link decisions, the taxonomy and the
departments' regions. Not the build date: statuses and stale answers are
worked out from the entries afterwards (pipeline.with_faq). So a daily
rebuild, or an edit to a registry's other fields, takes the entries as they
were. When only some explainers' bodies changed, the entries are taken and
those a changed body decides are linked again (faq.relink_faq). The entries are kept by reference to the sessions (their place in
the content and in their session), never as the public's text again.
"""

from __future__ import annotations

import hashlib
import json

from build_tools.faq import assemble_faq, relink_faq
from build_tools.models import Content, Explainer, FAQEntry, FAQLink, LinkKind, Occurrence, QASession, Term
from build_tools.runtime.reuse import ReuseFolder

FAQ_FILE = "faq.json"


def faq_inputs(content: Content, explainers: list[Explainer], bodies: bool = True) -> tuple:
    """Everything assemble_faq reads, as one comparable value (its repr is the same in every process);
    without the explainers' bodies when `bodies` is off (they are hashed one by one: `inputs_key`)."""
    sessions = tuple(
        (
            s.slug,
            str(s.path),
            s.title,
            s.date,
            s.kind,
            s.host,
            s.source,
            tuple(d.id for d in s.departments),
            tuple(s.policies),
            tuple((p.question, p.answer, p.details, p.asker, p.line, p.answered_by.id if p.answered_by else None, p.policies) for p in s.pairs),
        )
        for s in content.sessions
    )
    # the FAQ reads each explainer's whole text (is a question about it?) and its region (no suggestion across provinces)
    profiles = tuple(
        (e.slug, e.title, e.summary, e.body if bodies else None, e.region, tuple(e.tags), e.policy, e.published, tuple(t.id for t in e.topics))
        for e in explainers
    )
    taxonomy = (tuple(content.taxonomy.topics), tuple(content.taxonomy.audiences), tuple(content.taxonomy.regions))
    regions_of_departments = tuple((d.id, d.region) for d in content.departments)
    return sessions, profiles, tuple(content.link_decisions), taxonomy, regions_of_departments


def inputs_key(content: Content, explainers: list[Explainer]) -> tuple[str, dict[str, str]]:
    """A hash of `faq_inputs` but the explainers' bodies, and a hash of each body by slug (0.3 s at 1,000
    explainers, against 3 s to assemble). Entries whose inputs differ only in some bodies are linked again
    where those bodies decide (relink_faq), not assembled again."""
    rest = hashlib.sha256(repr(faq_inputs(content, explainers, bodies=False)).encode()).hexdigest()
    return rest, {e.slug: hashlib.sha256(e.body.encode()).hexdigest() for e in explainers}


def kept_faq(reuse: ReuseFolder, key: tuple[str, dict[str, str]], content: Content, explainers: list[Explainer]) -> list[FAQEntry] | None:
    """The last record's entries, made of `content`'s sessions, when they were assembled from inputs of hash
    `key`, or of the same hash but for some explainers' bodies (their links made again)."""
    if reuse.previous is None or not reuse.has(FAQ_FILE):
        return None
    rest, bodies = key
    topics = {topic.id: topic for topic in content.taxonomy.topics}
    try:
        # read where it is: linked into the new record only when taken, as keep_faq writes a new file there
        recorded = json.loads((reuse.previous / FAQ_FILE).read_text(encoding="utf-8"))
        if recorded["inputs"] != rest or set(recorded["bodies"]) != set(bodies):
            return None
        changed = {slug for slug, body in bodies.items() if recorded["bodies"][slug] != body}
        entries = [_entry(row, content.sessions, topics) for row in recorded["entries"]]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None  # a damaged record: assembled again, as without one
    if changed:
        return relink_faq(content, explainers, entries, changed)
    reuse.take(FAQ_FILE)
    return entries


def keep_faq(reuse: ReuseFolder, key: tuple[str, dict[str, str]], content: Content, entries: list[FAQEntry]) -> None:
    """Write `entries` (assembled from inputs of hash `key`) into the new record."""
    place = {id(pair): [s, p] for s, session in enumerate(content.sessions) for p, pair in enumerate(session.pairs)}
    rows = [
        [
            entry.id,
            [place[id(o.pair)] for o in entry.occurrences],
            [[link.slug, link.kind.value, link.score] for link in entry.links],
            [topic.id for topic in entry.topics],
        ]
        for entry in entries
    ]
    reuse.next.mkdir(parents=True, exist_ok=True)
    rest, bodies = key
    text = json.dumps({"inputs": rest, "bodies": bodies, "entries": rows}, ensure_ascii=False, separators=(",", ":"))
    (reuse.next / FAQ_FILE).write_text(text, encoding="utf-8")


def _entry(row: list, sessions: list[QASession], topics: dict[str, Term]) -> FAQEntry:
    entry_id, places, links, topic_ids = row
    return FAQEntry(
        entry_id,
        [Occurrence(sessions[s], sessions[s].pairs[p]) for s, p in places],
        [FAQLink(slug, LinkKind(kind), score) for slug, kind, score in links],
        [topics[topic_id] for topic_id in topic_ids],
    )


def faq_of(content: Content, explainers: list[Explainer], reuse: ReuseFolder | None) -> list[FAQEntry]:
    """The FAQ of `content`: the record's (`reuse`) when its inputs are the same, else assembled and kept for the next run."""
    if reuse is None:
        return assemble_faq(content, explainers)
    key = inputs_key(content, explainers)
    entries = kept_faq(reuse, key, content, explainers)
    if entries is None:
        entries = assemble_faq(content, explainers)
    if not (reuse.next / FAQ_FILE).exists():  # not taken from the record as it was
        keep_faq(reuse, key, content, entries)
    return entries
