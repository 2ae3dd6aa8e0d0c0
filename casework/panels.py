"""Extension points of the client page, so other apps add to it without casework importing them.

Panels: sections shown on the client page below the profile, in registration order::

    # referrals/apps.py
    class ReferralsConfig(AppConfig):
        def ready(self):
            from casework.panels import register_client_panel, register_timeline_source
            from .panels import referrals_panel, suggestions_panel, referral_timeline

            register_client_panel("suggestions", suggestions_panel)
            register_client_panel("referrals", referrals_panel)
            register_timeline_source("referrals", referral_timeline)

``render(request, client) -> str`` returns HTML (use ``render_to_string``, which returns a safe
string) or ``""`` to show nothing. The page calls it only after the user's access to the client
was checked; it should start its own section with an ``<h2>`` and do a fixed number of queries.

Timeline sources: ``fn(client) -> list[TimelineEntry]`` (or dicts with ``at``, ``kind``,
``html``); their entries are merged into the client timeline, newest first. ``html`` must be a
safe string (``format_html`` / ``render_to_string``); anything else is escaped.

Dashboard panels: ``register_dashboard_panel(name, render)`` with ``render(request) -> HTML``
adds a section to the navigator dashboard, same contract as client panels.

``label`` (optional, a lazy translation) names a client panel in the page's section links;
without it the link shows the capitalized name.

Registering the same name again replaces the earlier registration (autoreload-safe).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

PanelRender = Callable[..., str]
TimelineSource = Callable[..., list]


# ``render_to_string`` when the result is first used as text: a page that lists only some
# entries draws only those (the result is safe HTML, like render_to_string's).
lazy_html = lazy(render_to_string, SafeString)


@dataclass
class TimelineEntry:
    at: datetime.datetime
    kind: str
    html: str = ""


@dataclass
class RenderedPanel:
    name: str
    html: str
    label: str = ""


_client_panels: dict[str, PanelRender] = {}
_client_panel_labels: dict[str, str] = {}
_timeline_sources: dict[str, TimelineSource] = {}


def register_client_panel(name: str, render: PanelRender, *, label=None) -> None:
    """Adds (or replaces) the client-page panel ``name``; ``render(request, client) -> HTML``."""
    _client_panels[name] = render
    _client_panel_labels[name] = label or name.replace("_", " ").capitalize()


def unregister_client_panel(name: str) -> None:
    _client_panels.pop(name, None)


def client_panels() -> list[tuple[str, PanelRender]]:
    return list(_client_panels.items())


def render_client_panels(request, client) -> list[RenderedPanel]:
    """Each registered panel's HTML for ``client``, in order, leaving out empty ones."""
    rendered = []
    for name, render in _client_panels.items():
        html = render(request, client)
        if html:
            rendered.append(
                RenderedPanel(
                    name=name, html=conditional_escape(html), label=str(_client_panel_labels[name])
                )
            )
    return rendered


def register_timeline_source(name: str, fn: TimelineSource) -> None:
    """Adds (or replaces) a source of client timeline entries; ``fn(client) -> entries``."""
    _timeline_sources[name] = fn


def unregister_timeline_source(name: str) -> None:
    _timeline_sources.pop(name, None)


def timeline_entries_from_sources(client) -> list[TimelineEntry]:
    entries = []
    for fn in _timeline_sources.values():
        for item in fn(client) or []:
            if isinstance(item, dict):
                item = TimelineEntry(**item)
            item.html = conditional_escape(item.html)
            entries.append(item)
    return entries


# Dashboard panels: sections other apps add to the navigator dashboard (same contract as client
# panels, without a client): ``render(request) -> HTML`` or ``""``; fixed number of queries.
_dashboard_panels: dict[str, Callable[..., str]] = {}


def register_dashboard_panel(name: str, render: Callable[..., str]) -> None:
    """Adds (or replaces) the dashboard panel ``name``; ``render(request) -> HTML``."""
    _dashboard_panels[name] = render


def render_dashboard_panels(request) -> list[RenderedPanel]:
    rendered = []
    for name, render in _dashboard_panels.items():
        html = render(request)
        if html:
            rendered.append(RenderedPanel(name=name, html=conditional_escape(html)))
    return rendered


# Client header items: short facts other apps add to the client page's header (for example
# "2 open referrals"), ``render(request, client) -> HTML`` (inline content) or ``""``; a fixed
# number of queries each.
_client_header_items: dict[str, PanelRender] = {}


def register_client_header_item(name: str, render: PanelRender) -> None:
    """Adds (or replaces) the client-header item ``name``; ``render(request, client) -> HTML``."""
    _client_header_items[name] = render


def render_client_header_items(request, client) -> list[RenderedPanel]:
    rendered = []
    for name, render in _client_header_items.items():
        html = render(request, client)
        if html:
            rendered.append(RenderedPanel(name=name, html=conditional_escape(html)))
    return rendered
