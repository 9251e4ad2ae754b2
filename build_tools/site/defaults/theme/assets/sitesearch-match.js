// The matching page (match/): an enterprise picks its region, type and needs and gets the
// explainers in force that apply to it, newest first. The choice is kept in the URL.
//
// Applies = the explainer is in force; its region is the chosen one, below it or above it
// (national policies apply everywhere); its audience includes the chosen type or names no
// audience at all (it applies to every enterprise); it covers one of the chosen needs.
import {
  STATUS, loadSearchOrSay, focusResult, newestFirst, openAudienceFilter, pageOfResults, regionFilter, resultItem, statusFilter,
} from "./sitesearch-query.js";

const form = document.querySelector("[data-pp-match]");
const statusLine = document.getElementById("pp-status");
const list = document.getElementById("pp-results");
const more = document.getElementById("pp-more");

let search;
let current = null;
let sequence = 0;

function choiceFromUrl() {
  const params = new URLSearchParams(location.search);
  return { region: params.get("region") || "", audience: params.get("audience") || "", topic: params.getAll("topic") };
}

function choiceFromForm() {
  const data = new FormData(form);
  return { region: data.get("region") || "", audience: data.get("audience") || "", topic: data.getAll("topic") };
}

function urlOf(choice) {
  const params = new URLSearchParams();
  if (choice.region) params.set("region", choice.region);
  if (choice.audience) params.set("audience", choice.audience);
  for (const topic of choice.topic) params.append("topic", topic);
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function filtersOf(choice) {
  const all = [{ kind: "policy" }, statusFilter([STATUS.inForce], search.data.lapsed)].filter(Boolean);
  if (choice.region) all.push(regionFilter(search.data.regions, [choice.region]));
  if (choice.audience) all.push({ any: [{ audience: choice.audience }, openAudienceFilter(search.data.audiences)] });
  if (choice.topic.length) all.push({ topic: { any: choice.topic } });
  return { all };
}

async function run(choice) {
  const mine = ++sequence;
  const found = await search.pagefind.search(null, { filters: filtersOf(choice) });
  if (mine !== sequence) return;
  current = { results: newestFirst(found.results), shown: 0 };
  list.replaceChildren();
  statusLine.textContent = found.results.length
    ? `共有 ${found.results.length} 项现行有效的政策适用，按发布时间从新到旧排列。`
    : "没有找到适用的现行有效政策。可以少选几项需求，或选择上一级地区。";
  await showMore();
  document.body.dataset.ppSearched = String(mine);
}

async function showMore() {
  const page = await pageOfResults(current.results, current.shown, 20);
  for (const data of page) list.append(resultItem(data, search.analyzer, []));
  current.shown += page.length;
  more.hidden = current.shown >= current.results.length;
}

function restore() {
  const choice = choiceFromUrl();
  form.elements.region.value = choice.region;
  form.elements.audience.value = choice.audience;
  for (const box of form.querySelectorAll("input[name=topic]")) box.checked = choice.topic.includes(box.value);
  return run(choice);
}

async function start() {
  search = await loadSearchOrSay(statusLine, "匹配功能暂时无法使用，请稍后再试，或按地区、主题浏览。");
  if (!search) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choice = choiceFromForm();
    history.pushState(null, "", urlOf(choice));
    run(choice);
  });
  more.addEventListener("click", async () => {
    const first = current.shown;
    await showMore();
    focusResult(list, first);
  });
  window.addEventListener("popstate", restore);
  await restore();
}

start();
