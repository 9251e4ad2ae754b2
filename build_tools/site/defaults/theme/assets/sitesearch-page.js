// The search page (search/): query, facets with counts, results; everything is kept in the
// URL, so a search can be shared, bookmarked and browsed without a query.
import {
  KIND_LABEL, STATUS, element, loadSearchOrSay, focusResult, pageOfResults, pagefindFilters, resultItem, runSearch,
  withInForceCount,
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

let search;          // {pagefind, analyzer, data}
let current = null;  // {results, analysis, shown}
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

async function run(state) {
  const mine = ++sequence;
  lastState = state;
  form.setAttribute("aria-busy", "true");
  const analysis = search.analyzer.analyse(state.q);
  const filters = pagefindFilters(search.data, state.choice);
  const found = await runSearch(search.pagefind, analysis, filters, state.sort === "date");
  const counts = facetsReady && found.counts && (await facetCounts(analysis, state, found.counts));
  if (mine !== sequence) return;
  current = { results: found.results, analysis, shown: 0 };
  list.replaceChildren();
  if (facetsReady) showCounts(counts);
  statusLine.textContent = statusText(state, found);
  await showMore();
  form.removeAttribute("aria-busy");
  document.body.dataset.ppSearched = String(mine); // tests and scripts wait for this
}

function statusText(state, found) {
  const n = found.results.length;
  if (!state.q) return `共 ${n} 篇，按发布时间从新到旧排列。`;
  if (found.relaxed) return n ? `没有同时包含全部词语的结果；以下 ${n} 条结果包含其中部分词语。` : "没有找到结果。可以换个说法，或减少筛选条件。";
  return n ? `找到 ${n} 条结果。` : "没有找到结果。可以换个说法，或减少筛选条件。";
}

async function showMore() {
  const page = await pageOfResults(current.results, current.shown);
  for (const data of page) list.append(resultItem(data, search.analyzer, current.analysis.highlights));
  current.shown += page.length;
  more.hidden = current.shown >= current.results.length;
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
  const panel = facetBox.closest("details");
  if (window.matchMedia("(max-width: 959px)").matches) panel.open = false;
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
  more.addEventListener("click", async () => {
    const first = current.shown;
    await showMore();
    focusResult(list, first);
  });
  window.addEventListener("popstate", restore);
  await restore();
}

start();
