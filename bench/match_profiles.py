"""The matching page on the real corpus: what profiles find, and what the browser downloads for them.

    .venv/bin/python bench/match_profiles.py [--corpus DIR] [--today 2026-12-07]
    .venv/bin/python bench/match_profiles.py --corpus content --today 2026-11-23   # the sample site

Builds the corpus's Site (with the fix `policy check` proposes: bench/corpus_fix.py) and the
matching page's data (build_tools/pages/matching.py), then for a few profiles prints how many
policies the page lists, from which regions, and the bytes of the data files it downloads (its
region's and those above it: tests/browser/test_match_browser.py checks the page fetches exactly
these). The match rule here is the page's, with the taxonomy's own `audience_applies`. Also the
regions with no policy of their own, for which the page offers the level above.
Prints Markdown tables; passes or fails nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus_fix import CORPUS, fixed_corpus  # noqa: E402

from build_tools.build.pipeline import run_pipeline  # noqa: E402
from build_tools.models import Explainer, Site  # noqa: E402
from build_tools.pages.matching import data_path, listed_explainers, match_files, own_counts  # noqa: E402

# Profiles of regions the corpus does not have are skipped (the first is the sample site's: --corpus content).
PROFILES = [
    ("南京市", ["科技型中小企业", "民营企业"], ["金融"]),
    ("江苏省", ["中小企业"], ["金融"]),
    ("江苏省", ["中小企业", "科技型中小企业", "小微企业"], ["金融"]),
    ("南通市", ["科技型中小企业"], ["金融", "科创"]),
    ("沈阳市", ["小微企业", "个体工商户"], []),
    ("北京市", [], ["就业"]),
    ("全国", ["中小企业"], []),
]


def applies(site: Site, explainer: Explainer, region: str, types: list[str], needs: list[str]) -> bool:
    taxonomy = site.content.taxonomy
    chosen = taxonomy.region(region)
    assert chosen is not None, region
    in_region = explainer.region.name in (*chosen.ancestors, chosen.name)
    typed = not types or any(taxonomy.audience_applies(explainer.audience, t) for t in types)
    needed = not needs or any(t.name in needs for t in explainer.topics)
    return in_region and typed and needed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 7))
    args = parser.parse_args()
    site = run_pipeline(fixed_corpus(args.corpus), args.today)
    files = match_files(site)
    listed = listed_explainers(site)
    total = sum(map(len, files.values()))
    zipped = len(gzip.compress(b"".join(files.values())))
    print(f"Build date {args.today}: {len(listed)} policies listed (in force or upcoming) of {len(site.explainers)} explainers;")
    print(f"{len(files)} data files, {total:,} bytes in all ({zipped:,} gzipped), largest {max(map(len, files.values())):,}.\n")
    print("| profile | listed | by region | data downloaded (bytes) | gzipped |")
    print("|---|---:|---|---:|---:|")
    own = own_counts(site)
    for region, types, needs in PROFILES:
        if site.content.taxonomy.region(region) is None:
            continue
        found = [e for e in listed if applies(site, e, region, types, needs)]
        chosen = site.content.taxonomy.region(region)
        assert chosen is not None
        chain = [*chosen.ancestors, region]
        by_region = "、".join(f"{name} {sum(e.region.name == name for e in found)}" for name in reversed(chain))
        fetched = [files[data_path(r.id)] for r in site.content.taxonomy.regions if r.name in chain and own[r.name]]
        size = sum(map(len, fetched))
        gz = sum(len(gzip.compress(data)) for data in fetched)
        print(f"| {region} · {'、'.join(types) or '不限类型'} · {'、'.join(needs) or '不限需求'} | {len(found)} | {by_region} | {size:,} | {gz:,} |")
    alone = [r.name for r in site.content.taxonomy.regions if not own[r.name]]
    print(f"\nRegions with no policy of their own ({len(alone)} of {len(site.content.taxonomy.regions)}): {'、'.join(alone)}")


if __name__ == "__main__":
    main()
