"""check/links.py and check/external.py: planted broken links, missing images, external links on request."""

from __future__ import annotations

import http.server
import threading

import pytest

from conftest import VALID_EXPLAINER, run_policy, write


def run_check(folder, *args: str):
    return run_policy(folder, "check", *args)


BODY = """\
见[上一年的措施](economy-2022.md#要点)和[答疑](../qa/live-2023.md)，[财税主题](../../topics/tax/)。
另见[不存在](economy-2019.md)与[按文件夹写](../jiangsu/refund-2023.md)。
![流程图](../images/flow.png)
![样式](../assets/policy.css)
[站外](https://www.example.gov.cn/) [邮件](mailto:a@example.gov.cn) [本页](#办理流程)
[绝对路径](/policies/economy-2023/)

`[代码里](nowhere.md)`

```
[代码块里](nowhere.md)
```

[ref]: loan-2027x.md
<img src="../images/seal.png" alt="印章">
"""


def test_planted_broken_links_fail_with_file_line_and_fix(project):
    write(project / "content", "policies/links.md", VALID_EXPLAINER.replace("正文。\n", BODY))
    result = run_check(project)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/policies/links.md:11: body: 链接“economy-2019.md”指向的页面不存在，是否应为：economy-2023、economy-2022、loan-2027 / link 'economy-2019.md' names a page that does not exist; did you mean: economy-2023, economy-2022, loan-2027",
        "content/policies/links.md:11: body: 链接“../jiangsu/refund-2023.md”在网站上找不到页面，请写成 refund-2023.md / link '../jiangsu/refund-2023.md' names no page of the site: write it as refund-2023.md (links are relative to the page, not to the file's folder)",
        "content/policies/links.md:12: body: 找不到图片文件“../images/flow.png”，请把文件放到 static/images/ 下，并写成 ../images/文件名 / image '../images/flow.png' not found: put the file in static/images/ and link it as ../images/<file name>",
        "content/policies/links.md:15: body: 链接“/policies/economy-2023/”以 / 开头，网站不在根路径时会失效，请改用相对路径 / link '/policies/economy-2023/' starts with '/', which breaks when the site is not at the root of its host: write a relative path",
        "content/policies/links.md:23: body: 链接“loan-2027x.md”指向的页面不存在，是否应为：loan-2027、economy-2023、economy-2022 / link 'loan-2027x.md' names a page that does not exist; did you mean: loan-2027, economy-2023, economy-2022",
        "content/policies/links.md:24: body: 找不到图片文件“../images/seal.png”，请把文件放到 static/images/ 下，并写成 ../images/文件名 / image '../images/seal.png' not found: put the file in static/images/ and link it as ../images/<file name>",
    ]


def test_an_image_in_the_static_folder_passes(project):
    write(project / "static/images", "flow.png", b"\x89PNG")
    write(project / "content", "policies/links.md", VALID_EXPLAINER.replace("正文。\n", "![流程图](../images/flow.png)\n"))
    assert run_check(project).exit_code == 0


def test_an_image_from_another_site_is_an_error_the_security_policy_would_hide_it(project):
    body = "![流程图](https://www.example.gov.cn/flow.png)\n\n<img src=\"http://example.com/seal.png\">\n"
    write(project / "content", "policies/links.md", VALID_EXPLAINER.replace("正文。\n", body))
    result = run_check(project)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "另一个" in line or "别的网站" in line]
    assert [line.split(": body: ")[0] for line in lines] == ["content/policies/links.md:10", "content/policies/links.md:12"]
    assert all("static/images/" in line for line in lines)


def test_links_in_sessions_are_checked_from_their_page(project):
    session = (project / "content/qa/live-2023.md").read_text(encoding="utf-8")
    write(project / "content", "qa/live-2023.md", session + "\n详见[解读](../policies/economy-2023.md)和[错误](economy-2023.md)。\n")
    result = run_check(project)
    assert result.exit_code == 1
    assert "write it as ../policies/economy-2023.md" in result.stdout
    assert result.stdout.count("\n") == 1


def test_related_slug_that_does_not_exist_fails_with_its_line(project):
    text = VALID_EXPLAINER.replace("published: 2023-01-01", "published: 2023-01-01\nrelated: [refund-2033]")
    write(project / "content", "policies/rel.md", text)
    result = run_check(project)
    assert result.exit_code == 1
    assert result.stdout.startswith("content/policies/rel.md:8: related: 找不到政策解读“refund-2033”，是否应为：refund-2023")


class _Handler(http.server.BaseHTTPRequestHandler):
    """A tiny site: /ok answers, /gone is missing, /no-head refuses HEAD but answers GET."""

    def do_HEAD(self):
        self.send_response({"/ok": 200, "/no-head": 405}.get(self.path, 404))
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _offline(content):
    """The fixture's own external link points at a host that does not exist: drop it."""
    path = content / "policies/economy-2023.md"
    path.write_text("\n".join(l for l in path.read_text(encoding="utf-8").split("\n") if "https://" not in l), encoding="utf-8")


def test_external_links_are_requested_only_when_asked(project, web):
    _offline(project / "content")
    body = f"[好]({web}/ok) [拒绝 HEAD]({web}/no-head) [没了]({web}/gone)\n<{web}/gone>\n"
    text = VALID_EXPLAINER.replace("正文。\n", body).replace("published: 2023-01-01", f"published: 2023-01-01\npolicy:\n  title: 文件\n  url: {web}/gone")
    write(project / "content", "policies/ext.md", text)
    assert run_check(project).exit_code == 0
    result = run_check(project, "--check-external")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"content/policies/ext.md:10: policy.url: 外部链接无法访问（HTTP 404）：请核对网址，或改为仍有效的地址 / external link {web}/gone is broken (HTTP 404): check the address or replace it",
        f"content/policies/ext.md:13: body: 外部链接无法访问（HTTP 404）：请核对网址，或改为仍有效的地址 / external link {web}/gone is broken (HTTP 404): check the address or replace it",
        f"content/policies/ext.md:14: body: 外部链接无法访问（HTTP 404）：请核对网址，或改为仍有效的地址 / external link {web}/gone is broken (HTTP 404): check the address or replace it",
    ]
    assert "requesting 3 external link(s)" in result.stderr


def test_an_unreachable_host_is_reported_not_raised(project):
    _offline(project / "content")
    write(project / "content", "policies/ext.md", VALID_EXPLAINER.replace("正文。\n", "[断开](http://127.0.0.1:9/)\n"))
    result = run_check(project, "--check-external")
    assert result.exit_code == 1
    assert "content/policies/ext.md:10: body: 外部链接无法访问（无法连接 / cannot connect:" in result.stdout
    assert "Traceback" not in result.output
