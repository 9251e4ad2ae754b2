"""Deadlines on the build date: the 即将截止 / 即将到期 badges and the state of an application window.

One place decides them, so the explainer page, the lists, the 申报日历 page,
the calendar files and anything else that shows a deadline agree. Everything
follows from the explainer and the build date (`--today`), never the clock:
the daily rebuild moves the badges, and the same date gives the same pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from build_tools.models import EXPIRING_DAYS, Application, Explainer, Status

SOON_DAYS = EXPIRING_DAYS  # a deadline within this many days of the build date is near; the same for expiry


class Soon(str, Enum):
    """A date that is near on the build date."""

    CLOSING = "即将截止"  # the application window closes within SOON_DAYS
    EXPIRING = "即将到期"  # the policy itself lapses within SOON_DAYS


class WindowState(str, Enum):
    """Where an application window stands on the build date."""

    OPEN = "申报中"
    COMING = "即将开始"
    CLOSED = "已截止"
    RECURRING = "定期申报"  # only a recurring period in words (每年一季度), no dates to place it


LAPSED = (Status.EXPIRED, Status.SUPERSEDED)


def soon(explainer: Explainer, today: dt.date, status: Status) -> tuple[Soon, ...]:
    """The badges of an explainer on `today`: its window closes, or its policy lapses, within SOON_DAYS.

    A lapsed policy gets none (its status says more); 免申即享 has no window to close.
    """
    if status in LAPSED:
        return ()
    badges = []
    end = deadline(explainer)
    if end is not None and _within(today, end):
        badges.append(Soon.CLOSING)
    if status is Status.IN_FORCE and explainer.expires_soon(today):
        badges.append(Soon.EXPIRING)
    return tuple(badges)


def deadline(explainer: Explainer) -> dt.date | None:
    """The last day to apply, when there is something to apply for and the explainer says when."""
    application = explainer.apply
    if application is None or application.no_application:
        return None
    return application.end


def window_state(application: Application | None, today: dt.date) -> WindowState | None:
    """OPEN from start to end (both days included; a missing end leaves it open), COMING before its start,
    CLOSED after its end, RECURRING with only a period in words; None when there is no window to show."""
    if application is None or application.no_application:
        return None
    if application.start is None and application.end is None:
        return WindowState.RECURRING if application.period else None
    if application.end is not None and today > application.end:
        return WindowState.CLOSED
    if application.start is not None and today < application.start:
        return WindowState.COMING
    return WindowState.OPEN


@dataclass(frozen=True)
class Windows:
    """The 申报日历: explainers whose window is open, coming or recurring on the build date, each list in its order."""

    open: list[Explainer]  # the nearest deadline first; open-ended windows last
    coming: list[Explainer]  # the soonest start first
    recurring: list[Explainer]  # a period in words only (每年一季度): newest first


def windows(explainers: list[Explainer], today: dt.date, status: dict[str, Status]) -> Windows:
    """The open, coming and recurring windows of policies not lapsed on `today` (ties by slug, for stable pages)."""
    by_state: dict[WindowState, list[Explainer]] = {}
    for explainer in explainers:
        if status[explainer.slug] not in LAPSED and (state := window_state(explainer.apply, today)) is not None:
            by_state.setdefault(state, []).append(explainer)
    never = dt.date.max  # an open window without an end: after every dated one

    def application(e: Explainer) -> Application:
        assert e.apply is not None  # only explainers with a window are listed
        return e.apply

    return Windows(
        open=sorted(by_state.get(WindowState.OPEN, []), key=lambda e: (application(e).end or never, e.slug)),
        coming=sorted(by_state.get(WindowState.COMING, []), key=lambda e: (application(e).start or never, application(e).end or never, e.slug)),
        recurring=sorted(by_state.get(WindowState.RECURRING, []), key=lambda e: (-e.published.toordinal(), e.slug)),
    )


def days_left(today: dt.date, day: dt.date) -> int:
    """Days from the build date to `day`: 0 on the day itself."""
    return (day - today).days


def _within(today: dt.date, day: dt.date) -> bool:
    return 0 <= days_left(today, day) <= SOON_DAYS
