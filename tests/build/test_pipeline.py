"""pipeline.py: statuses on the build date and replacements."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.models import Status
from build_tools.build.pipeline import run_pipeline, status_on
from conftest import MINI, VALID_EXPLAINER, write


@pytest.mark.parametrize(
    "today, expected",
    [("2023-05-31", Status.UPCOMING), ("2023-06-01", Status.IN_FORCE), ("2023-12-31", Status.IN_FORCE), ("2024-01-01", Status.EXPIRED)],
)
def test_status_boundaries_are_inclusive(content, today, expected):
    write(content, "policies/window.md", VALID_EXPLAINER.replace("published: 2023-01-01", "published: 2023-01-01\neffective: 2023-06-01\nexpires: 2023-12-31"))
    site = run_pipeline(content, dt.date.fromisoformat(today))
    assert site.status["window"] is expected


def test_an_unpublished_replacement_does_not_supersede_yet(content):
    replacement = VALID_EXPLAINER.replace("published: 2023-01-01", "published: 2027-03-01\nsupersedes: [economy-2023]")
    write(content, "policies/economy-2027.md", replacement)
    before = run_pipeline(content, dt.date(2026, 11, 23))
    assert before.status["economy-2023"] is Status.IN_FORCE
    after = run_pipeline(content, dt.date(2027, 3, 1))
    assert after.status["economy-2023"] is Status.SUPERSEDED and after.superseded_by["economy-2023"] == "economy-2027"


def test_explainers_are_listed_newest_first():
    site = run_pipeline(MINI, dt.date(2026, 11, 23))
    dates = [e.published for e in site.explainers]
    assert dates == sorted(dates, reverse=True)
    assert status_on(site.explainers[0], dt.date(2026, 11, 23), {}) is Status.UPCOMING
