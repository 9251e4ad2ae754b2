"""Site: write the generated pages as a static site with MkDocs + Material.

The only writer that knows MkDocs (with plugin.py and serving.py). Its
configuration is the package's defaults (defaults/mkdocs.yml; the theme,
defaults/theme/, holds main.html and the site's CSS and scripts) with the
project's own mkdocs.yml, when it has one, deep-merged over them
(`load_site_config`). It hands the pipeline's Site to the `policy` plugin
and builds into the folder it is given; `build.py` makes that folder a
staged one and swaps it in.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from build_tools.errors import PolicyError
from build_tools.models import Site

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from build_tools.site.keptpages import PageReuse
    from build_tools.site.plugin import PolicyPlugin

DEFAULTS = Path(__file__).resolve().parent / "defaults"
DEFAULT_CONFIG = DEFAULTS / "mkdocs.yml"  # every setting of the site; a project's mkdocs.yml overrides some
THEME = DEFAULTS / "theme"  # main.html and assets/: always used, above Material
PROJECT_CONFIG = Path("mkdocs.yml")  # the project's own settings, in the folder policy runs in

log = logging.getLogger("mkdocs.plugins.policy")


class SiteConfigError(PolicyError):
    """The project's MkDocs configuration cannot be used; the message names the file and the fix."""


def write_site(site: Site, folder: Path, config_file: Path | None, kept: PageReuse | None = None) -> None:
    """Render `site` into `folder` with the packaged defaults and `config_file` (None: ./mkdocs.yml if there is one).

    With `kept`, the pages whose HTML the build record holds are not rendered but linked in from it,
    and every page's HTML is kept in the new record (keptpages.py)."""
    from mkdocs.commands.build import build

    project_file = project_config(config_file)
    with _quiet_mkdocs(), build_date(site.today), tempfile.TemporaryDirectory(prefix="policy-static-") as no_static:
        config = load_site_config(project_file, no_static=Path(no_static), site_dir=str(folder))
        plugin = _policy_plugin(config, project_file)
        plugin.prepared_site, plugin.kept_pages = site, kept
        config.plugins.on_startup(command="build", dirty=False)
        build(config, dirty=kept is not None and bool(kept.kept))
        if kept is not None:
            kept.finish(folder, plugin.outputs)


def settings_fingerprint(config_file: Path | None) -> dict[str, str]:
    """Hashes of what every page shares besides the package: the settings (the project's file with the
    files it INHERITs, merged over the defaults) and the project's own theme folder (`theme.custom_dir`)."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader

    project_file = project_config(config_file)
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=os.path.abspath(project_file) if project_file else None))
    settings = merged(_read_config(DEFAULT_CONFIG, loader), _read_config(project_file, loader) if project_file else {})
    theme = hashlib.sha256()
    custom = (settings.get("theme") or {}).get("custom_dir") if isinstance(settings.get("theme"), dict) else None
    if custom:
        folder = (project_file.parent if project_file else Path()) / str(custom)
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                theme.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return {
        "settings": hashlib.sha256(json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest(),
        "theme": theme.hexdigest(),
    }


def check_site_config(config_file: Path | None) -> None:
    """Raise SiteConfigError now, before a long build, when the project's configuration cannot be used (`write_site` would)."""
    project_file = project_config(config_file)
    with _quiet_mkdocs(logging.ERROR), tempfile.TemporaryDirectory(prefix="policy-static-") as no_static:  # its warnings: once, by the build
        _policy_plugin(load_site_config(project_file, no_static=Path(no_static)), project_file)


def project_config(config_file: Path | None) -> Path | None:
    """The project's config file: `config_file`, which must exist; None: ./mkdocs.yml, or None without one (the defaults alone)."""
    if config_file is None:
        return PROJECT_CONFIG if PROJECT_CONFIG.is_file() else None
    if not config_file.is_file():
        raise SiteConfigError(
            f"找不到 {config_file}，请检查 --config 的路径；不加 --config 时使用当前目录的 mkdocs.yml（没有则用默认配置） / "
            f"{config_file} not found: check the --config path, or leave --config out to use mkdocs.yml "
            "of the current folder (without one, the packaged defaults)"
        )
    return config_file


def load_site_config(config_file: Path | None, *, no_static: Path | None = None, **options: Any) -> MkDocsConfig:
    """The site's MkDocs configuration: the packaged defaults, `config_file` merged over them, then `options`.

    `config_file` is deep-merged as MkDocs merges an INHERIT-ed file (the keys
    it sets win; mappings merge key by key, lists are replaced); its relative
    paths are read from its folder (None: the defaults alone, read from the
    current folder). `options` replace top-level keys, as the keyword
    arguments of MkDocs' `load_config` do (`site_dir=…`). When the static
    folder (`docs_dir`) is the default one and does not exist, the empty
    folder `no_static` stands in for it. Our theme is added before Material,
    after the project's own `theme.custom_dir` if it sets one.
    """
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader

    config = MkDocsConfig(config_file_path=os.path.abspath(config_file) if config_file else None)
    loader = get_yaml_loader(config=config)  # !ENV and !relative, as MkDocs reads its own file
    project = _read_config(config_file, loader) if config_file else {}
    options = {key: value for key, value in options.items() if value is not None}
    data = {**merged(_read_config(DEFAULT_CONFIG, loader), project), **options}
    project_folder = config_file.parent if config_file else Path()
    if no_static is not None and "docs_dir" not in project and "docs_dir" not in options and not (project_folder / data["docs_dir"]).is_dir():
        data["docs_dir"] = str(no_static)  # the project has no static files (images) of its own: nothing to copy
    config.load_dict(data)
    errors, warnings = config.validate()
    where = config_file or DEFAULT_CONFIG
    for name, warning in warnings:
        log.warning("%s: %s: %s", where, name, warning)
    if errors or (config.strict and warnings):
        problems = "\n".join(f"{where}: {name}: {problem}" for name, problem in (errors or warnings))
        left_out = ("（删除某项即用默认值）", " (a setting left out takes its default)") if config_file else ("", "")
        raise SiteConfigError(f"{problems}\n请修正 {where} 中的这些设置{left_out[0]} / fix these settings in {where}{left_out[1]}")
    config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
    return config


def merged(base: dict, over: dict) -> dict:
    """`over` deep-merged into a copy of `base`, as MkDocs merges a file into the one it INHERITs: mappings key by key, anything else replaced."""
    result = dict(base)
    for key, value in over.items():
        both_mappings = isinstance(result.get(key), dict) and isinstance(value, dict)
        result[key] = merged(result[key], value) if both_mappings else value
    return result


def _read_config(path: Path, loader: Any) -> dict:
    """The settings of one YAML file, with the file it INHERITs (relative to it) merged under them."""
    from mkdocs.exceptions import ConfigurationError

    try:
        with open(path, "rb") as stream:
            data = yaml.load(stream, Loader=loader)
    except ConfigurationError as error:  # a bad !relative
        raise SiteConfigError(f"{path}: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise SiteConfigError(f"{path}{line}: 不是有效的 YAML，请修正 / not valid YAML: fix the file ({getattr(error, 'problem', None) or error})") from None
    except OSError as error:
        raise SiteConfigError(f"无法读取 {path} / cannot read {path}: {error.strerror}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteConfigError(
            f"{path}: 内容应为“键: 值”形式的设置，例如 site_name: 政策解读 / must hold settings as `key: value` lines, e.g. site_name: 政策解读"
        )
    if "INHERIT" in data:
        parent = path.parent / str(data.pop("INHERIT"))
        if not parent.is_file():
            raise SiteConfigError(f"{path}: INHERIT 指向的文件 {parent} 不存在 / INHERIT names {parent}, which does not exist: fix the path or remove INHERIT")
        data = merged(_read_config(parent, loader), data)
    return data


def _policy_plugin(config: MkDocsConfig, config_file: Path | None) -> PolicyPlugin:
    from build_tools.site.plugin import PolicyPlugin

    plugin = config.plugins.get("policy")
    if not isinstance(plugin, PolicyPlugin):
        raise SiteConfigError(
            f"{config_file or DEFAULT_CONFIG}: plugins 中缺少 policy，生成的页面不会被使用；"
            "请把 policy 加入 plugins，或删除 plugins 以使用默认值 / "
            "add 'policy' to plugins so the generated pages are used, or remove plugins to keep the default"
        )
    return plugin


@contextlib.contextmanager
def build_date(today: dt.date) -> Iterator[None]:
    """Dates MkDocs writes (sitemap, footer) follow the build date, for reproducible output."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(today.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextlib.contextmanager
def _quiet_mkdocs(level: int = logging.WARNING) -> Iterator[None]:
    """MkDocs logs only from `level` up while the block runs."""
    logger = logging.getLogger("mkdocs")
    before = logger.level
    logger.setLevel(level)
    building = logging.getLogger("mkdocs.commands.build")
    building.addFilter(_not_dirty_warning)  # a build with kept pages is dirty on purpose (keptpages.py)
    try:
        yield
    finally:
        logger.setLevel(before)
        building.removeFilter(_not_dirty_warning)


def serve_site(config_file: Path | None, content_dir: Path, port: int, today: dt.date | None) -> None:
    """Preview on 127.0.0.1 with live reload: a saved change to content/ rebuilds and reloads."""
    from mkdocs.commands.serve import serve

    from build_tools.site.plugin import PolicyPlugin

    project_file = project_config(config_file)
    PolicyPlugin.overrides = {"content_dir": str(content_dir.resolve()), "today": today.isoformat() if today else ""}
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    handler.addFilter(_not_dirty_warning)
    with tempfile.TemporaryDirectory(prefix="policy-static-") as no_static, _serve_loads_site_config(project_file, Path(no_static)):
        # dirty: MkDocs rebuilds only the pages the policy plugin reports as changed (build/preview.py)
        serve(None, livereload=True, build_type="dirty", dev_addr=f"127.0.0.1:{port}")


@contextlib.contextmanager
def _serve_loads_site_config(project_file: Path | None, no_static: Path) -> Iterator[None]:
    """While MkDocs serves, each of its builds loads `load_site_config` (mkdocs.yml is read again after a save).

    MkDocs' serve reads its configuration with `load_config` before every
    build, and has no other way in. A bad config at the start ends the
    command with its message; after a save, MkDocs prints the message and
    waits for the next save (mkdocs' Abort).
    """
    from mkdocs.commands import serve as serving
    from mkdocs.exceptions import Abort

    loads = 0

    def load_config(config_file: Any = None, **options: Any) -> MkDocsConfig:  # serve passes None: ours is project_file
        nonlocal loads
        loads += 1
        try:
            config = load_site_config(project_file, no_static=no_static, **options)
            _policy_plugin(config, project_file)
            return config
        except SiteConfigError as error:
            if loads == 1:
                raise
            raise Abort(str(error)) from None

    original, serving.load_config = serving.load_config, load_config
    try:
        yield
    finally:
        serving.load_config = original


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    """The preview builds dirty on purpose: MkDocs' warning about it would follow every save."""
    return "'dirty' build" not in record.getMessage()
