"""Charts and report sections for customer segments (:class:`CustomerSegments`).

Every figure function takes a fitted model and returns a ``plotly.graph_objects.Figure``
(never written or shown); :func:`segments_sections` puts them into report sections with
plain sentences that read each chart. The dendrogram is SciPy's (``dendrogram`` with
``no_plot=True`` on the stored Ward tree, truncated to its last 30 merges) drawn with
Plotly lines, so no data or refit is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy.cluster.hierarchy import dendrogram

from revlearn.errors import InputError
from revlearn.report.figures import LAYOUT
from revlearn.report.html import Section
from revlearn.usecases.segments import CustomerSegments

__all__ = [
    "dendrogram_figure",
    "k_selection_figure",
    "segment_map_figure",
    "segment_sizes_figure",
    "segment_traits_figure",
    "segments_sections",
    "stability_figure",
    "u_matrix_figure",
]

_COLOURS = ["#2a6f97", "#e07a5f", "#3d9970", "#b5838d", "#f2cc8f", "#6d597a", "#81b29a", "#555"]


def _colour(segment: int) -> str:
    return _COLOURS[segment % len(_COLOURS)]


def _check(model: object) -> CustomerSegments:
    if not isinstance(model, CustomerSegments) or not model.is_fitted():
        raise InputError(
            f"Expected a fitted CustomerSegments, got {type(model).__name__}.",
            where="segments report",
            fix="Fit CustomerSegments(...).fit(customers) or load one from the registry.",
        )
    return model


def _labels(model: CustomerSegments) -> list[str]:
    return [f"{s['segment']}: {s['name']}" for s in model.segments_]


def k_selection_figure(model: CustomerSegments) -> go.Figure:
    """Plot silhouette, Davies–Bouldin and Calinski–Harabasz for every k tried.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        Three panels against k, the chosen k marked.

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    table = pd.DataFrame(model.candidates_)
    titles = ("Silhouette (higher is better)", "Davies–Bouldin (lower)", "Calinski–Harabasz")
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles)
    for i, col in enumerate(["silhouette", "davies_bouldin", "calinski_harabasz"], start=1):
        fig.add_trace(
            go.Scatter(
                x=table["k"],
                y=table[col],
                mode="lines+markers",
                name=col,
                marker_color="#2a6f97",
                showlegend=False,
            ),
            row=1,
            col=i,
        )
        fig.add_vline(x=model.n_segments_, line_dash="dot", line_color="#e07a5f", row=1, col=i)
    fig.update_xaxes(title_text="segments (k)", dtick=1)
    fig.update_layout(title=f"How many segments: k = {model.n_segments_} chosen", **LAYOUT)
    return fig


def segment_map_figure(model: CustomerSegments) -> go.Figure:
    """Draw the customers on the first two principal components, coloured by segment.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model (up to 2,000 customers of the fit sample are drawn).

    Returns
    -------
    plotly.graph_objects.Figure
        Scatter of customers with the segment centres marked.

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    xy, seg = np.asarray(model.map_["xy"]), np.asarray(model.map_["segments"])
    centres = np.asarray(model.map_["centres"])
    fig = go.Figure()
    for s, label in enumerate(_labels(model)):
        own = seg == s
        fig.add_trace(
            go.Scatter(
                x=xy[own, 0],
                y=xy[own, 1],
                mode="markers",
                name=label,
                marker={"size": 4, "opacity": 0.6, "color": _colour(s)},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=centres[:, 0],
            y=centres[:, 1],
            mode="markers+text",
            name="centres",
            text=[str(s) for s in range(len(centres))],
            textposition="top center",
            marker={"symbol": "x", "size": 12, "color": "black"},
        )
    )
    pc = [f"PC{i + 1} ({v:.0%} of variance)" for i, v in enumerate(model.map_["explained"])]
    fig.update_layout(
        title="Customer map (principal components of the scaled traits)",
        xaxis_title=pc[0],
        yaxis_title=pc[1] if len(pc) > 1 else "",
        **LAYOUT,
    )
    return fig


def segment_sizes_figure(model: CustomerSegments) -> go.Figure:
    """Compare each segment's share of customers and of value.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars (value bars only when the model has a ``value_col``).

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    labels = _labels(model)
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[s["share"] for s in model.segments_],
            name="customers",
            marker_color="#2a6f97",
        )
    )
    if model.value_col_ is not None:
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[s["value_share"] for s in model.segments_],
                name=model.value_col_,
                marker_color="#e07a5f",
            )
        )
    fig.update_layout(title="Segment sizes", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    return fig


def segment_traits_figure(model: CustomerSegments, *, top: int = 12) -> go.Figure:
    """Show every segment's traits against the average customer as a heatmap.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model.
    top : int, default=12
        Traits shown (those that differ most between segments).

    Returns
    -------
    plotly.graph_objects.Figure
        Colour: standardised difference from the base (red above, blue below); text: the
        index (100 = average; the level's share index for categoricals).

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    traits = pd.DataFrame(model.traits_)
    z = traits.pivot(index="trait", columns="segment", values="z")
    index = traits.pivot(index="trait", columns="segment", values="index")
    keep = z.abs().max(axis=1).sort_values(ascending=False).index[:top]
    z, index = z.loc[keep], index.loc[keep]
    text = index.map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    fig = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=_labels(model),
            y=list(z.index),
            zmid=0,
            colorscale="RdBu_r",
            text=text.to_numpy(),
            texttemplate="%{text}",
            colorbar={"title": "std. diff."},
        )
    )
    fig.update_layout(
        title="What sets each segment apart (index, 100 = average)",
        **{**LAYOUT, "height": max(380, 60 + 28 * len(keep))},
    )
    return fig


def stability_figure(model: CustomerSegments) -> go.Figure:
    """Plot the adjusted Rand index of every bootstrap refit against the segments.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model.

    Returns
    -------
    plotly.graph_objects.Figure
        One dot per resample, with the median line.

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    values = model.stability_["values"]
    fig = go.Figure(
        go.Scatter(
            x=list(range(1, len(values) + 1)),
            y=values,
            mode="markers",
            marker_color="#2a6f97",
            name="resample",
        )
    )
    if values:
        fig.add_hline(y=float(np.median(values)), line_dash="dot", line_color="#e07a5f")
    fig.update_layout(
        title="Stability over bootstrap resamples (1 = same segments)",
        xaxis_title="resample",
        yaxis_title="adjusted Rand index",
        yaxis_range=[min(0.0, *values) if values else 0.0, 1.05],
        **LAYOUT,
    )
    return fig


def dendrogram_figure(model: CustomerSegments, *, leaves: int = 30) -> go.Figure:
    """Draw the Ward tree of the fit sample, truncated, with the cut marked.

    Parameters
    ----------
    model : CustomerSegments
        A model fitted with ``method="ward"``.
    leaves : int, default=30
        Leaves shown (each a group of customers, labelled with its size).

    Returns
    -------
    plotly.graph_objects.Figure
        The dendrogram; the dotted line is where the tree is cut into the segments.

    Raises
    ------
    InputError
        If ``model`` is not a fitted Ward model.
    """
    model = _check(model)
    if model.method_ != "ward":
        raise InputError(
            f"The dendrogram needs method='ward', not {model.method_!r}.",
            where="dendrogram_figure",
            fix="Fit CustomerSegments(method='ward').",
        )
    tree = np.asarray(model.linkage_)
    drawn = dendrogram(tree, truncate_mode="lastp", p=leaves, no_plot=True)
    fig = go.Figure()
    for xs, ys in zip(drawn["icoord"], drawn["dcoord"], strict=True):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#2a6f97", "width": 1.5},
                hoverinfo="y",
                showlegend=False,
            )
        )
    k = model.n_segments_
    heights = np.sort(tree[:, 2])
    cut = float((heights[-k] + heights[-k + 1]) / 2) if k >= 2 else float(heights[-1])
    fig.add_hline(
        y=cut, line_dash="dot", line_color="#e07a5f", annotation_text=f"cut: {k} segments"
    )
    ticks = 5 + 10 * np.arange(len(drawn["ivl"]))
    fig.update_layout(
        title=f"Ward hierarchy of {len(tree) + 1:,} sampled customers",
        xaxis={"tickvals": ticks, "ticktext": drawn["ivl"], "title": "customers (group size)"},
        yaxis_title="merge distance (Ward)",
        **LAYOUT,
    )
    return fig


def u_matrix_figure(model: CustomerSegments) -> go.Figure:
    """Draw the SOM's U-matrix with each node's segment written on it.

    Parameters
    ----------
    model : CustomerSegments
        A model fitted with ``method="som"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Heatmap of the mean distance between neighbouring nodes (dark = border between
        groups of customers); the number on each node is its segment.

    Raises
    ------
    InputError
        If ``model`` is not a fitted SOM model.
    """
    model = _check(model)
    if model.method_ != "som":
        raise InputError(
            f"The U-matrix needs method='som', not {model.method_!r}.",
            where="u_matrix_figure",
            fix="Fit CustomerSegments(method='som').",
        )
    rows, cols = model.som_shape_
    seg = np.asarray(model.som_node_segments_).reshape(rows, cols)
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(model.u_matrix_),
            colorscale="Greys",
            text=seg.astype(str),
            texttemplate="%{text}",
            colorbar={"title": "distance"},
        )
    )
    fig.update_layout(
        title=f"Self-organising map ({rows}×{cols}): U-matrix and segments",
        yaxis_autorange="reversed",
        **LAYOUT,
    )
    return fig


# ------------------------------------------------------------------------- sections
def _best(table: pd.DataFrame, col: str, *, low: bool = False) -> int:
    return int(table.loc[table[col].idxmin() if low else table[col].idxmax(), "k"])


def _k_sentences(model: CustomerSegments) -> list[str]:
    table = pd.DataFrame(model.candidates_)
    if model.chosen_by_ == "fixed":
        first = f"The number of segments was fixed at {model.n_segments_}."
    else:
        row = table.set_index("k").loc[model.n_segments_]
        first = (
            f"{len(table)} segment counts were tried ({table['k'].min()}–{table['k'].max()}); "
            f"the silhouette is highest at k = {model.n_segments_} ({row['silhouette']:.2f}), "
            "so that many segments were kept."
        )
    agree = (
        f"Davies–Bouldin is lowest at k = {_best(table, 'davies_bouldin', low=True)} and "
        f"Calinski–Harabasz highest at k = {_best(table, 'calinski_harabasz')}."
    )
    return [first, agree if len(table) > 1 else ""]


def _overview(model: CustomerSegments) -> list[str]:
    summary = model.summary()
    largest = model.segments_[0]
    method = {
        "kmeans": "k-means",
        "ward": "Ward's hierarchical clustering",
        "som": "a self-organising map",
    }[model.method_]
    text = [
        f"{model.n_rows_:,} customers were grouped into {model.n_segments_} segments with "
        f"{method}, from {len(model.input_columns_)} traits "
        f"({', '.join(model.input_columns_[:8])}).",
        f"The largest segment, {largest['name']}, holds {largest['share']:.0%} of customers.",
    ]
    shares = [s["value_share"] for s in model.segments_]
    if model.value_col_ is not None and None not in shares:
        richest = max(model.segments_, key=lambda s: s["value_share"] / s["share"])
        text.append(
            f"{richest['name'].capitalize()} hold {richest['value_share']:.0%} of "
            f"{model.value_col_} with {richest['share']:.0%} of customers — "
            f"{richest['value_share'] / richest['share']:.1f}× their weight."
        )
    map_share = sum(model.map_["explained"])
    text.append(
        f"The map shows the customers on two axes that keep {map_share:.0%} of the variation "
        "of the scaled traits; segments that overlap there may still separate on other axes."
    )
    return text + [n for n in summary["notes"] if "left out" in n or "not used" in n]


def _stability_text(model: CustomerSegments) -> list[str]:
    st = model.stability_
    if not st["n_resamples"]:
        return ["Stability was not measured (n_bootstrap=0)."]
    verdict = {
        "clear": "The segments are well separated and come back almost the same on resamples.",
        "moderate": "The segments are real but their borders move between resamples.",
        "weak": "The data show no clear segment structure: treat the segments as convenient "
        "slices of a continuum, not natural customer types.",
    }[model.structure_]
    return [
        f"Refitted on {st['n_resamples']} bootstrap resamples of {st['rows']:,} customers, the "
        f"segments agree with the model's at a median adjusted Rand index of "
        f"{st['median']:.2f} (range {st['min']:.2f}–{st['max']:.2f}; 1 = identical, "
        "0 = chance).",
        f"The silhouette is {model.scores_['silhouette']:.2f}, against "
        f"{model.null_silhouette_:.2f} for a structureless cloud of the same shape.",
        verdict,
    ]


def segments_sections(model: CustomerSegments) -> list[Section]:
    """Build the report sections of a segmentation, each chart read in plain sentences.

    Parameters
    ----------
    model : CustomerSegments
        A fitted model.

    Returns
    -------
    list of Section
        Overview (sizes and the customer map), the choice of k, the segment profiles,
        stability, and the Ward dendrogram or the SOM U-matrix when used.

    Raises
    ------
    InputError
        If ``model`` is not a fitted CustomerSegments.
    """
    model = _check(model)
    profiles = model.explain()
    sections = [
        Section(
            title="Customer segments",
            text=_overview(model),
            figures=[segment_sizes_figure(model), segment_map_figure(model)],
            tables=[profiles.segments.drop(columns="description")],
        ),
        Section(
            title="How many segments",
            text=[t for t in _k_sentences(model) if t],
            figures=[k_selection_figure(model)],
            tables=[pd.DataFrame(model.candidates_).round(3)],
        ),
        Section(
            title="What sets each segment apart",
            text=[s["description"] for s in model.segments_],
            figures=[segment_traits_figure(model)],
            tables=[_top_traits(profiles.traits)],
        ),
        Section(
            title="Stability",
            text=_stability_text(model),
            figures=[stability_figure(model)] if model.stability_["n_resamples"] else [],
        ),
    ]
    if model.method_ == "ward":
        sections.append(
            Section(
                title="Hierarchy (Ward)",
                text=[
                    f"The tree merges the {len(model.linkage_) + 1:,} sampled customers step "
                    f"by step; cutting it at the dotted line gives the {model.n_segments_} "
                    "segments. Long vertical lines above the cut mean well-separated groups. "
                    "Customers outside the sample join the segment with the nearest centre."
                ],
                figures=[dendrogram_figure(model)],
            )
        )
    if model.method_ == "som":
        sections.append(
            Section(
                title="Self-organising map",
                text=[_u_matrix_sentence(model)],
                figures=[u_matrix_figure(model)],
            )
        )
    return sections


def _top_traits(traits: pd.DataFrame, per_segment: int = 4) -> pd.DataFrame:
    ranked = traits.assign(strength=traits["z"].abs()).sort_values(
        ["segment", "strength"], ascending=[True, False]
    )
    return ranked.groupby("segment").head(per_segment).drop(columns="strength").round(2)


def _u_matrix_sentence(model: CustomerSegments) -> str:
    rows, cols = model.som_shape_
    u = np.asarray(model.u_matrix_)
    seg = np.asarray(model.som_node_segments_).reshape(rows, cols)
    border = np.zeros_like(u, dtype=bool)
    border[:, 1:] |= seg[:, 1:] != seg[:, :-1]
    border[:, :-1] |= seg[:, 1:] != seg[:, :-1]
    border[1:, :] |= seg[1:, :] != seg[:-1, :]
    border[:-1, :] |= seg[1:, :] != seg[:-1, :]
    inner = float(u[~border].mean()) if (~border).any() else float("nan")
    edge = float(u[border].mean()) if border.any() else float("nan")
    ratio = edge / inner if inner > 0 else float("nan")
    reading = (
        ", so the segments follow real gaps in the map."
        if ratio > 1.3
        else ", so the segments cut a smooth map rather than follow gaps."
    )
    return (
        f"Each of the {rows * cols} nodes is a prototype customer; similar prototypes sit "
        "next to each other. Light cells are dense groups, dark cells borders. Nodes on a "
        f"segment border are {ratio:.1f}× as far from their neighbours as nodes inside a "
        f"segment{reading}"
    )
