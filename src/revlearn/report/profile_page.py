"""``revlearn profile FILE --html OUT``: a table's profile as one offline HTML page.

One small chart per column (a histogram for numbers and dates, the ten most frequent
values for categories and flags), the findings and the per-column statistics.
"""

from __future__ import annotations

import warnings

import pandas as pd
import plotly.graph_objects as go

from revlearn.data.io import as_pandas
from revlearn.data.profile import Profile
from revlearn.data.schema import Role, infer_schema
from revlearn.errors import InputError, RevlearnWarning
from revlearn.report.html import Section, render_page

__all__ = ["profile_page"]

#: Most column charts on one page (the statistics table still lists every column).
MAX_CHARTS = 24
#: Values shown in a categorical chart.
TOP_VALUES = 10
_LAYOUT = {
    "template": "plotly_white",
    "height": 300,
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "showlegend": False,
}
_COLOUR = "#2a6f97"
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _numeric_chart(name: str, values: pd.Series) -> go.Figure | None:
    known = values.dropna()
    if known.empty:
        return None
    fig = go.Figure(go.Histogram(x=known, nbinsx=30, marker_color=_COLOUR))
    fig.update_layout(
        title=f"{name}<br><sup>{len(known):,} known values</sup>",
        yaxis_title="rows",
        bargap=0.05,
        **_LAYOUT,
    )
    return fig


def _category_chart(name: str, values: pd.Series) -> go.Figure | None:
    known = values.dropna().astype(str)
    if known.empty:
        return None
    counts = known.value_counts().head(TOP_VALUES)
    labels = [v if len(v) <= 24 else v[:23] + "…" for v in counts.index]
    others = known.nunique() - len(counts)
    fig = go.Figure(
        go.Bar(
            x=counts.to_numpy()[::-1],
            y=labels[::-1],
            orientation="h",
            marker_color=_COLOUR,
            text=[f"{n / len(known):.0%}" for n in counts.to_numpy()[::-1]],
            textposition="auto",
        )
    )
    more = f", {others:,} more values not shown" if others > 0 else ""
    fig.update_layout(
        title=f"{name}<br><sup>top {len(counts)} of {known.nunique():,} values{more}</sup>",
        xaxis_title="rows",
        **{**_LAYOUT, "margin": {"l": 140, "r": 20, "t": 50, "b": 50}},
    )
    return fig


def _column_chart(name: str, values: pd.Series, role: str) -> go.Figure | None:
    if role in (Role.ID.value, Role.TEXT.value, Role.EMPTY.value):
        return None
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if role in (Role.NUMERIC.value, Role.DATETIME.value) or (
        role == Role.TARGET.value and numeric and values.nunique() > 20
    ):
        return _numeric_chart(name, values)
    return _category_chart(name, values)


def _findings_table(result: Profile) -> pd.DataFrame:
    rows = [
        {"severity": f.severity, "column": f.column or "(table)", "finding": f.message}
        for f in result.findings
    ]
    table = pd.DataFrame(rows, columns=["severity", "column", "finding"])
    order = table["severity"].map(_SEVERITY_ORDER).fillna(3)
    return table.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def profile_page(profile_result: Profile, frame: object, *, title: str) -> str:
    """Render a table's profile as one offline HTML page with a chart per column.

    Parameters
    ----------
    profile_result : Profile
        From :func:`revlearn.data.profile.profile` on ``frame``.
    frame : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The profiled table (for the charts; not modified).
    title : str
        Page title, e.g. the file name.

    Returns
    -------
    str
        The whole HTML page: a findings section (sentences and table), one chart per
        column for up to 24 columns (histograms for numbers and dates, the ten most
        frequent values for categories and flags; ids and free text are skipped), and
        the per-column statistics table.

    Raises
    ------
    InputError
        If ``frame`` is not a table, or its columns do not match the profile.

    Notes
    -----
    Values are charted after the same conversions the profile applies (numbers stored
    as text, currency strings and dates are converted first).
    """
    data = as_pandas(frame, where="profile_page").rename(columns=str)
    with warnings.catch_warnings():  # unconvertible values are already in the findings
        warnings.simplefilter("ignore", RevlearnWarning)
        typed = infer_schema(data).apply(data, where="profile_page")
    stats = profile_result.to_frame()
    missing = [c for c in stats["column"] if c not in data.columns]
    if missing:
        raise InputError(
            f"{len(missing)} profiled column(s) are not in the table, e.g. {missing[0]!r}.",
            where="profile_page",
            fix="Pass the same table that was profiled.",
        )
    findings = _findings_table(profile_result)
    counts = findings["severity"].value_counts()
    overview = Section(
        title="Overview and findings",
        text=[
            f"{profile_result.n_rows:,} rows × {profile_result.n_columns} columns.",
            f"{len(findings)} findings: {counts.get('error', 0)} errors, "
            f"{counts.get('warning', 0)} warnings, {counts.get('info', 0)} for information.",
        ],
        tables=[findings] if len(findings) else [],
    )
    figures: list[go.Figure] = []
    for row in stats.itertuples(index=False):
        if len(figures) == MAX_CHARTS:
            break
        fig = _column_chart(str(row.column), typed[str(row.column)], str(row.role))
        if fig is not None:
            figures.append(fig)
    charted = f"{len(figures)} of {len(stats)} columns charted"
    columns = Section(
        title="Columns",
        text=[
            f"{charted}: histograms for numbers and dates, the {TOP_VALUES} most frequent "
            "values for categories and flags (ids and free text are not drawn).",
        ],
        figures=figures,
    )
    table = Section(title="Statistics per column", tables=[stats])
    return render_page(title, [overview, columns, table], subtitle=f"Data profile · {charted}")
