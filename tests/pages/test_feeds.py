"""feeds.py, sitemap.py, history.py: feeds and sitemap valid against their schemas, last-change dates.

Schemas in tests/schemas/: RFC 4287 Appendix B as RELAX NG (atom.rng),
JSON Feed 1.1 as JSON Schema, the sitemaps.org 0.9 XSD.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from build_tools.load import history
from build_tools.build.build import BuildOptions, build
from build_tools.pages.feeds import MAX_ENTRIES, feed_files
from build_tools.build.pipeline import run_pipeline
from conftest import MINI, ROOT, SCHEMAS, VALID_EXPLAINER, write

TODAY = dt.date(2026, 11, 23)
SITE_URL = "https://zhengce.example.gov.cn/jiedu/"
ATOM = "{http://www.w3.org/2005/Atom}"

ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
SITEMAP_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-0.9.xsd")))
JSON_FEED_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((SCHEMAS / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8")),
    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
)


def assert_valid_atom(data: bytes, name: str) -> etree._Element:
    root = etree.fromstring(data)
    assert ATOM_SCHEMA.validate(root), f"{name}: {ATOM_SCHEMA.error_log}"
    # RFC 4287's Schematron rules, which RELAX NG does not express:
    for entry in root.iter(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}author") is not None or root.find(f"{ATOM}author") is not None
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return root


def assert_valid_json_feed(data: bytes, name: str) -> dict:
    document = json.loads(data)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in JSON_FEED_SCHEMA.iter_errors(document)]
    assert not errors, f"{name}: {errors}"
    return document


def dates_of(content: Path, count: int) -> list[dt.date]:
    """Write `count` explainers of one department and topic, one a day up to yesterday; return their dates."""
    days = [TODAY - dt.timedelta(days=count - n) for n in range(count)]  # newer than the mini explainers
    for n, day in enumerate(days):
        write(content, f"policies/many/p{n:02d}.md", VALID_EXPLAINER.replace("2023-01-01", day.isoformat()))
    return days


def git(folder: Path, *args: str, date: str = "2025-01-10T10:00:00+08:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "editor", "GIT_AUTHOR_EMAIL": "editor@example.gov.cn",
           "GIT_COMMITTER_NAME": "editor", "GIT_COMMITTER_EMAIL": "editor@example.gov.cn",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def mini_site():
    return run_pipeline(MINI, TODAY)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The mini site built by `policy build` with a site_url in mkdocs.yml."""
    folder = tmp_path_factory.mktemp("feeds")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (folder / "mkdocs.yml").write_text(config.replace("site_name: 政策解读\n", f"site_name: 政策解读\nsite_url: {SITE_URL}\n"), encoding="utf-8")
    build(BuildOptions(MINI, folder / "site", folder / "index", folder / "mkdocs.yml", TODAY))
    return folder / "site"


# --- feeds -----------------------------------------------------------------


@pytest.mark.parametrize("site_url", [None, SITE_URL])
def test_every_feed_is_valid_against_its_schema(mini_site, site_url):
    files = feed_files(mini_site, "政策解读", site_url)
    assert {"feed.xml", "feed.json", "departments/js-fgw/feed.xml", "topics/tax/feed.json"} <= set(files)
    assert {"audiences/sme/feed.xml", "regions/js-nj/feed.json"} <= set(files)
    assert not any(name.startswith("years/") for name in files)
    for name, data in files.items():
        if name.endswith(".xml"):
            assert_valid_atom(data, name)
        else:
            assert_valid_json_feed(data, name)


def test_feeds_in_the_built_site_are_valid_and_absolute(built):
    names = sorted(str(p.relative_to(built)) for p in [*built.rglob("feed.xml"), *built.rglob("feed.json")])
    assert len(names) == 2 * (1 + 3 + 2 + 1 + 3)  # the site, 3 departments, 2 topics, 1 audience, 3 regions with explainers
    for name in names:
        data = (built / name).read_bytes()
        if name.endswith(".xml"):
            root = assert_valid_atom(data, name)
            assert root.findtext(f"{ATOM}id") == SITE_URL + name
            assert all(link.get("href").startswith(SITE_URL) for link in root.iter(f"{ATOM}link"))
        else:
            feed = assert_valid_json_feed(data, name)
            assert feed["feed_url"] == SITE_URL + name
            assert all(item["url"] == item["id"] and item["url"].startswith(SITE_URL + "policies/") for item in feed["items"])


def test_feed_entries_carry_summary_department_and_status(mini_site):
    files = feed_files(mini_site, "政策解读", SITE_URL)
    root = etree.fromstring(files["departments/js-fgw/feed.xml"])
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [SITE_URL + "policies/economy-2023/", SITE_URL + "policies/economy-2022/"]
    first = entries[0]
    assert first.findtext(f"{ATOM}summary") == "42条措施降低企业生产经营成本，重点是财政、金融、税收支持。"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "江苏省发展改革委"
    assert first.findtext(f"{ATOM}contributor/{ATOM}name") == "江苏省财政厅"
    assert "现行有效" in [c.get("term") for c in first.findall(f"{ATOM}category")]
    assert first.findtext(f"{ATOM}published") == "2023-02-16T00:00:00+08:00"
    assert "已被替代" in [c.get("term") for c in entries[1].findall(f"{ATOM}category")]
    item = json.loads(files["feed.json"])["items"][0]
    assert item["_policy"] == {"department": "江苏省财政厅", "status": "即将生效", "region": "江苏省"}
    assert item["summary"] and "即将生效" in item["tags"]


def test_relative_links_without_a_site_url(mini_site):
    files = feed_files(mini_site, "政策解读", None)
    root = etree.fromstring(files["topics/tax/feed.xml"])
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "feed.xml"
    assert root.find(f"{ATOM}entry/{ATOM}link").get("href") == "../../policies/refund-2023/"
    assert root.findtext(f"{ATOM}entry/{ATOM}id").startswith("urn:uuid:")
    feed = json.loads(files["feed.json"])
    assert "feed_url" not in feed and "home_page_url" not in feed
    assert feed["items"][0]["url"] == feed["items"][0]["id"] == "policies/loan-2027/"


def test_feeds_hold_the_latest_50_newest_first(content):
    days = dates_of(content, MAX_ENTRIES + 5)
    site = run_pipeline(content, TODAY)
    files = feed_files(site, "政策解读", SITE_URL)
    for name in ("feed.json", "departments/js-czt/feed.json", "topics/tax/feed.json"):
        items = assert_valid_json_feed(files[name], name)["items"]
        assert len(items) == MAX_ENTRIES
        published = [item["date_published"][:10] for item in items]
        assert published == sorted(published, reverse=True)
        assert published[0] == days[-1].isoformat() and days[0].isoformat() not in published
    entries = assert_valid_atom(files["topics/tax/feed.xml"], "topics/tax/feed.xml").findall(f"{ATOM}entry")
    assert len(entries) == MAX_ENTRIES
    assert entries[0].findtext(f"{ATOM}id") == SITE_URL + f"policies/p{MAX_ENTRIES + 4}/"


def test_feed_dates_and_bytes_follow_the_content_not_the_clock(mini_site):
    again = run_pipeline(MINI, TODAY)
    assert feed_files(mini_site, "政策解读", SITE_URL) == feed_files(again, "政策解读", SITE_URL)
    root = etree.fromstring(feed_files(mini_site, "政策解读", None)["feed.xml"])
    newest_change = max(mini_site.last_changed.values())
    assert root.findtext(f"{ATOM}updated") == f"{newest_change.isoformat()}T00:00:00+08:00"


def test_feed_text_is_escaped(content):
    title = 'A & B <script>alert("x")</script>'
    write(content, "policies/odd.md", VALID_EXPLAINER.replace("测试解读", title).replace("一句话摘要。", "<b>摘要</b>"))
    files = feed_files(run_pipeline(content, TODAY), "政策解读", SITE_URL)
    root = assert_valid_atom(files["feed.xml"], "feed.xml")
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == title)
    assert "<b>" not in entry.findtext(f"{ATOM}content") and "&lt;b&gt;摘要" in entry.findtext(f"{ATOM}content")
    item = next(i for i in json.loads(files["feed.json"])["items"] if i["title"] == title)
    assert "<b>" not in item["content_html"] and "<script>" not in item["content_html"]



def test_feeds_stay_well_formed_whatever_a_title_holds():
    # Characters XML 1.0 does not allow: `policy check` rejects them in content, but a feed must not depend on it.
    site = run_pipeline(MINI, TODAY)
    explainer = site.explainers[0]
    explainer.title, explainer.summary = "稳经济\v措施\x01解读\ud800", "摘要\x0c\x00"
    files = feed_files(site, "政策\x1b解读", SITE_URL)
    atom = [name for name in files if name.endswith(".xml")]
    assert {"feed.xml", "departments/js-fgw/feed.xml", "topics/tax/feed.xml"} <= set(atom)
    for name in atom:
        root = assert_valid_atom(files[name], name)  # lxml refuses a document that is not well-formed
        assert root.findtext(f"{ATOM}title").endswith("政策解读")  # the site name, its \x1b left out
    entry = next(e for e in etree.fromstring(files["feed.xml"]).iter(f"{ATOM}entry") if "稳经济" in e.findtext(f"{ATOM}title"))
    assert entry.findtext(f"{ATOM}title") == "【即将生效】稳经济措施解读" and entry.findtext(f"{ATOM}summary") == "摘要"
    assert json.loads(files["feed.json"])["items"][0]["title"].startswith("【即将生效】稳经济")

# --- feeds per region and audience, status changes, the stylesheets ----------


def entry_titles(data: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in etree.fromstring(data).iter(f"{ATOM}entry")]


def test_each_region_and_audience_has_its_feed(mini_site):
    files = feed_files(mini_site, "政策解读", SITE_URL)
    nanjing = assert_valid_atom(files["regions/js-nj/feed.xml"], "regions/js-nj/feed.xml")
    assert nanjing.findtext(f"{ATOM}title") == "南京市 · 政策解读"
    assert [e.findtext(f"{ATOM}id") for e in nanjing.iter(f"{ATOM}entry")] == [SITE_URL + "policies/refund-2023/"]
    jiangsu = {e.findtext(f"{ATOM}id") for e in etree.fromstring(files["regions/js/feed.xml"]).iter(f"{ATOM}entry")}
    assert SITE_URL + "policies/refund-2023/" in jiangsu and SITE_URL + "policies/economy-2023/" in jiangsu  # its sub-regions too
    sme = assert_valid_json_feed(files["audiences/sme/feed.json"], "audiences/sme/feed.json")
    assert [item["id"] for item in sme["items"]] == [SITE_URL + "policies/economy-2023/"]


def lapsing(content: Path, expires: str, old: str = "2024-01-01") -> None:
    """An explainer published long ago that lapses on `expires`, its file unchanged since `old`."""
    path = write(content, "policies/lapsing.md", VALID_EXPLAINER.replace("测试解读", "到期解读").replace("published: 2023-01-01", f"published: 2023-01-01\nexpires: {expires}"))
    stamp = calendar.timegm(dt.date.fromisoformat(old).timetuple())
    os.utime(path, (stamp, stamp))


def lapsing_entry(content: Path, today: dt.date) -> etree._Element:
    files = feed_files(run_pipeline(content, today), "政策解读", SITE_URL)
    root = assert_valid_atom(files["feed.xml"], "feed.xml")
    return next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == SITE_URL + "policies/lapsing/")


def test_an_entry_changes_when_its_status_does(content):
    lapsing(content, "2026-12-20")
    before = lapsing_entry(content, dt.date(2026, 11, 1))  # 49 days left
    assert before.findtext(f"{ATOM}title") == "到期解读" and before.findtext(f"{ATOM}updated") == "2024-01-01T00:00:00+08:00"
    soon = lapsing_entry(content, dt.date(2026, 11, 23))  # 27 days left: 即将到期 since 30 days before
    assert soon.findtext(f"{ATOM}title") == "【即将到期】到期解读"
    assert soon.findtext(f"{ATOM}updated") == "2026-11-20T00:00:00+08:00"
    assert "即将到期" in [c.get("term") for c in soon.findall(f"{ATOM}category")]
    assert "有效期至：2026年12月20日" in soon.findtext(f"{ATOM}content")
    last_day = lapsing_entry(content, dt.date(2026, 12, 20))
    assert last_day.findtext(f"{ATOM}title") == "【即将到期】到期解读"  # in force on its last day
    lapsed = lapsing_entry(content, dt.date(2026, 12, 25))
    assert lapsed.findtext(f"{ATOM}title") == "【已失效】到期解读"
    assert lapsed.findtext(f"{ATOM}updated") == "2026-12-21T00:00:00+08:00"  # the first day it is no longer in force
    item = next(i for i in json.loads(feed_files(run_pipeline(content, dt.date(2026, 11, 23)), "政策解读", None)["feed.json"])["items"]
                if i["url"] == "policies/lapsing/")
    assert item["title"] == "【即将到期】到期解读" and "即将到期" in item["tags"] and item["date_modified"].startswith("2026-11-20")
    assert item["_policy"]["expires"] == "2026-12-20"


def test_a_replaced_entry_changes_on_the_day_its_successor_is_published(content):
    lapsing(content, "2030-01-01")
    write(content, "policies/successor.md", VALID_EXPLAINER.replace("测试解读", "新解读").replace("published: 2023-01-01", "published: 2026-11-20\nsupersedes: [lapsing]"))
    entry = lapsing_entry(content, TODAY)
    assert entry.findtext(f"{ATOM}title") == "【已被替代】到期解读"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-20T00:00:00+08:00"


def test_an_old_explainer_that_lapses_comes_back_to_the_top(content):
    days = dates_of(content, MAX_ENTRIES + 5)  # 55 newer explainers, one a day up to yesterday
    for path in (content / "policies").rglob("*.md"):  # unchanged since the first of them was published
        os.utime(path, (calendar.timegm(days[0].timetuple()),) * 2)
    lapsing(content, (TODAY - dt.timedelta(days=1)).isoformat())
    ids = [e.findtext(f"{ATOM}id") for e in etree.fromstring(feed_files(run_pipeline(content, TODAY), "政策解读", SITE_URL)["feed.xml"]).iter(f"{ATOM}entry")]
    assert len(ids) == MAX_ENTRIES and ids[0] == SITE_URL + "policies/lapsing/"  # lapsed today, published in 2023


def test_status_changes_are_reproducible_with_today(content):
    lapsing(content, "2026-12-20")
    first = feed_files(run_pipeline(content, dt.date(2026, 11, 23)), "政策解读", None)
    assert feed_files(run_pipeline(content, dt.date(2026, 11, 23)), "政策解读", None) == first
    assert feed_files(run_pipeline(content, dt.date(2026, 12, 25)), "政策解读", None)["feed.xml"] != first["feed.xml"]


def test_atom_files_name_the_stylesheets_relative_to_themselves(mini_site):
    files = feed_files(mini_site, "政策解读", SITE_URL)
    assert files["feed.xml"].startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="assets/feed.xsl"?>\n'
        b'<?xml-stylesheet type="text/css" href="assets/feed-atom.css"?>\n<feed '
    )
    assert b'<?xml-stylesheet type="text/xsl" href="../../assets/feed.xsl"?>' in files["regions/js-nj/feed.xml"]
    assert not any(b"xml-stylesheet" in data for name, data in files.items() if name.endswith(".json"))


THEME_ASSETS = ROOT / "build_tools/site/defaults/theme/assets"


@pytest.mark.parametrize("site_url", [None, SITE_URL])
def test_the_stylesheet_makes_a_readable_page(mini_site, site_url):
    """What a browser's XSLT makes of a department's feed: a Chinese page, entries as links, the way to the subscribe page."""
    transform = etree.XSLT(etree.parse(str(THEME_ASSETS / "feed.xsl")))
    data = feed_files(mini_site, "政策解读", site_url)["departments/js-fgw/feed.xml"]
    page = transform(etree.fromstring(data).getroottree())
    html = str(page)
    assert '<html lang="zh-CN">' in html and "<script" not in html and "style=" not in html
    assert "script-src 'none'" in html  # its own Content-Security-Policy: nothing runs
    assert '<link rel="stylesheet" href="../../assets/feed.css">' in html
    links = {a.text: a.get("href") for a in page.getroot().iter("a")}
    assert links["什么是订阅、用什么阅读器、全部订阅地址"] == "../../subscribe/"
    assert links["返回网站首页"] == "../.././"
    assert links["【已被替代】2022年稳经济措施解读"] == (SITE_URL if site_url else "../../") + "policies/economy-2022/"
    assert "江苏省发展改革委 · 更新于 " in html and "已被替代</span>" in html
    assert (SITE_URL + "departments/js-fgw/feed.xml" in html) is bool(site_url)  # an address to copy, when the feed knows it
    assert (THEME_ASSETS / "feed.css").is_file() and (THEME_ASSETS / "feed-atom.css").is_file()


def test_the_subscribe_page_explains_feeds_and_lists_them_all(mini_site):
    page = next(p for p in mini_site.pages if p.src_path == "subscribe/index.md").markdown
    for words in ("## 什么是订阅源", "## 怎样订阅", "## 用什么阅读器", "复制链接地址", "【即将到期】表示 30 天内到期"):
        assert words in page
    listed = set(re.findall(r'<a href="\.\./([^"]+)" type="application/(?:atom|feed)\+(?:xml|json)"', page))
    feeds = {name for name in feed_files(mini_site, "政策解读", None)}
    assert listed == feeds
    assert "<caption>按地区浏览</caption>" in page and "<caption>按适用对象浏览</caption>" in page


# --- links to the feeds ----------------------------------------------------


def test_list_pages_link_their_feeds(mini_site):
    pages = {page.src_path: page.markdown for page in mini_site.pages}
    for src, folder in (("departments/js-fgw.md", "departments/js-fgw/"), ("topics/tax.md", "topics/tax/")):
        assert f'feed_atom: "{folder}feed.xml"' in pages[src] and f'feed_json: "{folder}feed.json"' in pages[src]
        assert '<a href="feed.xml" type="application/atom+xml">Atom</a>' in pages[src]
        assert '<a href="feed.json" type="application/feed+json">JSON Feed</a>' in pages[src]
    assert '<a href="feed.xml" type="application/atom+xml">' in pages["index.md"]
    assert 'feed_atom: "audiences/sme/feed.xml"' in pages["audiences/sme.md"] and "pp-feeds" in pages["audiences/sme.md"]
    assert 'feed_atom: "regions/js-nj/feed.xml"' in pages["regions/js-nj.md"]
    assert "feed_atom" not in pages["years/2023.md"] and "pp-feeds" not in pages["years/2023.md"]
    assert '<a href="../../subscribe/">什么是订阅？</a>' in pages["departments/js-fgw.md"]


def test_built_pages_announce_feeds_in_the_head(built):
    def alternates(page: str) -> dict[str, str]:
        html = (built / page).read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        return {m.group(2): m.group(1) for m in re.finditer(r'<link rel="alternate(?: feed)?" type="([^"]+)" title="[^"]+" href="([^"]+)">', head)}

    department = alternates("departments/js-fgw/index.html")
    assert department == {"../../feed.xml": "application/atom+xml", "../../feed.json": "application/feed+json",
                          "feed.xml": "application/atom+xml", "feed.json": "application/feed+json"}
    for href in department:
        assert (built / "departments/js-fgw" / href).resolve().is_file()
    assert set(alternates("policies/economy-2023/index.html")) == {"../../feed.xml", "../../feed.json"}
    assert set(alternates("index.html")) == {"feed.xml", "feed.json"}


# --- sitemap ---------------------------------------------------------------


def test_sitemap_is_valid_and_has_real_dates(built, mini_site):
    data = (built / "sitemap.xml").read_bytes()
    root = etree.fromstring(data)
    assert SITEMAP_SCHEMA.validate(root), SITEMAP_SCHEMA.error_log
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    lastmod = {url.findtext(f"{ns}loc"): url.findtext(f"{ns}lastmod") for url in root.iter(f"{ns}url")}
    assert len(lastmod) == len(mini_site.pages)
    for slug, day in mini_site.last_changed.items():
        assert lastmod[f"{SITE_URL}policies/{slug}/"] == day.isoformat()
    assert lastmod[SITE_URL] is None and lastmod[f"{SITE_URL}topics/tax/"] is None  # lists: no made-up date
    assert not (built / "sitemap.xml.gz").exists()


def test_no_sitemap_without_a_site_url(tmp_path):
    """A sitemap needs absolute URLs: without site_url there is none (MkDocs's would have relative ones)."""
    build(BuildOptions(MINI, tmp_path / "site", tmp_path / "index", ROOT / "mkdocs.yml", TODAY))
    assert not list((tmp_path / "site").glob("sitemap.xml*"))
    assert (tmp_path / "site/feed.xml").is_file()


# --- last change -----------------------------------------------------------


def test_last_change_comes_from_git_in_one_call(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo / "content")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first", date="2025-01-10T10:00:00+08:00")
    page = repo / "content/policies/economy-2023.md"
    page.write_text(page.read_text(encoding="utf-8").replace("加大信贷投放。", "加大信贷投放力度。"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second", date="2025-06-01T09:30:00+08:00")
    new = write(repo / "content", "policies/not-committed.md", VALID_EXPLAINER)
    os.utime(new, (calendar.timegm((2025, 8, 8, 12, 0, 0)),) * 2)

    calls = []
    run = subprocess.run
    monkeypatch.setattr(history.subprocess, "run", lambda *a, **k: calls.append(a) or run(*a, **k))
    site = run_pipeline(repo / "content", TODAY)
    assert len(calls) == 1

    assert site.last_changed["economy-2023"] == dt.date(2025, 6, 1)
    assert site.last_changed["refund-2023"] == dt.date(2025, 1, 10)
    assert site.last_changed["loan-2027"] == dt.date(2026, 11, 1)  # not before it was published
    assert site.last_changed["not-committed"] == dt.date(2025, 8, 8)  # git does not know it: the file's time
    explainer = next(p for p in site.pages if p.src_path == "policies/economy-2023.md").markdown
    assert '<dt>最后更新</dt><dd><time datetime="2025-06-01">2025年6月1日</time></dd>' in explainer


def test_last_change_outside_git_is_the_file_time(content):
    os.utime(content / "policies/refund-2023.md", (calendar.timegm((2025, 2, 3, 12, 0, 0)),) * 2)
    os.utime(content / "policies/economy-2023.md", (calendar.timegm((2030, 1, 1, 0, 0, 0)),) * 2)
    assert history._git_dates(content) == {}
    site = run_pipeline(content, TODAY)
    assert site.last_changed["refund-2023"] == dt.date(2025, 2, 3)
    assert site.last_changed["economy-2023"] == TODAY  # never after the build date


# --- supersedes, both ways -------------------------------------------------


def test_superseding_and_superseded_pages_link_to_each_other(mini_site):
    pages = {page.src_path: page.markdown for page in mini_site.pages}
    new, old = pages["policies/economy-2023.md"], pages["policies/economy-2022.md"]
    replaced = new[new.index("## 替代的政策"):]
    assert 'href="../economy-2022/"' in replaced.split("##")[1]
    notice = old[old.index('<p class="admonition-title">已被替代</p>'):]
    assert 'href="../economy-2023/"' in notice.split("</div>")[0]
