// The matching page (match/): an enterprise picks its region, its types (any number) and its
// needs, and gets the policies that apply to it. The profile is kept in the URL as repeated
// parameters (?region=南京市&audience=科技型中小企业&audience=民营企业&topic=金融), so it can be
// bookmarked, shared, printed as a 政策清单 and taken away as a calendar (ICS).
//
// Applies = its region is the chosen one or above it; its audience names a chosen type or an
// ancestor of one (a policy for 中小企业 applies to 科技型中小企业), or names none; it covers one of
// the chosen needs (or none is chosen). The data is one small file per region with policies of
// its own (build_tools/pages/matching.py): a profile downloads its region's and those above it.
// The type tree comes with the page (data-ancestors on each type's checkbox).
import { chineseDate, element, statusBadge } from "./sitesearch-query.js";

const form = document.querySelector("[data-pp-match]");
const statusLine = document.getElementById("pp-status");
const aboveLine = document.getElementById("pp-above");
const list = document.getElementById("pp-results");
const actions = document.getElementById("pp-actions");
const icsLink = document.getElementById("pp-ics");
const summaryLine = document.getElementById("pp-profile-summary");
const qrBox = document.getElementById("pp-qr");
const TODAY = form.dataset.today;
const SOON_BADGE = "pp-badge pp-badge--soon";

const loaded = new Map(); // region id → promise of its policies
let sequence = 0;

// --- the profile and its URL ---------------------------------------------------------------

function choiceFromUrl() {
  const params = new URLSearchParams(location.search);
  return { region: params.get("region") || "", audience: params.getAll("audience"), topic: params.getAll("topic") };
}

function choiceFromForm() {
  const data = new FormData(form);
  return { region: data.get("region") || "", audience: data.getAll("audience"), topic: data.getAll("topic") };
}

function urlOf(choice) {
  const params = new URLSearchParams();
  if (choice.region) params.set("region", choice.region);
  for (const audience of choice.audience) params.append("audience", audience);
  for (const topic of choice.topic) params.append("topic", topic);
  const query = params.toString();
  return query ? `?${query}` : location.pathname;
}

function showInForm(choice) {
  form.elements.region.value = regionOption(choice.region) ? choice.region : "";
  for (const box of form.querySelectorAll("input[name=audience]")) box.checked = choice.audience.includes(box.value);
  for (const box of form.querySelectorAll("input[name=topic]")) box.checked = choice.topic.includes(box.value);
}

// --- regions: the chosen one and those above it --------------------------------------------

function regionOption(name) {
  return name ? [...form.elements.region.options].find((option) => option.value === name) : null;
}

function regionOf(option) {
  return { name: option.value, id: option.dataset.id, own: Number(option.dataset.own), ancestors: JSON.parse(option.dataset.ancestors) };
}

// The regions whose own policies apply, the chosen one first; with none chosen, the roots (全国).
function regionsOf(choice) {
  const option = regionOption(choice.region);
  if (!option) return [...form.elements.region.options].filter((o) => o.value && o.dataset.ancestors === "[]").map(regionOf);
  const chosen = regionOf(option);
  const above = chosen.ancestors.map(regionOption).filter(Boolean).map(regionOf).reverse();
  return [chosen, ...above];
}

function policiesOf(region) {
  if (!region.own) return Promise.resolve([]);
  if (!loaded.has(region.id)) {
    loaded.set(region.id, fetch(new URL(`data/${region.id}.json`, location.href)).then((response) => {
      if (!response.ok) throw new Error(`match data ${region.id}: ${response.status}`);
      return response.json();
    }).then((data) => data.policies));
    loaded.get(region.id).catch(() => loaded.delete(region.id)); // tried again next time
  }
  return loaded.get(region.id);
}

// --- matching ------------------------------------------------------------------------------

// Every name a chosen type answers to → the chosen type it stands for (中小企业 → 科技型中小企业).
function typeNames(chosen) {
  const names = new Map();
  for (const box of form.querySelectorAll("input[name=audience]")) {
    if (!chosen.includes(box.value)) continue;
    names.set(box.value, box.value);
    for (const ancestor of JSON.parse(box.dataset.ancestors || "[]")) if (!names.has(ancestor)) names.set(ancestor, box.value);
  }
  return names;
}

// Why a policy applies ({region, type, need} in words), or null when it does not.
function whyItApplies(policy, choice, types) {
  const audience = policy.audience || [];
  let type = audience.length ? audience.join("、") : "不限类型";
  if (choice.audience.length && audience.length) {
    const hits = audience.filter((name) => types.has(name));
    if (!hits.length) return null;
    type = hits.map((name) => (types.get(name) === name ? name : `${name}（含${types.get(name)}）`)).join("、");
  }
  const topics = policy.topics || [];
  let need = topics.join("、") || "—";
  if (choice.topic.length) {
    const hits = topics.filter((name) => choice.topic.includes(name));
    if (!hits.length) return null;
    need = hits.join("、");
  }
  const region = !choice.region ? policy.region : policy.region === choice.region ? `${policy.region}（本地）` : `${policy.region}（上级）`;
  return { region, type, need };
}

// An open deadline (today or later) to sort by; a passed one counts as none.
function openDeadline(policy) {
  return policy.deadline && policy.deadline >= TODAY ? policy.deadline : "";
}

// Local before provincial before national; within a level the nearest deadline, then the newest.
function byLevelDeadlineDate(a, b) {
  return b.depth - a.depth
    || (openDeadline(a.policy) ? 0 : 1) - (openDeadline(b.policy) ? 0 : 1)
    || openDeadline(a.policy).localeCompare(openDeadline(b.policy))
    || b.policy.date.localeCompare(a.policy.date)
    || a.policy.slug.localeCompare(b.policy.slug);
}

async function matches(choice) {
  const regions = regionsOf(choice);
  const perRegion = await Promise.all(regions.map(policiesOf));
  const types = typeNames(choice.audience);
  const found = [];
  regions.forEach((region, i) => {
    for (const policy of perRegion[i]) {
      const why = whyItApplies(policy, choice, types);
      if (why) found.push({ policy, why, depth: region.ancestors.length });
    }
  });
  return { regions, found: found.sort(byLevelDeadlineDate) };
}

// --- showing the list ----------------------------------------------------------------------

async function run(choice) {
  const mine = ++sequence;
  let result;
  try {
    result = await matches(choice);
  } catch (error) {
    console.error(error);
    if (mine === sequence) statusLine.textContent = "匹配功能暂时无法使用，请稍后再试，或按地区、主题浏览。";
    return;
  }
  if (mine !== sequence) return;
  const { regions, found } = result;
  list.replaceChildren(...found.map(resultItem));
  statusLine.textContent = statusText(choice, regions, found);
  showAbove(choice, regions);
  summaryLine.textContent = profileText(choice, found.length);
  actions.hidden = !found.length;
  setCalendar(found, choice);
  document.body.dataset.ppSearched = String(mine);
  drawQrCode(location.href).catch((error) => console.error(error)); // for the printed list; the list does not wait for it
}

function statusText(choice, regions, found) {
  if (!found.length) return "没有找到适用的政策。可以少选几项类型或需求，或选择上一级地区。";
  const counts = regions.map((region) => [region.name, found.filter((f) => f.policy.region === region.name).length]).filter(([, n]) => n);
  const byRegion = counts.map(([name, n]) => `${name} ${n} 项`).join("、");
  const hint = choice.region ? "" : "未选择地区，只列出国家级政策；选择所在地区可看到地方政策。";
  return `共有 ${found.length} 项政策适用（${byRegion}），本地的在前，同一级中申报截止近的在前，再按发布时间从新到旧。${hint}`;
}

// A region with no policy of its own says so, and offers the level above.
function showAbove(choice, regions) {
  const [chosen, parent] = regions;
  const alone = choice.region && chosen && !chosen.own;
  aboveLine.hidden = !alone;
  aboveLine.replaceChildren();
  if (!alone) return;
  aboveLine.append(`${chosen.name}暂无本级政策，下面列出适用于${chosen.name}的上级政策。`);
  if (parent) {
    const link = element("a", "", `改看${parent.name}的政策`);
    link.href = urlOf({ ...choice, region: parent.name });
    aboveLine.append(" ", link);
  }
}

function profileText(choice, count) {
  const parts = [
    `地区：${choice.region || "不限（国家级）"}`,
    `企业类型：${choice.audience.join("、") || "不限"}`,
    `需求：${choice.topic.join("、") || "不限"}`,
  ];
  return `${parts.join("；")}。共 ${count} 项政策。`;
}

function resultItem({ policy, why }) {
  const item = element("li", "pp-item pp-result");
  const link = element("a", "pp-item__title", policy.title);
  link.href = `../policies/${policy.slug}/`;
  item.append(link, " ", statusBadge(policy.status));
  for (const badge of policy.badges || []) item.append(" ", element("span", SOON_BADGE, badge));
  if (policy.twin) item.append(twinNote(policy.twin));
  item.append(element("p", "pp-match__why", `为什么适用：地区 ${why.region} · 类型 ${why.type} · 需求 ${why.need}`));
  const facts = element("dl", "pp-match__facts");
  for (const [term, value] of factsOf(policy)) facts.append(element("dt", "", term), value);
  if (facts.children.length) item.append(facts);
  const meta = element("p", "pp-item__meta", `${policy.department} · ${policy.region} · 发布于${chineseDate(policy.date)}`);
  item.append(meta);
  return item;
}

// An explainer's version in the other script is one result with it (build_tools/pages/matching.py).
function twinNote(twin) {
  const other = element("a", "pp-item__twin", twin.script === "繁" ? "繁體版" : "简体版");
  other.href = `../policies/${twin.slug}/`;
  other.lang = twin.script === "繁" ? "zh-Hant" : "zh-Hans";
  const note = element("p", "pp-item__meta pp-item__twins", "另有");
  note.append(other);
  return note;
}

// [term, <dd>] pairs: what to do next, when the policy says.
function factsOf(policy) {
  const facts = [];
  const add = (term, ...nodes) => {
    const value = element("dd");
    value.append(...nodes);
    facts.push([term, value]);
  };
  if (policy.noApplication) add("申报", "免申即享，无需申报");
  else if (policy.windowText) add("申报时间", policy.windowText, policy.window ? `（${policy.window}）` : "");
  if (policy.amount) add("扶持标准", policy.amount);
  if (policy.applyUrl && /^https?:\/\//i.test(policy.applyUrl)) {
    const entry = element("a", "pp-match__entry", policy.applyUrl);
    entry.href = policy.applyUrl;
    entry.rel = "noopener";
    add("申报入口", entry, policy.channel ? `（${policy.channel}）` : "");
  } else if (policy.channel) add("办理渠道", policy.channel);
  if (policy.address) add("受理地址", policy.address);
  if (policy.contact && policy.contact.length) add("咨询电话", ...contactNodes(policy.contact));
  if (policy.expires) add("有效期至", chineseDate(policy.expires));
  return facts;
}

// Contact lines ([text | [number as written, tel]]…) with each phone number a tel: link.
function contactNodes(lines) {
  const nodes = [];
  lines.forEach((pieces, i) => {
    if (i) nodes.push("；");
    for (const piece of pieces) {
      if (typeof piece === "string") nodes.push(piece);
      else {
        const call = element("a", "", piece[0]);
        call.href = `tel:${piece[1]}`;
        nodes.push(call);
      }
    }
  });
  return nodes;
}

function contactText(lines) {
  return lines.map((pieces) => pieces.map((piece) => (typeof piece === "string" ? piece : piece[0])).join("")).join("；");
}

// --- the QR code of the profile's URL (printed on the 政策清单) ------------------------------

async function drawQrCode(url) {
  const { qrcode } = await import("./qrcode-generator.js");
  const code = qrcode(0, "M");
  code.addData(url); // the URL is ASCII: URLSearchParams percent-encodes the Chinese names
  code.make();
  const size = code.getModuleCount();
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `-4 -4 ${size + 8} ${size + 8}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "本清单在线版本的二维码");
  svg.setAttribute("shape-rendering", "crispEdges");
  let path = "";
  for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) if (code.isDark(row, col)) path += `M${col} ${row}h1v1h-1z`;
  const background = document.createElementNS(NS, "rect");
  for (const [name, value] of [["x", -4], ["y", -4], ["width", size + 8], ["height", size + 8], ["fill", "#fff"]]) background.setAttribute(name, value);
  const modules = document.createElementNS(NS, "path");
  modules.setAttribute("d", path);
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  svg.dataset.url = url;
  qrBox.replaceChildren(svg);
}

// --- the profile's dates as a calendar (RFC 5545), made here -------------------------------

const EVENTS = [["deadline", "申报截止"], ["effective", "政策生效"], ["expires", "政策到期"]];

function setCalendar(found, choice) {
  if (icsLink.href.startsWith("blob:")) URL.revokeObjectURL(icsLink.href);
  const text = calendarText(found.map((f) => f.policy), choice);
  icsLink.href = URL.createObjectURL(new Blob([text], { type: "text/calendar;charset=utf-8" }));
}

// All-day events on or after the build date: each deadline, entry into force and expiry.
function calendarText(policies, choice) {
  const stamp = `${compact(TODAY)}T000000Z`; // the build date: the same list gives the same file
  const host = location.hostname || "localhost";
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//policy-site//match//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    `X-WR-CALNAME:${icsText(`政策申报日历：${profileText(choice, policies.length)}`)}`];
  for (const policy of policies) {
    for (const [field, label] of EVENTS) {
      const day = policy[field];
      if (!day || day < TODAY) continue;
      const page = new URL(`../policies/${policy.slug}/`, location.href).href;
      lines.push("BEGIN:VEVENT", `UID:${field}-${policy.slug}@${host}`, `DTSTAMP:${stamp}`,
        `DTSTART;VALUE=DATE:${compact(day)}`, `DTEND;VALUE=DATE:${compact(nextDay(day))}`,
        `SUMMARY:${icsText(`${label}：${policy.title}`)}`, `URL:${page}`);
      const details = [policy.amount && `扶持标准：${policy.amount}`, policy.applyUrl && `申报入口：${policy.applyUrl}`,
        policy.contact && policy.contact.length && `咨询电话：${contactText(policy.contact)}`].filter(Boolean);
      if (details.length) lines.push(`DESCRIPTION:${icsText(details.join("\n"))}`);
      lines.push("END:VEVENT");
    }
  }
  lines.push("END:VCALENDAR");
  return lines.map(folded).join("\r\n") + "\r\n";
}

function compact(iso) {
  return iso.replaceAll("-", "");
}

function nextDay(iso) {
  const day = new Date(`${iso}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

// TEXT values escape backslash, semicolon, comma and newline (RFC 5545 3.3.11).
function icsText(text) {
  return text.replace(/[\\;,]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, "\\n");
}

// Lines longer than 75 octets are folded: CRLF and a space, never inside a character (3.1).
function folded(line) {
  const encoder = new TextEncoder();
  let out = "";
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > 75) {
      out += "\r\n ";
      octets = 1;
    }
    out += ch;
    octets += size;
  }
  return out;
}

// --- start ---------------------------------------------------------------------------------

function restore() {
  const choice = choiceFromUrl();
  showInForm(choice);
  return run(choice);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const choice = choiceFromForm();
  history.pushState(null, "", urlOf(choice));
  run(choice);
});
document.getElementById("pp-print").addEventListener("click", () => window.print());
window.addEventListener("popstate", restore);
restore();
