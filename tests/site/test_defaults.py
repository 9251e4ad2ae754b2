"""site/defaults/ and site/builder.py: the site's settings and theme ship with the package; a project's mkdocs.yml overrides only what it sets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import MINI, TODAY, run_installed, run_policy, write

from build_tools.site.builder import DEFAULT_CONFIG, THEME, load_site_config, merged

DEFAULTS = DEFAULT_CONFIG.parent


def _packaged_files() -> list[str]:
    return sorted(p.relative_to(DEFAULTS).as_posix() for p in DEFAULTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_the_wheel_ships_the_default_config_and_the_whole_theme(installed_package):
    shipped = set(zipfile.ZipFile(installed_package.wheel).namelist())
    assert {"mkdocs.yml", "theme/main.html", "theme/assets/policy.css", "theme/assets/sitesearch-query.js"} <= set(_packaged_files())
    assert {f"build_tools/site/defaults/{name}" for name in _packaged_files()} <= shipped


def test_the_installed_package_builds_a_folder_holding_only_content(installed_package, tmp_path):
    # A user's folder: content/ and nothing else (no mkdocs.yml, no theme), built by the package installed from its wheel.
    shutil.copytree(MINI, tmp_path / "content")
    where = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(installed_package.folder)!r}); "
                            "import build_tools.site.builder as b; print(b.DEFAULT_CONFIG)"], capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed_package.folder)  # the installed code, not the sources
    result = run_installed(installed_package, tmp_path, "build", "--today", TODAY)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".policy-cache", "content", "search_index", "site"]
    site = tmp_path / "site"
    for page in ("index.html", "policies/economy-2023/index.html", "qa/live-2023/index.html", "faq/index.html", "search/index.html",
                 "departments/js-fgw/index.html", "404.html", "feed.xml", "feed.json"):
        assert (site / page).is_file(), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="assets/policy.css">' in home  # the defaults' extra_css
    assert '<link rel="alternate feed" type="application/atom+xml" title="政策解读（Atom）" href="feed.xml">' in home  # our main.html
    for asset in sorted((THEME / "assets").iterdir()):
        assert (site / "assets" / asset.name).read_bytes() == asset.read_bytes(), asset.name
    assert (site / "pagefind/pagefind.js").is_file() and list((site / "pagefind").rglob("*.pf_fragment"))
    assert list((tmp_path / "search_index").glob("_MAIN_*.toc"))
    search = run_installed(installed_package, tmp_path, "search", "贷款", "--json")
    assert search.returncode == 0 and json.loads(search.stdout)["total"] > 0


def _html_and_feeds(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
            if p.suffix in {".html", ".xml", ".json"} and "pagefind" not in p.parts}


def test_a_mkdocs_yml_that_sets_only_site_name_changes_only_the_site_name(tmp_path):
    shutil.copytree(MINI, tmp_path / "content")
    assert run_policy(tmp_path, "build", "--today", TODAY, "--site", "defaults", "--index", "i1").exit_code == 0  # no mkdocs.yml
    write(tmp_path, "mkdocs.yml", "site_name: 示例市政策解读\n")
    result = run_policy(tmp_path, "build", "--today", TODAY, "--site", "named", "--index", "i2")
    assert result.exit_code == 0, result.output
    defaults, named = _html_and_feeds(tmp_path / "defaults"), _html_and_feeds(tmp_path / "named")
    assert "<title>政策解读 - 示例市政策解读</title>" in named["index.html"]
    assert '<link rel="stylesheet" href="assets/policy.css">' in named["index.html"]  # still our theme and settings
    assert 'title="示例市政策解读（Atom）"' in named["index.html"] and 'class="md-tabs' in named["index.html"]
    assert named.keys() == defaults.keys()
    assert {path: text.replace("示例市政策解读", "政策解读") for path, text in named.items()} == defaults


def test_a_project_overrides_templates_and_adds_static_files(project):
    write(project, "overrides/partials/copyright.html", "<div class=\"md-copyright\">示例市人民政府版权所有</div>\n")
    write(project, "static/images/seal.png", b"\x89PNG")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "theme:\n  custom_dir: overrides\n", encoding="utf-8")
    result = run_policy(project, "build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert "示例市人民政府版权所有" in home  # the project's template, above ours
    assert 'title="政策解读（Atom）"' in home and (project / "site/assets/policy.css").is_file()  # ours, above Material
    assert (project / "site/images/seal.png").read_bytes() == b"\x89PNG"


@pytest.mark.parametrize("text, expected", [
    ("site_name: [政策\n", "mkdocs.yml:2: 不是有效的 YAML，请修正 / not valid YAML: fix the file"),
    ("- site_name\n", "mkdocs.yml: 内容应为“键: 值”形式的设置"),
    ("use_directory_urls: maybe\n", "mkdocs.yml: use_directory_urls: Expected type: <class 'bool'> but received: <class 'str'>\n请修正 "
                                    "mkdocs.yml 中的这些设置（删除某项即用默认值） / fix these settings in mkdocs.yml (a setting left out takes its default)"),
    ("docs_dir: pictures\n", "isn't an existing directory"),
    ("plugins: [search]\n", "mkdocs.yml: plugins 中缺少 policy"),
    ("INHERIT: base.yml\n", "mkdocs.yml: INHERIT 指向的文件 base.yml 不存在"),
])
def test_a_bad_mkdocs_yml_is_reported_with_its_file_and_fix_before_the_content_is_checked(content, text, expected):
    write(content.parent, "mkdocs.yml", text)
    result = run_policy(content.parent, "build", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and expected in result.stderr
    assert "检查内容" not in result.stderr  # before the content: no step ran
    assert not (content.parent / "site").exists()


def test_the_project_config_is_merged_over_the_defaults_as_mkdocs_merges_inherit(tmp_path):
    assert merged({"a": {"b": 1, "c": [1]}, "d": 1}, {"a": {"c": [2]}, "e": 2}) == {"a": {"b": 1, "c": [2]}, "d": 1, "e": 2}
    write(tmp_path, "mkdocs.yml", "site_url: https://www.example.gov.cn/policy/\ntheme:\n  palette:\n    primary: blue\nextra:\n  analytics: false\n")
    (tmp_path / "empty").mkdir()
    config = load_site_config(tmp_path / "mkdocs.yml", no_static=tmp_path / "empty")
    assert config.site_url == "https://www.example.gov.cn/policy/" and config.site_name == "政策解读"
    assert config.theme["palette"] == {"primary": "blue", "accent": "red"} and config.theme["language"] == "zh"
    assert dict(config.extra) == {"generator": False, "analytics": False}
    assert [name for name in config.plugins] == ["policy"] and config.docs_dir == str(tmp_path / "empty")  # no static/: the stand-in
    assert config.theme.dirs[0] == str(THEME) and "material" in config.theme.dirs[1]
