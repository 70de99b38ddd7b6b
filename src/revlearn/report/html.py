"""Self-contained HTML pages: Plotly's JavaScript is embedded once, no CDN, works offline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jinja2
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from revlearn._version import __version__

__all__ = ["Section", "render_page"]


@dataclass
class Section:
    """One part of a report page.

    Attributes
    ----------
    title : str
        Heading.
    text : list of str
        Paragraphs (plain text, escaped).
    figures : list of plotly Figure
        Charts, shown two per row.
    tables : list of pandas.DataFrame
        Tables shown below the charts.
    """

    title: str
    text: list[str] = field(default_factory=list)
    figures: list[go.Figure] = field(default_factory=list)
    tables: list[pd.DataFrame] = field(default_factory=list)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("revlearn.report", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
)


def render_page(title: str, sections: Sequence[Section], *, subtitle: str = "") -> str:
    """Render sections into one HTML document that needs no network.

    Parameters
    ----------
    title : str
        Page title.
    sections : sequence of Section
        Content, in order.
    subtitle : str, default=""
        A line under the title.

    Returns
    -------
    str
        The whole HTML page.
    """
    rendered = []
    for section in sections:
        figures = [
            fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                config={"displaylogo": False, "responsive": True},
            )
            for fig in section.figures
        ]
        tables = [
            t.to_html(index=False, border=0, classes="data", float_format="{:,.3f}".format)
            for t in section.tables
        ]
        rendered.append(
            {"title": section.title, "text": section.text, "figures": figures, "tables": tables}
        )
    return _ENV.get_template("page.html").render(
        title=title,
        subtitle=subtitle,
        sections=rendered,
        plotly_js=get_plotlyjs(),
        version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
