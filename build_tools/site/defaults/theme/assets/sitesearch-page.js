// The search page (search/): query, facets with counts, results; everything is kept in the
// URL, so a search can be shared, bookmarked and browsed without a query.
import {
  KIND_LABEL, STATUS, bestEntries, byKind, docnumFirst, element, entriesHolding, highlighted, isEntryGroup, isPolicy, loadSearchOrSay,
  focusResult, pagefindFilters, resultItem, runSearch, termsMatched, withInForceCount,
} from "./sitesearch-query.js";

const FACETS = [
  ["kind", "类型"], ["status", "状态"], ["region", "地区"], ["topic", "政策主题"],
  ["audience", "适用对象"], ["department", "发布部门"], ["year", "发布年份"],
];
const DEFAULT_STATUS = [STATUS.inForce];
const ANY_STATUS = "全部"; // in the URL: the visitor unticked every status
const STATUS_ORDER = [STATUS.inForce, STATUS.upcoming, STATUS.expired, STATUS.superseded];

const form = document.querySelector("[data-pp-search]");
const input = form.querySelector("input[name=q]");
const sortSelect = form.querySelector("select[name=sort]");
const facetBox = document.getElementById("pp-facets");
const statusLine = document.getElementById("pp-status");
const list = document.getElementById("pp-results");
const more = document.getElementById("pp-more");
const answersBox = document.getElementById("pp-answers");
const answersList = document.getElementById("pp-answers-list");
const hiddenLine = document.getElementById("pp-hidden");
const hiddenText = document.getElementById("pp-hidden-text");
const hiddenButton = document.getElementById("pp-hidden-show");

const PAGE = 10;
const MAX_ANSWERS = 3;
// An FAQ answer is shown only when it matches the query well: every word of a query of one or
// two words; of a longer one at least this share of its words, and two.
const ANSWER_SHARE = 0.6;
// Hidden by the default status: lapsed policies (not those yet to come into force).
const HIDDEN_STATUSES = [STATUS.expired, STATUS.superseded];

let search;          // {pagefind, analyzer, data}
let current = null;  // {results, analysis, shown: results consumed, twins: key → shown item}
let sequence = 0;    // drops the answer of a search a newer one has overtaken
let lastState = null;
let facetsReady = false; // facets (and all of Pagefind's filter data) load when first shown

// --- state <-> URL ------------------------------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const choice = {};
  for (const [facet] of FACETS) choice[facet] = params.getAll(facet).filter(Boolean);
  if (!params.has("status")) choice.status = [...DEFAULT_STATUS];
  if (choice.status.includes(ANY_STATUS)) choice.status = [];
  return { q: params.get("q") || "", sort: params.get("sort") === "date" ? "date" : "", choice };
}

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.sort) params.set("sort", state.sort);
  for (const [facet] of FACETS) {
    const values = state.choice[facet] || [];
    if (facet === "status" && sameValues(values, DEFAULT_STATUS)) continue;
    if (facet === "status" && !values.length) { params.append("status", ANY_STATUS); continue; }
    for (const value of values) params.append(facet, value);
  }
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function sameValues(a, b) {
  return a.length === b.length && a.every((v) => b.includes(v));
}

function stateFromForm() {
  if (!facetsReady) return { q: input.value.trim(), sort: sortSelect.value, choice: lastState.choice };
  const choice = {};
  for (const [facet] of FACETS) {
    choice[facet] = [...facetBox.querySelectorAll(`input[name="${facet}"]:checked`)].map((box) => box.value);
  }
  return { q: input.value.trim(), sort: sortSelect.value, choice };
}

// --- facets ---------------------------------------------------------------------------------

function orderedValues(facet, counts) {
  const values = Object.keys(counts || {});
  const data = search.data;
  const byList = (order) => [...order.filter((v) => values.includes(v)), ...values.filter((v) => !order.includes(v)).sort()];
  if (facet === "status") return byList(STATUS_ORDER);
  if (facet === "kind") return byList(Object.keys(KIND_LABEL));
  if (facet === "region") return byList(data.regions.map((r) => r.name));
  if (facet === "topic") return byList(data.topics);
  if (facet === "audience") return byList(data.audiences);
  if (facet === "year") return values.sort().reverse();
  return values.sort((a, b) => counts[b] - counts[a] || a.localeCompare(b, "zh"));
}

function valueLabel(facet, value) {
  if (facet === "kind") return KIND_LABEL[value] || value;
  if (facet === "year") return `${value} 年`;
  return value;
}

// Built once with every value; later searches only change the counts, so the box a
// keyboard or screen-reader user just ticked keeps its focus.
function buildFacets(totals, choice) {
  facetBox.replaceChildren();
  for (const [facet, legendText] of FACETS) {
    const values = orderedValues(facet, totals[facet]);
    if (values.length < 2 && !(choice[facet] || []).length) continue; // nothing to choose between
    const fieldset = element("fieldset", "pp-facet");
    fieldset.dataset.facet = facet;
    fieldset.append(element("legend", "", legendText));
    const items = element("ul", "pp-facet__values");
    for (const value of values) items.append(facetValue(facet, value, choice));
    fieldset.append(items);
    facetBox.append(fieldset);
  }
}

function facetValue(facet, value, choice) {
  const item = element("li");
  if (facet === "region") {
    const region = search.data.regions.find((r) => r.name === value);
    item.style.setProperty("--pp-depth", region ? region.ancestors.length : 0);
  }
  const label = element("label");
  const box = element("input");
  box.type = "checkbox";
  box.name = facet;
  box.value = value;
  box.checked = (choice[facet] || []).includes(value);
  const count = element("span", "pp-facet__count");
  count.dataset.value = value;
  label.append(box, ` ${valueLabel(facet, value)}`, count);
  item.append(label);
  return item;
}

async function showFacets() {
  facetsReady = true;
  buildFacets(withInForceCount(await search.pagefind.filters()), lastState ? lastState.choice : stateFromUrl().choice);
}

function showCounts(counts) {
  for (const fieldset of facetBox.querySelectorAll("fieldset")) {
    const facetCounts = counts ? counts[fieldset.dataset.facet] || {} : null;
    for (const count of fieldset.querySelectorAll(".pp-facet__count")) {
      const n = facetCounts ? facetCounts[count.dataset.value] || 0 : null;
      count.textContent = n === null ? "" : `（${n}）`;
      count.closest("li").classList.toggle("pp-facet--empty", n === 0);
    }
  }
}

// A facet's own counts ignore its own choice (values of one facet add up), so each facet
// with a choice is counted again without it; Pagefind has the chunks already.
async function facetCounts(analysis, state, counts) {
  const adjusted = { ...counts };
  for (const [facet] of FACETS) {
    if (!(state.choice[facet] || []).length) continue;
    const without = { ...state.choice, [facet]: [] };
    const options = { filters: pagefindFilters(search.data, without) };
    const found = await search.pagefind.search(analysis.terms.length ? analysis.terms.join(" ") : null, options);
    adjusted[facet] = withInForceCount(found.filters)[facet] || {};
  }
  return adjusted;
}

// --- searching and showing -----------------------------------------------------------------

// With a query and no type chosen, the list holds explainers and FAQ answers come apart
// (相关问答, at most three): an answer never pushes a policy out of the list.
function listChoice(state) {
  const apart = Boolean(state.q) && !(state.choice.kind || []).length;
  return { apart, choice: apart ? { ...state.choice, kind: ["policy"] } : state.choice };
}

function isDefaultStatus(choice) {
  return sameValues(choice.status || [], DEFAULT_STATUS);
}

async function run(state) {
  const mine = ++sequence;
  lastState = state;
  form.setAttribute("aria-busy", "true");
  const analysis = search.analyzer.analyse(state.q);
  const { apart, choice } = listChoice(state);
  // Facets closed (a phone, a first visit): explainers and FAQ entries come from one search, told
  // apart by page number, and no `kind` filter (a list of every page) is downloaded. Facets open:
  // every filter is loaded anyway to count them, and the `kind` filter keeps the counts right.
  const split = apart && !facetsReady;
  const searchChoice = split ? state.choice : choice;
  let found = await runSearch(search.pagefind, analysis, pagefindFilters(search.data, searchChoice), state.sort === "date");
  let faqFound = null;
  if (split) ({ policies: found, faq: faqFound } = byKind(found));
  if (split && !found.results.length && analysis.terms.length > 1) { // only FAQ entries have every word
    found = await runSearch(search.pagefind, analysis, pagefindFilters(search.data, choice), state.sort === "date");
  }
  if (state.q && state.sort !== "date") {
    const docnums = await docnumFirst(search.pagefind, analysis, pagefindFilters(search.data, { ...searchChoice, status: [] }), found);
    found = split ? byKind(docnums).policies : docnums;
  }
  const [counts, hidden, answers] = await Promise.all([
    facetsReady && found.counts && facetCounts(analysis, { ...state, choice }, found.counts),
    state.q && isDefaultStatus(state.choice) ? hiddenCount(analysis, searchChoice, found, split) : 0,
    !apart ? [] : split ? goodAnswers(faqFound, analysis, pagefindFilters(search.data, searchChoice), state.choice) : findAnswers(analysis, state.choice),
  ]);
  if (state.q && state.sort !== "date") found = await titlesFirst(found, state.q);
  if (mine !== sequence) return;
  current = { results: found.results, analysis, topics: state.choice.topic || [], shown: 0, twins: new Map() };
  list.replaceChildren();
  if (facetsReady) showCounts(counts);
  statusLine.textContent = statusText(state, found);
  showHidden(hidden);
  showAnswers(answers, analysis);
  await showMore();
  form.removeAttribute("aria-busy");
  document.body.dataset.ppSearched = String(mine); // tests and scripts wait for this
}

// A query typed as a whole title (国务院工作规则), or a long stretch of one: the results among the
// first ten whose title holds it come first, as the search engine ranks an exact title match.
const TITLE_MIN = 4;

async function titlesFirst(found, query) {
  const needle = search.analyzer.fold(query).replace(/[^\p{L}\p{N}]+/gu, "");
  if (Array.from(needle).length < TITLE_MIN) return found;
  const head = found.results.slice(0, PAGE);
  const titles = await Promise.all(head.map(async (result) => ((await result.data()).meta || {}).title || ""));
  const hits = head.filter((_, i) => search.analyzer.fold(titles[i]).replace(/[^\p{L}\p{N}]+/gu, "").includes(needle));
  if (!hits.length || hits.length === head.length) return found;
  const first = new Set(hits);
  const order = [...hits, ...found.results.filter((result) => !first.has(result))];
  const matchedOf = found.matched && new Map(found.results.map((result, i) => [result, found.matched[i]]));
  const matched = matchedOf && order.map((result) => matchedOf.get(result));
  return { ...found, results: order, matched };
}

// How many lapsed policies match the query as well as what is shown: every word when the
// list's results have every word; else at least as many words as the list's best.
async function hiddenCount(analysis, choice, found, split) {
  if (!analysis.terms.length || !search.data.lapsed.length) return 0;
  const statuses = HIDDEN_STATUSES.filter((status) => search.data.lapsed.includes(status));
  if (!statuses.length) return 0;
  let lapsed = await runSearch(search.pagefind, analysis, pagefindFilters(search.data, { ...choice, status: statuses }), false);
  if (split) lapsed = byKind(lapsed).policies;
  const shownIds = new Set(found.results.map((r) => r.id)); // 文号 hits are shown whatever their status
  const best = Math.max(1, ...termsMatched(found, analysis).slice(0, PAGE), found.results.length ? 0 : analysis.terms.length);
  const matched = termsMatched(lapsed, analysis);
  return lapsed.results.filter((r, i) => !shownIds.has(r.id) && matched[i] >= Math.min(best, analysis.terms.length)).length;
}

function showHidden(count) {
  hiddenLine.hidden = !count;
  hiddenText.textContent = count ? `另有 ${count} 条已失效的相关政策。` : "";
}

function includeLapsed() {
  const state = { ...lastState, choice: { ...lastState.choice, status: [...new Set([...lastState.choice.status, ...HIDDEN_STATUSES])] } };
  history.pushState(null, "", urlOf(state));
  return restore();
}

// The best FAQ answers (at most three) that match the query well enough: see ANSWER_SHARE.
async function findAnswers(analysis, choice) {
  if (!analysis.terms.length) return [];
  const filters = pagefindFilters(search.data, { ...choice, kind: ["faq"] });
  return goodAnswers(await runSearch(search.pagefind, analysis, filters, false), analysis, filters, choice);
}

function goodAnswers(found, analysis, filters, choice) {
  const n = analysis.terms.length;
  const floor = n <= 2 ? n : Math.max(2, Math.ceil(ANSWER_SHARE * n));
  return bestEntries(search.pagefind, analysis, filters, choice.topic || [], found.results, floor, MAX_ANSWERS);
}

function showAnswers(answers, analysis) {
  answersList.replaceChildren(...answers.map((data) => answerItem(data, analysis)));
  answersBox.hidden = !answers.length;
}

function answerItem(data, analysis) {
  const meta = data.meta || {};
  const item = element("li", "pp-answer");
  const question = element("a", "pp-answer__question");
  question.href = data.url;
  question.append(...highlighted(meta.title || data.url, search.analyzer, analysis.highlights));
  const line = element("p", "pp-answer__line", meta.summary || "");
  item.append(question, line);
  if (meta.policy) {
    const basis = element("p", "pp-answer__basis", "依据：");
    const link = element("a", "", meta.policy);
    link.href = new URL(meta.policy_url.slice(1), siteRoot()).href; // after the mark (records.py MARK)
    basis.append(link);
    item.append(basis);
  }
  return item;
}

function statusText(state, found) {
  const n = found.results.length;
  const what = howMany(found.results);
  if (!state.q) return `共 ${what}，按发布时间从新到旧排列。`;
  if (found.relaxed) return n ? `没有同时包含全部词语的结果；以下 ${what}包含其中部分词语。` : "没有找到结果。可以换个说法，或减少筛选条件。";
  if (found.all !== undefined && found.all < n) return `找到 ${what}，其中 ${found.all} 条包含全部词语；按相关程度排列。`;
  return n ? `找到 ${what}。` : "没有找到结果。可以换个说法，或减少筛选条件。";
}

// "12 条结果", or with FAQ entries in the list "3 篇解读、5 组问答": entries with the same
// filters are found together (sitesearch-query.js entriesOf), so they are counted by group.
function howMany(results) {
  const policies = results.filter(isPolicy).length;
  const groups = results.length - policies;
  if (!groups) return `${policies} 条结果`;
  return policies ? `${policies} 篇解读、${groups} 组问答` : `${groups} 组问答`;
}

// The next results, ten at a time. An explainer and its version in the other script (same
// twin key, build_tools/indexes/pagefind/records.py) are one result: the first shown carries
// a link to the other. Copies in the same script stay apart.
async function showMore() {
  let added = 0;
  while (added < PAGE && current.shown < current.results.length) {
    const batch = current.results.slice(current.shown, current.shown + PAGE - added);
    current.shown += batch.length;
    const datas = await Promise.all(batch.map((result) => result.data()));
    for (const [i, data] of datas.entries()) {
      if (groupedWithTwin(data)) continue;
      // A page of FAQ entries shows those that hold the query's words (all, without a query).
      const shown = isEntryGroup(data) ? entriesHolding(data, current.analysis.terms.length ? batch[i].words : null, current.topics) : [data];
      for (const one of shown) list.append(resultItem(one, search.analyzer, current.analysis.highlights));
      added += 1;
    }
  }
  more.hidden = current.shown >= current.results.length;
}

const SCRIPT_LABEL = { 繁: "繁體版", 简: "简体版" };

function siteRoot() {
  return new URL("../", new URL("./", import.meta.url)); // this script is in assets/
}

function groupedWithTwin(data) {
  const meta = data.meta || {};
  if (!meta.twin) return false;
  const twin = current.twins.get(meta.twin);
  if (!twin) {
    current.twins.set(meta.twin, { scripts: new Set([meta.script]), item: null, data });
    return false;
  }
  if (twin.scripts.has(meta.script)) return false; // a copy in the same script
  twin.scripts.add(meta.script);
  const shown = [...list.children].find((li) => li.querySelector("a.pp-item__title").getAttribute("href") === twin.data.url);
  if (shown) {
    const other = element("a", "pp-item__twin", SCRIPT_LABEL[meta.script] || "另一版本");
    other.href = data.url;
    other.lang = meta.script === "繁" ? "zh-Hant" : "zh-Hans";
    const note = element("p", "pp-item__meta pp-item__twins", "另有");
    note.append(other);
    shown.append(note);
  }
  return true;
}

function update(push) {
  const state = stateFromForm();
  history[push ? "pushState" : "replaceState"](null, "", urlOf(state));
  return run(state);
}

function restore() {
  const state = stateFromUrl();
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of facetBox.querySelectorAll("input[type=checkbox]")) {
    box.checked = (state.choice[box.name] || []).includes(box.value);
  }
  return run(state);
}

async function start() {
  search = await loadSearchOrSay(statusLine, "搜索暂时无法使用，请稍后再试，或按主题、部门浏览。");
  if (!search) return;
  // On a phone the results come first and the facets open with one tap: their data
  // (every filter value of every page) is then downloaded only by those who use them.
  // The page comes with them closed and opens them beside the results on a wide screen:
  // closing them on a phone once the page showed moved the results up (layout shift 0.07).
  const panel = facetBox.closest("details");
  if (!window.matchMedia("(max-width: 959px)").matches) panel.open = true;
  if (panel.open) await showFacets();
  panel.addEventListener("toggle", async () => {
    if (panel.open && !facetsReady) {
      await showFacets();
      await run(lastState);
    }
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); update(true); });
  facetBox.addEventListener("change", () => update(false));
  sortSelect.addEventListener("change", () => update(false));
  hiddenButton.addEventListener("click", includeLapsed);
  more.addEventListener("click", async () => {
    const first = list.children.length;
    await showMore();
    focusResult(list, first);
  });
  window.addEventListener("popstate", restore);
  await restore();
}

start();
