"""The slowdown figure: relative cost and output against epoch, one column per start.

Headless: the figure is a :class:`matplotlib.figure.Figure` drawn by the Agg canvas, so
neither pyplot's global state nor the user's backend is touched. The cost row shows
``C_k / C_0``: the quadratic and cross-entropy costs have different scales (½·0.98² ≈ 0.48
against −ln(1 − 0.98) ≈ 4.0 from (2, 2)), and the ratio puts them on one axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .neuron import Run
from .slowdown_numbers import LECTURE_PLATEAU, PLATEAU_FRACTION

__all__ = ["FIGURE_NAME", "plot_runs"]

#: file stem of the figure written by :func:`plot_runs`
FIGURE_NAME = "slowdown"

_STYLE = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 10.5,
    "svg.hashsalt": "slowdown",  # stable SVG ids: same command, same file
}
_COLOURS = {"quadratic": ("#c0392b", "#e67e22"), "cross-entropy": ("#1f5fa8", "#16a085", "#8e44ad")}
_COLOURS["rebuilt"] = _COLOURS["cross-entropy"]  # the cost that cancels f' (derive.rebuild)


def _label(run: Run) -> str:
    name = "quadratic ½(y−a)²" if run.cost == "quadratic" else run.cost
    if run.cost == "rebuilt":
        name = f"rebuilt for {run.activation}"
    return f"{name}, η = {run.eta:g}"


def _figure(runs: Sequence[Run]) -> Figure:
    starts = list(dict.fromkeys((r.w0, r.b0) for r in runs))
    series = list(dict.fromkeys((r.cost, r.eta) for r in runs))
    colour = {}
    for cost in _COLOURS:
        keys = [k for k in series if k[0] == cost]
        for i, key in enumerate(keys):
            palette = _COLOURS[cost]
            colour[key] = palette[i % len(palette)]

    fig = Figure(figsize=(5.2 * len(starts) + 0.6, 8.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, len(starts), sharex=True, sharey="row", squeeze=False)
    for col, (w0, b0) in enumerate(starts):
        top, bottom = axes[0, col], axes[1, col]
        mine = [r for r in runs if (r.w0, r.b0) == (w0, b0)]
        c0 = ", ".join(dict.fromkeys(f"{r.cost_values[0]:.3f} {r.cost}" for r in mine))
        top.set_title(f"start w = {w0:g}, b = {b0:g}  (a₀ = {mine[0].a[0]:.3f})\nC₀ = {c0}")
        for run in mine:
            style = {"color": colour[(run.cost, run.eta)], "lw": 2.2, "label": _label(run)}
            epochs = range(run.epochs + 1)
            top.plot(epochs, run.cost_values / run.cost_values[0], **style)
            bottom.plot(epochs, run.a, **style)
        top.axhline(
            PLATEAU_FRACTION, color="0.55", ls=":", lw=1.3, label="C = 0.9 C₀ (plateau ends)"
        )
        bottom.axhline(0.5, color="0.55", ls="--", lw=1.3, label="a = 0.5")
        for ax in (top, bottom):
            ax.axvline(LECTURE_PLATEAU, color="0.75", lw=1, zorder=0)
            ax.grid(alpha=0.3)
        top.set_ylim(0, 1.05)
        bottom.set_ylim(min(0.0, *(float(r.a.min()) for r in mine)) - 0.02, 1.02)
        bottom.set_xlabel("epoch")
        bottom.set_xlim(0, max(r.epochs for r in mine))
    axes[0, 0].set_ylabel("cost relative to its start, C / C₀")
    f = "σ" if runs[0].activation == "sigmoid" else runs[0].activation
    axes[1, 0].set_ylabel(f"output a = {f}(w·1 + b)  (target 0)")
    handles, labels = axes[0, -1].get_legend_handles_labels()
    more, more_labels = axes[1, -1].get_legend_handles_labels()
    handles.append(more[-1])
    labels.append(more_labels[-1])
    fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
    fig.suptitle(
        f"One {runs[0].activation} neuron learning input 1 → output 0 (grey line: epoch 150)",
        fontsize=14,
    )
    return fig


def plot_runs(runs: Sequence[Run], out_dir: Path) -> tuple[Path, Path]:
    """Write ``slowdown.png`` and ``slowdown.svg`` into ``out_dir``; return their paths."""
    if not runs:
        raise ValueError("no runs to plot")
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{FIGURE_NAME}.png", out_dir / f"{FIGURE_NAME}.svg"
    with mpl.rc_context(_STYLE):
        fig = _figure(runs)
        fig.savefig(png, dpi=110, metadata={"Software": None})
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
    return png, svg
