"""The registries (departments.yml, taxonomy.yml) → typed objects and name look-ups.

`Lookup` answers the checker's question for every registry value an author
writes: is it a known name, an alias or synonym of one (then: use the
canonical name), or unknown (then: here are the closest known ones)?
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from build_tools.check.fields import FieldReader, closest, hint
from build_tools.load.tree import RawDocument
from build_tools.models import Department, Issue, Region, Taxonomy, Term

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_OWNER = re.compile(r"^(?:@[A-Za-z0-9][\w.-]*(?:/[\w.-]+)*|[^@\s]+@[^@\s]+\.[^@\s]+)$")

T = TypeVar("T")


@dataclass
class Lookup(Generic[T]):
    """Name → object for one kind of registry value."""

    label_zh: str
    label_en: str
    canonical: dict[str, T]
    aliases: dict[str, T]
    aliases_are_canonical: bool = False

    def resolve(self, reader: FieldReader, key: str, value: str) -> T | None:
        """The object named by `value`, or None after reporting why not."""
        found, problem = self.look_up(value)
        if problem:
            reader.report(key, problem)
        return found

    def look_up(self, value: str) -> tuple[T | None, str | None]:
        """The object named by `value` and, if the name is not canonical, what is wrong."""
        if value in self.canonical:
            return self.canonical[value], None
        if value in self.aliases:
            found = self.aliases[value]
            if self.aliases_are_canonical:
                return found, None
            name = found.name  # type: ignore[attr-defined]
            return found, f"“{value}”是同义词，请改用规范名称“{name}” / '{value}' is a synonym: use the canonical name {name}"
        zh, en = hint(self._names_near(value))
        if not zh:
            zh, en = "，请先在注册表中添加", ": add it to the registry first"
        return None, f"未知{self.label_zh}“{value}”{zh} / unknown {self.label_en} '{value}'{en}"

    def _names_near(self, value: str) -> list[str]:
        """Canonical names whose name or alias is near `value`, nearest first."""
        near = closest(value, [*self.canonical, *self.aliases], limit=6)
        names = [self.canonical[n].name if n in self.canonical else self.aliases[n].name for n in near]  # type: ignore[attr-defined]
        return list(dict.fromkeys(names))


@dataclass
class Registry:
    """Typed registries plus a look-up per kind of registry value."""

    departments: list[Department]
    taxonomy: Taxonomy
    department: Lookup[Department]
    topic: Lookup[Term]
    audience: Lookup[Term]
    region: Lookup[Region]


def read_registry(departments_doc: RawDocument | None, taxonomy_doc: RawDocument | None, issues: list[Issue]) -> Registry:
    """The departments and the taxonomy, read from their files, with the lookups that check names against them."""
    taxonomy = _read_taxonomy(taxonomy_doc, issues) if taxonomy_doc else Taxonomy([], [], [])
    region = Lookup("地区", "region", {r.name: r for r in taxonomy.regions}, {})
    departments = _read_departments(departments_doc, region if taxonomy_doc else None, issues) if departments_doc else []
    return Registry(
        departments,
        taxonomy,
        department=Lookup("部门", "department", {d.name: d for d in departments}, {a: d for d in departments for a in d.aliases}, aliases_are_canonical=True),
        topic=_term_lookup("主题", "topic", taxonomy.topics),
        audience=_term_lookup("适用对象", "audience", taxonomy.audiences),
        region=region,
    )


def _term_lookup(label_zh: str, label_en: str, terms: list[Term]) -> Lookup[Term]:
    return Lookup(label_zh, label_en, {t.name: t for t in terms}, {s: t for t in terms for s in t.synonyms if s != t.name})


def _entries(reader: FieldReader, key: str, data: Any) -> Iterator[FieldReader]:
    """One reader per block of a registry list, its keys addressed as `key.N.field`."""
    if not isinstance(data, list):
        reader.report(key, f"{key} 应为列表 / {key} must be a list of entries")
        return
    for index, entry in enumerate(data):
        if isinstance(entry, dict):
            yield reader.nested(f"{key}.{index}" if key else str(index), entry)
        else:
            reader.report(f"{key}.{index}" if key else str(index), "每一项应包含 id、name 等字段 / each entry must be a block with id, name, …")


def _ident(reader: FieldReader, seen: set[str]) -> str | None:
    value = reader.text("id", required=True)
    if value is None:
        return None
    if not _ID.match(value):
        fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        zh, en = (f"，例如 {fixed}", f", e.g. {fixed}") if _ID.match(fixed) and fixed not in seen else ("", "")
        reader.report("id", f"id“{value}”只能用小写字母、数字和连字符{zh} / id '{value}' must use lowercase ASCII letters, digits and hyphens{en}")
    if value in seen:
        reader.report("id", f"id“{value}”重复 / id '{value}' is used twice")
    seen.add(value)
    return value


def _read_departments(document: RawDocument, regions: Lookup[Region] | None, issues: list[Issue]) -> list[Department]:
    departments: list[Department] = []
    ids: set[str] = set()
    names: set[str | None] = set()  # None too, when a name is missing
    root = FieldReader(document, issues, data={})
    for reader in _entries(root, "", document.data):
        reader.unknown_keys(("id", "name", "aliases", "region", "url", "owners"))
        ident = _ident(reader, ids)
        name = reader.text("name", required=True)
        region = reader.text("region", required=True)
        if region and regions:
            regions.resolve(reader, "region", region)
        aliases = reader.text_list("aliases")
        for alias in (name, *aliases):
            if alias and alias in names:
                reader.report("name", f"名称或别名“{alias}”已被其他部门使用 / name or alias '{alias}' is already used by another department")
            names.add(alias)
        url = reader.url("url")
        owners = _owners(reader)
        if ident and name and region:
            departments.append(Department(ident, name, region, tuple(aliases), url, tuple(owners)))
    return departments


def _owners(reader: FieldReader) -> list[str]:
    """Reviewers of a department's files, as CODEOWNERS names them: @user, @org/team or an e-mail."""
    owners = reader.text_list("owners")
    for index, owner in enumerate(owners):
        if not _OWNER.match(owner):
            reader.report(
                f"owners.{index}",
                f'审核人“{owner}”格式不对，应写成 @用户名、@组织/团队 或电子邮箱，并加英文引号，例如 "@js-fgw-editors" / '
                f"owner '{owner}' must be @user, @org/team or an e-mail address, quoted, e.g. \"@js-fgw-editors\"",
            )
    return [owner for owner in owners if _OWNER.match(owner)]


def _read_taxonomy(document: RawDocument, issues: list[Issue]) -> Taxonomy:
    reader = FieldReader(document, issues)
    if not isinstance(document.data, dict):
        reader.report("", "taxonomy.yml 应包含 topics、audiences、regions 三部分 / taxonomy.yml must have topics, audiences and regions")
    reader.unknown_keys(("topics", "audiences", "regions"))
    topics = _read_terms(reader, "topics", tree=False)
    audiences = _read_terms(reader, "audiences", tree=True)
    regions: list[Region] = []
    _read_regions(reader, "regions", reader.data.get("regions", []), (), regions, set())
    return Taxonomy(topics, audiences, regions)


def _read_terms(root: FieldReader, key: str, tree: bool) -> list[Term]:
    """The topics (each may say `need: false`) or, with `tree`, the audiences nested by `children:` as regions are.

    Every name and synonym is one entry's only, anywhere in the tree: an author's word must name one type."""
    terms: list[Term] = []
    _read_term_level(root, key, root.data.get(key, []), (), tree, terms, (set(), set()))
    return terms


def _read_term_level(
    root: FieldReader, key: str, data: Any, ancestors: tuple[str, ...], tree: bool, terms: list[Term], seen: tuple[set[str], set[str]]
) -> None:
    """One level of a list of terms, each child read right after its parent (ancestors root first)."""
    ids, words = seen
    for reader in _entries(root, key, data):
        reader.unknown_keys(("id", "name", "synonyms", "children") if tree else ("id", "name", "synonyms", "need"))
        ident = _ident(reader, ids)
        name = reader.text("name", required=True)
        synonyms = reader.text_list("synonyms")
        need = reader.boolean("need") if not tree and "need" in reader.data else True
        for word in dict.fromkeys(w for w in (name, *synonyms) if w):
            if word in words:
                reader.report(
                    "name" if word == name else "synonyms",
                    f"“{word}”已属于其他条目，同一个词只能指向一个条目 / '{word}' already belongs to another entry: a word may name only one entry",
                )
            words.add(word)
        if ident and name:
            terms.append(Term(ident, name, tuple(synonyms), ancestors, need))
        if tree and "children" in reader.data:
            _read_term_level(reader, "children", reader.data["children"], (*ancestors, name) if name else ancestors, tree, terms, seen)


def _read_regions(root: FieldReader, key: str, data: Any, ancestors: tuple[str, ...], regions: list[Region], ids: set[str]) -> None:
    for reader in _entries(root, key, data):
        reader.unknown_keys(("id", "name", "children"))
        ident = _ident(reader, ids)
        name = reader.text("name", required=True)
        if not (ident and name):
            continue
        if any(r.name == name for r in regions):
            reader.report("name", f"地区“{name}”重复 / region '{name}' appears twice")
        regions.append(Region(ident, name, ancestors))
        if "children" in reader.data:
            _read_regions(reader, "children", reader.data["children"], (*ancestors, name), regions, ids)


def read_synonyms(document: RawDocument, issues: list[Issue]) -> list[tuple[str, ...]]:
    """content/synonyms.yml → groups of equivalent words for search (a list of lists of two or more words).

    A group must have two different words, each of two or more characters (one character would
    match half the corpus); a word may be in one group only (two groups sharing it are one group)."""
    reader = FieldReader(document, issues, data={})
    data = document.data
    if data is None:
        return []
    if not isinstance(data, list):
        reader.report("", "synonyms.yml 应为列表，每行一组同义词，例如 - [个税, 个人所得税] / synonyms.yml must be a list of groups, e.g. - [个税, 个人所得税]")
        return []
    groups: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    for index, group in enumerate(data):
        key = str(index)
        if not isinstance(group, list) or not all(isinstance(word, (str, int)) and not isinstance(word, bool) for word in group):
            reader.report(key, "每一组应写成词语列表，例如 - [个税, 个人所得税] / each group must be a list of words, e.g. - [个税, 个人所得税]")
            continue
        words = list(dict.fromkeys(str(word).strip() for word in group))
        if len([w for w in words if w]) < 2:
            reader.report(key, "一组至少要有两个不同的词 / a group needs at least two different words: add the word it equals, or delete the line")
            continue
        good = True
        for word in words:
            if len(word) < 2:
                reader.report(key, f"“{word}”太短：每个词至少两个字 / '{word}' is too short: a word needs two or more characters")
                good = False
            elif word in seen:
                reader.report(
                    key,
                    f"“{word}”已在第 {seen[word]} 组中，请把两组合并为一组 / '{word}' is already in group {seen[word]}: merge the two groups into one",
                )
                good = False
        for word in words:
            seen.setdefault(word, index + 1)
        if good:
            groups.append(tuple(words))
    return groups
