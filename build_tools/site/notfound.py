"""The 404 page's own script and style, and the Content-Security-Policy that lets exactly them run.

A host serves 404.html at whatever address was missing, at any depth, so the page can load nothing by a
relative address; and on a project site without `site_url` (https://example.github.io/<project>/…) the
site's root is not known when it is built, so an absolute one can be wrong too. The page therefore carries
its small style and its one script in itself (theme/assets/notfound.css and notfound.js, read here), and
its policy names their SHA-256 hashes: those two may run, nothing else inline. The script finds the site's
root in the browser and points the page's links there.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

ASSETS = Path(__file__).parent / "defaults" / "theme" / "assets"


@dataclass(frozen=True)
class NotFoundPage:
    """What theme/404.html puts inline, and the policy of that page."""

    style: str
    script: str
    csp: str


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def not_found_page(csp: str) -> NotFoundPage:
    """The 404 page's inline style and script, and `csp` widened by their hashes (and by nothing else).

    The preview's policy allows inline scripts already (its live reload): a hash there would switch that off."""
    style = (ASSETS / "notfound.css").read_text(encoding="utf-8")
    script = (ASSETS / "notfound.js").read_text(encoding="utf-8")
    widened = csp.replace("style-src 'self'", f"style-src 'self' {_hash(style)}")
    if "script-src 'self' 'unsafe-inline'" not in csp:
        widened = widened.replace("script-src 'self'", f"script-src 'self' {_hash(script)}")
    return NotFoundPage(style=style, script=script, csp=widened)
