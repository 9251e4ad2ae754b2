// Site search: analyse a query the way build_tools/sitesearch analysed the pages, run it on
// Pagefind, describe the results. The matching page borrows only its result helpers (badges, dates).
//
// The index holds our own words (the search engine's analyzer: traditional folded to
// simplified, rjieba words and sub-words, 文号, synonym groups), each encoded as ASCII
// letters and digits (build_tools/sitesearch/tokens.py) so Pagefind stores and matches them as given.
// Here the query is folded with the same character map, segmented with the browser's
// Intl.Segmenter (as Pagefind itself would), and encoded with the same rule.

const ASSETS = new URL("./", import.meta.url);
const SITE_ROOT = new URL("../", ASSETS);
const PAGE_SIZE = 10;

export const STATUS = { inForce: "现行有效", expired: "已失效", superseded: "已被替代", upcoming: "即将生效" };
const STATUS_LOOK = {
  现行有效: ["in-force", "✓"], 即将生效: ["upcoming", "◷"], 已失效: ["expired", "✕"], 已被替代: ["superseded", "⇄"],
};
export const KIND_LABEL = { policy: "政策解读", faq: "常见问题" };

export async function loadSearch() {
  const [data, pagefind] = await Promise.all([
    fetch(new URL("sitesearch-data.json", ASSETS)).then((response) => {
      if (!response.ok) throw new Error(`sitesearch-data.json: ${response.status}`);
      return response.json();
    }),
    import(new URL("pagefind/pagefind.js", SITE_ROOT).href),
  ]);
  // Pagefind's BM25 as the engine ranks (bench/site_search.py --dev-only, nDCG@10 all): page
  // length counted less (pageLength 0.75 → 0.2: 0.856 → 0.896; 0.4: 0.877, 0: 0.891), and a
  // word's exact token preferred over longer words it begins (termSimilarity 1 → 3: 0.908; 8: 0.894).
  await pagefind.options({ baseUrl: SITE_ROOT.pathname, ranking: { pageLength: 0.2, termSimilarity: 3.0 } });
  buildLength = data.buildLength;
  policyPages = data.policyPages ?? Infinity;
  return { pagefind, analyzer: new QueryAnalyzer(data), data };
}

// The search, or null after telling the visitor in `statusLine` (a page with no search still browses).
export async function loadSearchOrSay(statusLine, message) {
  try {
    return await loadSearch();
  } catch (error) {
    statusLine.textContent = message;
    console.error(error);
    return null;
  }
}

// After "more results", keyboard users continue where the new results start.
export function focusResult(list, index) {
  const next = list.children[index] && list.children[index].querySelector("a");
  if (next) next.focus();
}

// --- the query: fold, segment, encode -------------------------------------------------

export class QueryAnalyzer {
  constructor(data) {
    this.code = data.code;
    this.groupMarker = data.groupMarker;
    this.t2s = new Map();
    const pairs = Array.from(data.t2s);
    for (let i = 0; i + 1 < pairs.length; i += 2) this.t2s.set(pairs[i], pairs[i + 1]);
    this.stopWords = new Set(data.stopWords);
    this.groupOf = new Map();
    for (const group of data.synonyms) for (const word of group) this.groupOf.set(word, group);
    this.docnum = new RegExp(data.docnum, "g");
    // A 文号 typed without brackets (国办发 2018 124号), read only when the query has no bracketed one.
    this.docnumTyped = data.docnumTyped ? new RegExp(data.docnumTyped, "g") : null;
    const fillers = (data.fillers || []).slice().sort((a, b) => b.length - a.length);
    this.fillers = fillers.length ? new RegExp(fillers.map(escapeRegExp).join("|"), "g") : null;
    this.queryFillers = new Set(data.queryFillers || []);
    // Equivalences (个税 = 个人所得税): a word of a group, typed anywhere, is the group's token,
    // which the index gives every page with any word of the group, as the word itself.
    this.equivalentMarker = data.equivalentMarker;
    this.equivalentOf = new Map();
    for (const group of data.equivalents || []) for (const word of group) if (Array.from(word).length > 1) this.equivalentOf.set(word, group);
    const words = [...this.equivalentOf.keys()].sort((a, b) => b.length - a.length);
    this.equivalentWords = words.length ? new RegExp(words.map(escapeRegExp).join("|"), "g") : null;
    this.segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh", { granularity: "word" }) : null;
  }

  // Simplified, half-width, lowercase, one character for one (as search/analysis.py fold()).
  fold(text) {
    let out = "";
    for (const ch of text) {
      const code = ch.codePointAt(0);
      let folded = code >= 0xff01 && code <= 0xff5e ? String.fromCodePoint(code - 0xfee0) : code === 0x3000 ? " " : ch;
      folded = this.t2s.get(folded) || folded;
      const lower = folded.toLowerCase();
      out += lower.length === folded.length ? lower : folded;
    }
    return out;
  }

  // build_tools/sitesearch/tokens.py: three base-36 symbols per character, the last symbol
  // as the first of a code being the escape to four more.
  encodeWord(word) {
    const { symbols, short, long } = this.code;
    const base = symbols.length;
    const digits = (number, length) => {
      let out = "";
      for (let i = 0; i < length; i++, number = Math.floor(number / base)) out = symbols[number % base] + out;
      return out;
    };
    let token = "";
    for (const ch of word) {
      const code = ch.codePointAt(0);
      token += code < (base - 1) * base ** (short - 1) ? digits(code, short) : symbols[base - 1] + digits(code, long);
    }
    return token;
  }

  // {terms: Pagefind tokens (all must match), docnums: the tokens of the 文号 in the query,
  // highlights: folded words to mark in results}. Question and filler phrases ("能不能",
  // "怎么办", "需要什么手续") are cut out before segmenting: they say how, not what.
  analyse(query) {
    let text = this.fold(query || "");
    const words = [];
    const docnums = [];
    const asDocnum = (...match) => {
      const groups = match[match.length - 1];
      const prefix = (groups.prefix || "").slice(-3); // the index holds every ending of the issuer
      const token = this.encodeWord(`${prefix}〔${groups.year}〕${parseInt(groups.number, 10)}号`);
      words.push({ token, marks: [] });
      docnums.push(token);
      return " ";
    };
    text = text.replace(this.docnum, asDocnum);
    if (!docnums.length && this.docnumTyped) {
      // Put first what carries it, but keep its words: the page may write it without brackets too.
      for (const match of text.matchAll(this.docnumTyped)) {
        const groups = match.groups;
        docnums.push(this.encodeWord(`${(groups.prefix || "").slice(-3)}〔${groups.year}〕${parseInt(groups.number, 10)}号`));
      }
    }
    if (this.fillers) text = text.replace(this.fillers, " ");
    if (this.equivalentWords) {
      text = text.replace(this.equivalentWords, (word) => {
        const group = this.equivalentOf.get(word);
        words.push({ token: this.encodeWord(this.equivalentMarker + group[0]), marks: group });
        return " ";
      });
    }
    const segmented = this.segment(text);
    const needed = segmented.filter((word) => !this.queryFillers.has(word));
    for (const word of needed.length || words.length ? needed : segmented) {
      if (this.stopWords.has(word)) continue;
      const group = this.groupOf.get(word);
      const token = group ? this.encodeWord(this.groupMarker + group[0]) : this.encodeWord(word);
      if (token) words.push({ token, marks: group ? group : [word], single: !group && /^\p{Script=Han}$/u.test(word) });
    }
    // A single character (交, 退) matches, as a prefix, every word that starts with it: with two
    // longer words to go by, it only adds noise.
    const longer = words.filter((w) => !w.single);
    const kept = longer.length >= 2 ? longer : words;
    const terms = [...new Set(kept.map((w) => w.token))];
    const highlights = [...new Set(kept.flatMap((w) => w.marks))].sort((a, b) => b.length - a.length);
    return { terms, docnums: [...new Set(docnums)], highlights };
  }

  // Words of the folded text. Intl.Segmenter leaves Chinese words it does not know as single
  // characters; a run of them is read as two-character words, which are the most common length.
  segment(text) {
    const pieces = this.segmenter
      ? Array.from(this.segmenter.segment(text)).filter((s) => s.isWordLike).map((s) => s.segment)
      : text.split(/[^\p{L}\p{N}]+/u).flatMap((piece) => (/^\p{Script=Han}+$/u.test(piece) ? Array.from(piece) : [piece]));
    const words = [];
    let run = "";
    for (const piece of [...pieces, null]) {
      const single = piece !== null && piece.length === 1 && /\p{Script=Han}/u.test(piece) && !this.stopWords.has(piece);
      if (single) { run += piece; continue; }
      if (run) words.push(...pairsOf(run));
      run = "";
      if (piece) words.push(piece); // a stop word ends a run and is dropped by analyse()
    }
    return words;
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function pairsOf(run) {
  if (run.length < 2) return [run];
  const pairs = [];
  for (let i = 0; i + 1 < run.length; i += 2) pairs.push(run.slice(i, i + 2));
  if (run.length % 2) pairs.push(run.slice(-2));
  return pairs;
}

// --- filters ----------------------------------------------------------------------------

// A chosen region finds the documents of that region and its sub-regions (the `region`
// filter lists every region above a document's own), and those of every region above it
// (national policies apply in every province): tagged with that region, but with none of
// its sub-regions.
export function regionFilter(regions, chosen) {
  const above = new Set();
  for (const name of chosen) {
    const region = regions.find((r) => r.name === name);
    for (const ancestor of region ? region.ancestors : []) above.add(ancestor);
  }
  const any = [{ region: { any: chosen } }];
  for (const ancestor of [...above].sort()) {
    const children = regions.filter((r) => r.ancestors[r.ancestors.length - 1] === ancestor).map((r) => r.name);
    any.push({ all: [{ region: ancestor }, { none: { region: { any: children } } }] });
  }
  return { any };
}

// Pages in force carry no `status` filter value (build_tools/sitesearch/records.py): the
// default choice downloads the short list of lapsed pages, and "in force" is none of them.
// `lapsed`: the statuses the site has besides "in force" (Pagefind finds nothing at all
// when a filter is named that no page has).
export function statusFilter(chosen, lapsed) {
  const chosenLapsed = chosen.filter((status) => lapsed.includes(status));
  if (!chosen.includes(STATUS.inForce)) return { status: { any: chosen } };
  if (!lapsed.length) return null; // every page is in force
  const inForce = { none: { status: { any: lapsed } } };
  return chosenLapsed.length ? { any: [inForce, { status: { any: chosenLapsed } }] } : inForce;
}

// Filter counts as Pagefind gives them, with the count of pages in force added: every page
// has exactly one kind and at most one (lapsed) status. (Pagefind counts only the filters
// it has loaded: the facets load them all before they show counts.)
export function withInForceCount(counts) {
  if (!counts || !counts.kind) return counts;
  const sum = (values) => Object.values(values || {}).reduce((a, b) => a + b, 0);
  const status = { ...(counts.status || {}) };
  status[STATUS.inForce] = sum(counts.kind) - sum(counts.status);
  return { ...counts, status };
}

// Pagefind filters for a choice {facet: [values]}: facets combine with AND, values with OR.
// `data`: the site's browser data (regions, lapsed statuses).
export function pagefindFilters(data, choice) {
  const all = [];
  for (const [facet, values] of Object.entries(choice)) {
    if (!values || !values.length) continue;
    if (facet === "region") all.push(regionFilter(data.regions, values));
    else if (facet === "status") all.push(statusFilter(values, data.lapsed));
    else all.push({ [facet]: { any: values } });
  }
  const clauses = all.filter(Boolean);
  return clauses.length ? { all: clauses } : {};
}

// Pages are numbered oldest first, and a result's id (its fragment's name) is the build
// hash, then the page number in base 36 with its digits reversed
// (build_tools/sitesearch/canonical.py): date order without a sort file.
let buildLength = 0;

function pageNumber(result) {
  return parseInt([...result.id.slice(buildLength)].reverse().join(""), 36);
}

// Explainers are Pagefind's first pages, FAQ entries the rest (build_tools/indexes/pagefind/writer.py).
let policyPages = Infinity;

export function isPolicy(result) {
  return pageNumber(result) < policyPages;
}

// Explainers newest first, then FAQ entries newest first.
export function newestFirst(results) {
  return [...results].sort((a, b) => isPolicy(b) - isPolicy(a) || pageNumber(b) - pageNumber(a));
}

// A search's results cut in two by kind, by page number alone: {policies, faq}, each a search
// result of its own (`matched` kept in step). No `kind` filter is downloaded.
export function byKind(found) {
  const part = (keep) => {
    const indices = found.results.map((r, i) => i).filter((i) => isPolicy(found.results[i]) === keep);
    return {
      ...found,
      results: indices.map((i) => found.results[i]),
      matched: found.matched ? indices.map((i) => found.matched[i]) : undefined,
      all: undefined,
    };
  };
  return { policies: part(true), faq: part(false) };
}

// --- FAQ entries: several to a page ------------------------------------------------------

// FAQ entries with the same filter values share one Pagefind page of up to 16
// (build_tools/indexes/pagefind/answers.py: the metadata file, which every first query
// downloads, lists a page for each): each entry's words follow an empty element whose id is
// its number, and its own metadata names end in that number. Topics may differ: a page has
// its entries' topics together, and an entry its own.
const ENTRY_META = { title: "q", summary: "a", url: "u", date: "d", topics: "t", policy: "p", policy_url: "l" };

export function isEntryGroup(data) {
  return Boolean(data.meta && data.meta.n);
}

// The entries of a page of FAQ entries, each as a result's data ({url, meta}) with the word
// positions it spans: {data, start, end}; with `topics` (chosen), only the entries of one of them.
export function entriesOf(data, topics = []) {
  const shared = data.meta || {};
  const anchors = (data.anchors || []).filter((a) => /^\d+$/.test(a.id)).sort((a, b) => a.location - b.location);
  const entries = anchors.map((anchor, k) => {
    const meta = { kind: "faq", status: shared.status, department: shared.department, region: shared.region };
    for (const [name, prefix] of Object.entries(ENTRY_META)) {
      const value = shared[`${prefix}${anchor.id}`];
      if (value) meta[name] = name === "policy_url" ? value : value.slice(1); // after the mark (records.py MARK)
    }
    const url = new URL(meta.url || "", SITE_ROOT).pathname;
    const end = k + 1 < anchors.length ? anchors[k + 1].location : Infinity;
    return { data: { url, meta }, start: anchor.location, end };
  });
  if (!topics.length) return entries;
  return entries.filter((e) => (e.data.meta.topics || "").split("、").some((topic) => topics.includes(topic)));
}

// The entries of a page that hold any of `words` (a result's word positions); all of them,
// newest first, when there are none (a list without a query).
export function entriesHolding(data, words, topics = []) {
  const entries = entriesOf(data, topics);
  if (!words || !words.length) return entries.map((e) => e.data).reverse();
  return entries.filter((e) => words.some((w) => w >= e.start && w < e.end)).map((e) => e.data);
}

// How many pages of FAQ entries the answers block reads (a few KB each).
const ENTRY_PAGES_READ = 4;

// The best FAQ entries (at most `max`) among the first pages of `pages` (ranked results of FAQ
// pages found with `filters`; `topics`: the chosen ones): an entry counts the query's terms among
// the words it spans and needs at least `floor` of them; more terms first, then its page's rank,
// then more hits.
export async function bestEntries(pagefind, analysis, filters, topics, pages, floor, max) {
  const top = pages.slice(0, ENTRY_PAGES_READ);
  if (!top.length || !analysis.terms.length) return [];
  const rank = new Map(top.map((result, i) => [result.id, i]));
  const perTerm = analysis.terms.length === 1
    ? [{ results: top }]
    : await Promise.all(analysis.terms.map((term) => pagefind.search(term, { filters })));
  const words = top.map(() => perTerm.map(() => []));
  perTerm.forEach((found, t) => found.results.forEach((result) => {
    if (rank.has(result.id)) words[rank.get(result.id)][t] = result.words || [];
  }));
  const scored = [];
  (await Promise.all(top.map((result) => result.data()))).forEach((data, page) => entriesOf(data, topics).forEach((entry, order) => {
    const hits = words[page].map((positions) => positions.filter((w) => w >= entry.start && w < entry.end).length);
    const matched = hits.filter(Boolean).length;
    if (matched >= floor) scored.push({ entry, matched, page, hits: hits.reduce((a, b) => a + b, 0), order });
  }));
  scored.sort((a, b) => b.matched - a.matched || a.page - b.page || b.hits - a.hits || a.order - b.order);
  return scored.slice(0, max).map((s) => s.entry.data);
}

// --- running a search -------------------------------------------------------------------

// A query of one or two words: every word must match (Pagefind's rule), and when no page has
// them all, each is searched alone. A longer query (a question) is ranked as the search engine
// ranks an OR of its words: each word searched alone, pages by the sum of their scores
// (bench/site_search.py: requiring every word first put pages that happen to hold every word
// of a question above the one that answers it). Facet counts are those of the pages with every
// word (null when none has).
const OR_FROM = 3;

export async function runSearch(pagefind, analysis, filters, sortByDate) {
  const options = { filters };
  if (!analysis.terms.length) {
    const found = await pagefind.search(null, options);
    return { results: newestFirst(found.results), counts: withInForceCount(found.filters), relaxed: false };
  }
  const found = await pagefind.search(analysis.terms.join(" "), options);
  const strict = found.results.length > 0;
  if (analysis.terms.length === 1 || (strict && analysis.terms.length < OR_FROM)) {
    const results = sortByDate ? newestFirst(found.results) : found.results;
    return { results, counts: withInForceCount(found.filters), relaxed: false };
  }
  const each = await Promise.all(analysis.terms.map((term) => pagefind.search(term, options)));
  const entries = mergeByTermsMatched(each, sortByDate);
  return {
    results: entries.map((e) => e.result), matched: entries.map((e) => e.matched),
    counts: strict ? withInForceCount(found.filters) : null, relaxed: !strict, all: found.results.length,
  };
}

// How many terms the results of a search matched: all of them, unless it was relaxed.
export function termsMatched(found, analysis) {
  return found.matched || found.results.map(() => analysis.terms.length);
}

// A 文号 anywhere in the query puts every document carrying it first, whatever its status
// (a 文号 names one document and its copies): their results, then the others in their order.
export async function docnumFirst(pagefind, analysis, filters, found) {
  if (!analysis.docnums.length) return found;
  const each = await Promise.all(analysis.docnums.map((token) => pagefind.search(token, { filters })));
  const first = [];
  const seen = new Set();
  for (const search of each) for (const result of search.results) if (!seen.has(result.id)) { seen.add(result.id); first.push(result); }
  if (!first.length) return found;
  const rest = found.results.map((result, i) => [result, termsMatched(found, analysis)[i]]).filter(([result]) => !seen.has(result.id));
  return {
    ...found,
    results: [...first, ...rest.map(([result]) => result)],
    matched: [...first.map(() => analysis.terms.length), ...rest.map(([, m]) => m)],
    docnumHits: first.length,
  };
}

function mergeByTermsMatched(searches, sortByDate) {
  const merged = new Map();
  searches.forEach((search, order) => search.results.forEach((result, rank) => {
    const entry = merged.get(result.id) || { result, matched: 0, score: 0, first: order * 1e6 + rank };
    entry.matched += 1;
    entry.score += result.score;
    merged.set(result.id, entry);
  }));
  const entries = [...merged.values()];
  const order = sortByDate
    ? (a, b) => b.matched - a.matched || pageNumber(b.result) - pageNumber(a.result)
    : (a, b) => b.score - a.score || a.first - b.first;
  return entries.sort(order);
}

export async function pageOfResults(results, start, size = PAGE_SIZE) {
  return Promise.all(results.slice(start, start + size).map((result) => result.data()));
}

// --- showing a result (DOM nodes only: titles of FAQ entries are the public's words) ----

export function chineseDate(iso) {
  const [year, month, day] = (iso || "").split("-").map(Number);
  return year ? `${year}年${month}月${day}日` : "";
}

export function statusBadge(status) {
  const [look, symbol] = STATUS_LOOK[status] || ["expired", "•"];
  const badge = element("span", `pp-badge pp-badge--${look}`);
  const mark = element("span", "", symbol);
  mark.setAttribute("aria-hidden", "true");
  badge.append(mark, ` ${status}`);
  return badge;
}

export function resultItem(data, analyzer, highlights) {
  const meta = data.meta || {};
  const item = element("li", "pp-item pp-result");
  const link = element("a", "pp-item__title");
  link.href = data.url;
  link.append(...highlighted(meta.title || data.url, analyzer, highlights));
  item.append(link, " ", statusBadge(meta.status), ...soonBadges(meta.badges));
  const facts = [meta.kind === "faq" ? KIND_LABEL.faq : "", meta.department, meta.region].filter(Boolean);
  const line = element("p", "pp-item__meta", facts.join(" · "));
  const time = element("time", "", chineseDate(meta.date));
  time.dateTime = meta.date || "";
  line.append(facts.length ? " · " : "", time);
  const snippet = element("p", "pp-item__summary");
  snippet.append(...highlighted(meta.summary || "", analyzer, highlights));
  item.append(line);
  const apply = applyLine(meta);
  if (apply) item.append(apply);
  item.append(snippet);
  return item;
}

// 即将截止 / 即将到期 as the pages show them (decided at build time: pages/deadlines.py).
function soonBadges(badges) {
  return (badges || "").split("、").filter(Boolean).flatMap((word) => {
    const badge = element("span", "pp-badge pp-badge--soon");
    const mark = element("span", "", "!");
    mark.setAttribute("aria-hidden", "true");
    badge.append(mark, ` ${word}`);
    return [" ", badge];
  });
}

// 申报截止 and 扶持标准 of an explainer that says them; the values carry the records' mark (records.py MARK).
function applyLine(meta) {
  const deadline = (meta.deadline || "").slice(1);
  const amount = (meta.amount || "").slice(1);
  if (!deadline && !amount) return null;
  const line = element("p", "pp-item__meta pp-result__apply");
  if (deadline) {
    const time = element("time", "", chineseDate(deadline));
    time.dateTime = deadline;
    line.append("申报截止 ", time);
  }
  if (amount) line.append(deadline ? " · " : "", `扶持标准：${amount}`);
  return line;
}

// `text` as nodes with <mark> around the query's words. Folding keeps every character in
// place, so matches found in the folded text mark the same stretch of the original.
export function highlighted(text, analyzer, highlights) {
  if (!highlights || !highlights.length) return [text];
  const folded = analyzer.fold(text);
  const original = Array.from(text);
  const foldedChars = Array.from(folded);
  const marked = new Array(original.length).fill(false);
  for (const word of highlights) {
    const wordChars = Array.from(word);
    for (let i = folded.indexOf(word); i !== -1; i = folded.indexOf(word, i + 1)) {
      const start = Array.from(folded.slice(0, i)).length;
      for (let k = start; k < start + wordChars.length && k < marked.length; k++) marked[k] = true;
    }
  }
  if (foldedChars.length !== original.length) return [text];
  const nodes = [];
  let i = 0;
  while (i < original.length) {
    let j = i;
    while (j < original.length && marked[j] === marked[i]) j++;
    const piece = original.slice(i, j).join("");
    nodes.push(marked[i] ? element("mark", "", piece) : piece);
    i = j;
  }
  return nodes;
}

export function element(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}
