"""The `policy` command: one thin function per subcommand over the library.

Exit codes: 0 success, 1 the content has errors, 2 wrong usage.

Modules only some subcommands need (MkDocs, the search engine, Pagefind,
templates, the CSV importer) are imported inside those subcommands, so that
`policy check`, which runs on every commit and in every CI job, starts fast.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from build_tools.authoring.codeowners import generate as generate_codeowners
from build_tools.authoring.codeowners import stale_diff
from build_tools.build.pipeline import check_content, run_pipeline
from build_tools.check import report
from build_tools.check.changes import affected_issues, changed_files
from build_tools.check.validity import DEFAULT_YEARS
from build_tools.errors import ContentError, Interrupted, PolicyError, file_system_error
from build_tools.load.cache import load_tree_cached
from build_tools.load.tree import QA_DIR
from build_tools.models import Issue, SessionKind
from build_tools.runtime.exit import end_now
from build_tools.search.request import ALL_STATUSES, KINDS, MAX_LIMIT, SORTS, STATUS_NAMES, SearchRequest, SearchResponse
from build_tools.text.redact import redact

CONTENT = click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Folder with policies/, qa/ and the registries.",
)
CONFIG = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The project's MkDocs settings, merged over the packaged defaults  [default: mkdocs.yml if present]",
)
INDEX = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("search_index"),
    show_default=True,
    help="The search index folder written by policy build.",
)
TODAY = click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Build date YYYY-MM-DD (default: today); the same date gives the same site."
)
VALIDITY_YEARS = click.option(
    "--validity-years",
    type=click.IntRange(min=0),
    default=DEFAULT_YEARS,
    show_default=True,
    help="Warn about a policy in force without expires that began more than this many years ago (0: never).",
)


def _require_folder(content_dir: Path) -> None:
    if not content_dir.is_dir():
        raise click.UsageError(f"找不到内容目录 {content_dir} / content folder {content_dir} not found: pass --content DIR")


def _date(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


class _Commands(click.Group):
    """The `policy` group: an error the user can fix (errors.PolicyError) becomes its message and exit code, here only."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyError as error:
            click.echo(_message_of(error), err=True)
            ctx.exit(error.exit_code)
        except OSError as error:  # no space, read-only, permission, quota: the user's to fix; else a bug
            problem = file_system_error(error)
            if problem is None:
                raise
            click.echo(_message_of(problem), err=True)
            ctx.exit(problem.exit_code)
        except Interrupted as interrupted:  # SIGTERM, SIGINT, SIGHUP: the build removed its folders
            click.echo(interrupted.message(), err=True)
            if ctx.find_root().obj is _PROGRAM:
                end_now(interrupted.exit_code)  # at once: SIGKILL may follow soon
            ctx.exit(interrupted.exit_code)


def _message_of(error: PolicyError) -> str:
    """What the user reads: every problem of the content with its file, line and fix; else the error's own message."""
    if isinstance(error, ContentError):
        return (
            f"{report.format_text(error.issues)}\n{report.summary(error.issues)}："
            "未写入任何文件，原有输出保持不变 / nothing was written; the previous output is unchanged"
        )
    prefix = "Usage error" if error.exit_code == 2 else "Error"
    return f"{prefix}: {error}"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="build-tools")
def cli() -> None:
    """Check, build and preview the policy explainer site (政策解读发布工具)."""


@cli.command()
@CONTENT
@TODAY
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(report.FORMATS)),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for tools.",
)
@click.option("--changed-since", metavar="REF", help="Check everything, but report only files changed since the git REF (and files that reference them).")
@click.option("--check-external", is_flag=True, help="Also request every http(s) link (needs the network; never on by default).")
@VALIDITY_YEARS
def check(content_dir: Path, today: dt.datetime | None, output_format: str, changed_since: str | None, check_external: bool, validity_years: int) -> None:
    """Check every explainer, Q&A session and registry; list all problems.

    Each problem is printed as `path:line: field: message`. Exit 0 when the
    content is clean (warnings allowed), 1 when it has errors. Warnings
    include FAQ answers whose policy has expired or been superseded on the
    --today date, and policies without expires that began more than
    --validity-years ago or whose text states a term that has passed.
    Broken internal links and missing images are errors;
    external links are requested only with --check-external.

    Example:

    \b
        policy check --content content --format github
        policy check --changed-since origin/main
        policy check --validity-years 3
    """
    _require_folder(content_dir)
    changed = _changed_files(changed_since, content_dir) if changed_since else None
    _, issues = check_content(content_dir, _date(today), validity_years)
    if changed is not None or check_external:
        issues = _narrowed_or_extended(issues, content_dir, changed, check_external)
    if changed is not None:
        click.echo(
            f"只列出自 {changed_since} 以来改动的文件及引用它们的文件中的问题 / only files changed since {changed_since} and files that reference them",
            err=True,
        )
    if issues:
        click.echo(report.FORMATS[output_format](issues))
    if output_format == "json" and not issues:
        click.echo("[]")
    if output_format == "text":
        click.echo(report.summary(issues), err=True)
    sys.exit(1 if any(i.is_error for i in issues) else 0)


def _changed_files(ref: str, content_dir: Path) -> set[Path]:
    return changed_files(ref, content_dir)


def _narrowed_or_extended(issues: list[Issue], content_dir: Path, changed: set[Path] | None, check_external: bool) -> list[Issue]:
    """The issues plus broken external links (if asked), then only those that concern the changed files."""
    tree = load_tree_cached(content_dir)
    if check_external:
        from build_tools.check.external import check_external as check_external_links
        from build_tools.check.external import external_places

        places = external_places(tree)
        click.echo(f"正在检查 {len({p.url for p in places})} 个外部链接 / requesting {len({p.url for p in places})} external link(s)…", err=True)
        issues = sorted([*issues, *check_external_links(places)], key=lambda i: (i.path, i.line))
    return affected_issues(issues, tree, changed) if changed is not None else issues


@cli.command()
@CONTENT
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".github/CODEOWNERS"),
    show_default=True,
    help="The CODEOWNERS file (GitLab: .gitlab/CODEOWNERS).",
)
@click.option(
    "--default-owner", "default_owners", multiple=True, metavar="OWNER", help="Reviewer of everything no department owns, registries included; repeatable."
)
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if the file is out of date (for CI).")
def codeowners(content_dir: Path, output: Path, default_owners: tuple[str, ...], check_only: bool) -> None:
    """Write CODEOWNERS from the owners: lists of departments.yml.

    Each explainer and Q&A session is reviewed by the owners of its
    departments. With --check, nothing is written: the command fails when
    the checked-in file differs from what it would write.

    Example:

        policy codeowners --default-owner @policy-editors --check
    """
    _require_folder(content_dir)
    content, issues = check_content(content_dir)
    if any(issue.is_error for issue in issues):
        click.echo(report.format_text(issues), err=True)
        raise click.ClickException("内容有错误，请先修正再生成 CODEOWNERS / the content has errors: fix them first (policy check)")
    text = generate_codeowners(content, Path.cwd(), default_owners)
    if check_only:
        _fail_if_stale(text, output)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {output}，请提交 / wrote {output}: commit it")


def _fail_if_stale(text: str, output: Path) -> None:
    diff = stale_diff(text, output)
    if diff is None:
        click.echo(f"{output} 是最新的 / {output} is up to date")
        return
    click.echo(diff, err=True)
    click.echo(
        f"{output} 已过期：请运行 make codeowners（或 policy codeowners）并提交 / "
        f"{output} is out of date: run make codeowners (or policy codeowners) and commit it",
        err=True,
    )
    sys.exit(1)


@cli.command()
@CONTENT
@click.option(
    "--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True, help="Where the static site is written."
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("search_index"),
    show_default=True,
    help="Where the search index is written.",
)
@CONFIG
@TODAY
@click.option("--no-wait", is_flag=True, help="When another build writes into the same folders, stop (exit 1) instead of waiting for it.")
@VALIDITY_YEARS
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".policy-cache"),
    show_default=True,
    help="Where the build record is kept: the next build re-does only what changed.",
)
@click.option("--full", is_flag=True, help="Build everything, without reading the build record (a new one is written).")
def build(
    content_dir: Path,
    site_dir: Path,
    index_dir: Path,
    config_file: Path | None,
    today: dt.datetime | None,
    no_wait: bool,
    validity_years: int,
    cache_dir: Path,
    full: bool,
) -> None:
    """Check, then write the static site and the search index.

    Both are written to a temporary folder and swapped in together at the
    end: when the content has errors, nothing is written and the previous
    site stays. Paths are read from the current folder. One build at a time
    writes into the same folders: a second one waits (or, with --no-wait,
    stops). The build record (--cache) lets the next build take what did not
    change from the last one; the result is the same, byte for byte, as with --full.

    Example:

        policy build --today 2026-11-23
    """
    from build_tools.build.build import BuildOptions
    from build_tools.build.build import build as build_site
    from build_tools.runtime.progress import Progress
    from build_tools.site.builder import check_site_config

    _require_folder(content_dir)
    check_site_config(config_file)  # a bad mkdocs.yml is reported before the content is checked
    started = time.monotonic()
    options = BuildOptions(
        content_dir, site_dir, index_dir, config_file, _date(today), wait=not no_wait, validity_years=validity_years, cache_dir=cache_dir, full=full
    )
    site = build_site(options, Progress.for_stream(sys.stderr), waiting=_say_waiting)
    if site.issues:
        click.echo(report.format_text(site.issues), err=True)
    click.echo(
        f"已生成 {len(site.explainers)} 篇解读、{len(site.content.sessions)} 场答疑、{len(site.pages)} 个页面 → {site_dir}/，"
        f"检索索引 → {index_dir}/（{time.monotonic() - started:.1f} 秒） / "
        f"built {len(site.pages)} pages into {site_dir}/ and the search index into {index_dir}/"
    )
    if click.get_current_context().find_root().obj is _PROGRAM:  # the `policy` program, not an in-process call
        end_now()  # without freeing the site's objects one by one (5 s at 20,000 explainers)


def _say_waiting(folder: Path) -> None:
    click.echo(f"另一个构建正在进行，等待… / another build is running, waiting… ({folder})", err=True)


@cli.command()
@CONTENT
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port on 127.0.0.1.")
@CONFIG
@TODAY
def serve(content_dir: Path, port: int, config_file: Path | None, today: dt.datetime | None) -> None:
    """Preview the site on http://127.0.0.1:PORT with live reload.

    Saving a file under the content folder rebuilds the site and reloads the
    browser; content errors are shown in the browser until they are fixed.

    Example:

        policy serve --port 8000
    """
    from build_tools.site.builder import serve_site

    _require_folder(content_dir)
    try:
        serve_site(config_file, content_dir, port, today.date() if today else None)
    except OSError as error:
        raise click.ClickException(f"无法在端口 {port} 上启动预览 / cannot serve on port {port}: {error.strerror}; try --port {port + 1}") from None


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--site-name", default="政策解读", show_default=True, help="The site's name, written into the new mkdocs.yml.")
def init(folder: Path, site_name: str) -> None:
    """Start a new project in FOLDER (new or empty): content, mkdocs.yml, CI templates.

    Writes content/ with minimal registries, an example explainer and an
    example Q&A session, a short mkdocs.yml (the site's name; the theme and
    every other setting come with the package), requirements.txt, the CI
    workflows for GitHub and GitLab and .gitignore. The new project passes
    `policy check` and builds as it is. A folder that is not empty is refused.

    Example:

    \b
        policy init my-site --site-name 示例市政策解读
        cd my-site && policy check && policy build
    """
    from build_tools.authoring.init import init_project

    written = init_project(folder, site_name)
    for path in written:
        click.echo(f"  {path}")
    click.echo(
        f"已创建项目 {folder}（{len(written)} 个文件）：进入该目录运行 policy check 和 policy serve，再替换示例内容 / "
        f"created the project {folder} ({len(written)} files): run policy check and policy serve in it, then replace the examples"
    )


@cli.command()
@click.argument("slug")
@click.option("--department", required=True, help="Department name or alias from departments.yml.")
@CONTENT
def new(slug: str, department: str, content_dir: Path) -> None:
    """Write a new explainer SLUG.md with every field filled in and explained.

    The file starts as a draft (draft: true) and passes `policy check` as
    written; replace the placeholders, then set draft: false to publish.

    Example:

        policy new sucrong-credit-loan --department 江苏省发展改革委
    """
    from build_tools.authoring.new import new_explainer

    _require_folder(content_dir)
    content, issues = check_content(content_dir)
    path = new_explainer(content, slug, department, dt.date.today())
    click.echo(f"已创建 {path}：请填写占位内容，完成后将 draft 改为 false / created {path}: fill in the placeholders, then set draft: false")


@cli.command()
@click.argument("query", required=False, default="")
@INDEX
@click.option("--department", help="Only this department (its registry name).")
@click.option("--topic", help="Only this topic, e.g. 金融.")
@click.option("--audience", help="Only this audience, e.g. 中小企业.")
@click.option("--region", help="This region, its sub-regions and the levels above it (全国).")
@click.option("--status", type=click.Choice([*STATUS_NAMES, ALL_STATUSES]), help="Only this status (all: every status).")
@click.option("--kind", type=click.Choice(KINDS), help="policy: explainers without the answers block; faq: FAQ entries alone.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the search API returns.")
def search(query: str, index_dir: Path, as_json: bool, **filters) -> None:
    """Search the index: Chinese words, 文号, traditional or simplified script.

    Prints the related FAQ answers (相关问答, up to 3), then the explainers with
    their highlighted snippets and the counts per department, topic,
    audience, region, status, kind and year. With no QUERY, lists everything
    that matches the filters, newest first.

    Example:

        policy search 疫情期间社保能缓缴吗 --region 江苏省 --status 现行有效
    """
    from build_tools.search.engine import Engine

    request = SearchRequest(query=query.strip(), **filters)
    request.validate()
    engine = Engine(index_dir)
    response = engine.search(request)
    engine.close()
    if as_json:
        click.echo(json.dumps(response.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_response(response))


def format_response(response: SearchResponse) -> str:
    """Results for a terminal: the related answers, the results with matched words in 【】, then facet counts."""
    lines = []
    if response.answers:
        lines.append("相关问答 / related answers")
        for answer in response.answers:
            policy = f"（依据：{answer.policy['title']} · {answer.policy['url']}）" if answer.policy else ""
            lines += [f"  问：{answer.question}", f"  答：{answer.answer}{policy}"]
        lines.append("")
    lines.append(f"共 {response.total} 条结果 / {response.total} result(s)")
    for number, hit in enumerate(response.results, start=1):
        snippet = html.unescape(hit.snippet.replace("<mark>", "【").replace("</mark>", "】"))
        badges = "".join(f" [{badge}]" for badge in hit.extra.get("badges", ()))
        lines += [f"{number}. {hit.title}  [{hit.status}]{badges}", f"   {hit.department} · {hit.region} · {hit.published} · {hit.url}"]
        apply = [f"{label}：{hit.extra[key]}" for key, label in (("deadline", "申报截止"), ("amount", "扶持标准")) if key in hit.extra]
        if apply:  # how to apply, when the explainer says
            lines.append("   " + " · ".join(apply))
        lines.append(f"   {snippet}")
        if hit.twin:  # its version in the other script, folded into this result
            lines.append(f"   {hit.twin['script']}体版: {hit.twin['title']} · {hit.twin['url']}")
    if response.hidden_by_status:
        count = response.hidden_by_status
        lines.append(f"另有 {count} 条已失效的相关政策（加 --status all 查看） / {count} more matching polic(ies) of another status: add --status all")
    for suggestion in response.suggestions:
        if suggestion["type"] == "correction":
            lines.append(f"您是不是要找：{suggestion['query']}（{suggestion['total']} 条） / did you mean: {suggestion['query']}")
        else:
            lines.append(
                f"去掉筛选条件 {', '.join(suggestion['without_filters'])} 可找到 {suggestion['total']} 条 / "
                f"without these filters: {suggestion['total']} result(s)"
            )
    for name, counts in response.facets.items():
        if counts:
            lines.append(f"{name}: " + "  ".join(f"{value} ({count})" for value, count in list(counts.items())[:8]))
    return "\n".join(lines)


@cli.command()
@INDEX
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; keep 127.0.0.1 behind a web server.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Server processes sharing the port: one per core to use them all.")
def api(index_dir: Path, host: str, port: int, workers: int) -> None:
    """Serve the search API on its own: GET /api/search?q=…&topic=…&region=…&limit=….

    Returns the same JSON as `policy search --json`; at most 100 results per
    page; a bad parameter gets a 400 with a message. Rebuilding the index
    with `policy build` is picked up without a restart. Searches run side by
    side; --workers N starts N processes (uvicorn's workers) to use N cores.

    Example:

        policy api --index search_index --port 8001 --workers 2
    """
    import uvicorn

    from build_tools.search.api import INDEX_VARIABLE

    os.environ[INDEX_VARIABLE] = str(index_dir.absolute())  # each worker opens the index it names
    uvicorn.run(
        "build_tools.search.api:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        log_level="info",
    )


@cli.command("report")
@CONTENT
@TODAY
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for a CI job summary, json for tools.",
)
def report_command(content_dir: Path, today: dt.datetime | None, output_format: str) -> None:
    """List what needs an editor's work on the --today date (the editors' work queue).

    Explainers expiring within 30 days, expired ones without a successor,
    FAQ answers resting on a lapsed policy (grouped by policy), FAQ entries
    whose answer rests on no named or confirmed explainer, explainers in
    force without FAQ answers, departments and topics with nothing in force,
    and explainers in force without an apply: block; each with its file and
    line. Exit 0 whatever it lists; 1 when the content has errors.

    Example:

    \b
        policy report --today 2026-11-23
        policy report --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from build_tools.worklist.formats import FORMATS
    from build_tools.worklist.queue import work_queue

    _require_folder(content_dir)
    click.echo(FORMATS[output_format](work_queue(content_dir, _date(today))))


@cli.group()
def faq() -> None:
    """The FAQ assembled from all Q&A sessions: ask it, review its links, import exports."""


@faq.command("ask")
@click.argument("question")
@INDEX
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with each entry's ask count and sources.")
def faq_ask(question: str, index_dir: Path, limit: int, as_json: bool) -> None:
    """The existing FAQ entries closest to a new QUESTION, with scores and sources.

    For the people who answer new questions: reuse an answer that exists.
    The search API answers the same at /api/faq?q=….

    Example:

        policy faq ask "疫情期间社保可以缓缴吗？" --limit 3
    """
    from build_tools.search.engine import Engine

    engine = Engine(index_dir)
    response = engine.search(SearchRequest(query=question, kind="faq", limit=limit))
    engine.close()
    if as_json:
        click.echo(json.dumps(response.to_json(with_extra=True), ensure_ascii=False, indent=2))
        return
    lines = [f"最接近的 {len(response.results)} 个已有问答 / closest existing entries:"]
    for number, hit in enumerate(response.results, start=1):
        lines.append(f"{number}. {hit.title}  （相关度 {hit.score:.1f}，被问及 {hit.extra.get('ask_count', 1)} 次） {hit.url}")
        for source in hit.extra.get("sources", [])[:3]:
            lines.append(f"   {source['date']} {source['title']} {source['department']}".rstrip())
    click.echo("\n".join(lines))


@faq.command("links")
@CONTENT
@TODAY
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "yaml"]),
    default="text",
    show_default=True,
    help="yaml prints entries ready to paste into content/faq-links.yml.",
)
def faq_links(content_dir: Path, today: dt.datetime | None, output_format: str) -> None:
    """List suggested links between FAQ entries and explainers, for an editor to decide.

    An entry whose sessions name no policy gets a suggestion from search.
    Confirm or reject it in content/faq-links.yml (decision: confirmed or
    rejected); `--format yaml` prints the lines to start from.

    Example:

        policy faq links --format yaml >> content/faq-links.yml
    """
    _require_folder(content_dir)
    site = run_pipeline(content_dir, _date(today))
    titles = {e.slug: e.title for e in site.explainers}
    suggested = [(entry, link) for entry in site.faq for link in entry.links if link.kind.value == "suggested"]
    for entry, link in suggested:
        question = redact(entry.question)
        if output_format == "yaml":
            click.echo(f"- entry: {entry.id}   # {question}\n  policy: {link.slug}   # {titles[link.slug]}\n  decision: confirmed   # or rejected")
        else:
            click.echo(f"{entry.id}  {question}\n    → {link.slug}  {titles[link.slug]}  (覆盖度 / coverage {link.score:.2f})")
    click.echo(f"{len(suggested)} 条推荐关联待确认 / suggested link(s) to review", err=True)


@faq.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["board", "hotline"]), required=True, help="A message-board or a hotline export.")
@CONTENT
@click.option("--slug", help="File name of the new session (default: KIND-DATE).")
@click.option("--title", help="Title of the session (default from kind and date).")
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), help="Session date (default: the newest row date).")
def faq_import(csv_file: Path, kind: str, content_dir: Path, slug: str | None, title: str | None, date: dt.datetime | None) -> None:
    """Turn a message-board or hotline CSV export into a Q&A session file.

    Reads UTF-8 or GBK, with headers such as 问题/question, 答复/answer,
    日期/date, 答复单位/department, 提问人/asker, 详情/details. Every bad row
    is reported with its row number and nothing is written; personal data is
    redacted before the file is written.

    Example:

        policy faq import export.csv --kind board --title "市长信箱留言答复（2024年3月）"
    """
    from build_tools.authoring.faq_import import import_export

    _require_folder(content_dir)
    content, _ = check_content(content_dir)
    path = import_export(csv_file, SessionKind(kind), content.departments, content_dir / QA_DIR, slug, title, date.date() if date else None)
    click.echo(f"已写入 {path}：请检查后提交 / wrote {path}: review it, then commit")


_PROGRAM = object()  # the context object of the `policy` program (main), not of an in-process call


def main() -> None:
    """Entry point: no traceback reaches the user unless POLICY_DEBUG is set."""
    try:
        cli(prog_name="policy", obj=_PROGRAM)
    except Exception as error:  # a bug, not bad input: say so briefly
        if os.environ.get("POLICY_DEBUG"):
            raise
        click.echo(
            f"内部错误 / internal error: {type(error).__name__}: {error}. "
            "请报告此问题；设置 POLICY_DEBUG=1 可查看详情 / please report it; set POLICY_DEBUG=1 for details",
            err=True,
        )
        sys.exit(70)
