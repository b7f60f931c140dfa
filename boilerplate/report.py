"""An evaluation as one self-contained HTML file: scores, confusion matrix, calibration, worst errors.

The input is per-block: gold label, predicted label, the five class probabilities (columns in
:data:`~boilerplate.document.LABELS` order), the page id, the page's language and the block's
text. Everything the page shows is computed here with numpy/scikit-learn; the plots are drawn by
matplotlib (``pip install boilerplate[report]``) and embedded as base64 PNG, so the file needs
no network and no other files.

>>> import numpy as np
>>> gold = ["body", "ad", "ad", "caption"]
>>> proba = np.array([[.9, 0, 0, .1, 0], [.2, 0, 0, .8, 0], [.7, 0, 0, .3, 0], [.1, .9, 0, 0, 0]])
>>> r = evaluation_tables(gold, proba, ["p1"] * 4, ["en"] * 4)
>>> r.accuracy, r.per_class["ad"]["recall"]
(0.75, 0.5)
"""
from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .document import LABELS

WORST_DEFAULT = 40
"""Errors listed: the wrong predictions made with the highest confidence."""
CALIBRATION_BINS = 15
"""Bins of the top-class probability (as in :func:`boilerplate.evaluate.expected_calibration_error`)."""
SNIPPET_CHARS = 200
MIN_BIN_BLOCKS = 5
"""Per-class calibration points from fewer blocks than this are not drawn."""


@dataclass
class Evaluation:
    """Scores computed from per-block results (what the report shows, also usable on its own)."""

    n_blocks: int
    n_pages: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    per_language: list[dict[str, Any]]
    per_source: list[dict[str, Any]]
    confusion: np.ndarray  # gold rows x predicted columns, LABELS order
    ece: float  # expected calibration error of the top-class probability
    calibration: dict[str, np.ndarray] = field(default_factory=dict)


def evaluation_tables(
    gold: Sequence[str],
    proba: np.ndarray,
    page_ids: Sequence[Any],
    langs: Sequence[str | None],
    pred: Sequence[str] | None = None,
    sources: Sequence[str | None] | None = None,
) -> Evaluation:
    """Per-class, per-language (and per-source) and calibration figures for per-block results.

    ``pred`` defaults to the most probable label of each row of ``proba``; a missing language
    or source (None or '') is shown as 'unknown'.
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    proba = np.asarray(proba, dtype=float)
    labels = np.array(LABELS)
    gold_a = np.asarray(gold, dtype=object)
    pred_a = labels[proba.argmax(axis=1)] if pred is None else np.asarray(pred, dtype=object)
    lang_a = np.array([lang or "unknown" for lang in langs], dtype=object)
    page_a = np.asarray([str(p) for p in page_ids], dtype=object)

    p, r, f, s = precision_recall_fscore_support(gold_a, pred_a, labels=list(LABELS), zero_division=0)
    predicted = np.array([(pred_a == lab).sum() for lab in LABELS])
    per_class = {
        lab: {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]), "support": int(s[k]), "predicted": int(predicted[k])}
        for k, lab in enumerate(LABELS)
    }
    present = s > 0
    macro_f1 = float(f[present].mean()) if present.any() else 0.0

    per_language = _per_group(lang_a, gold_a, pred_a, page_a)
    source_a = np.array(["unknown"] * len(gold_a) if sources is None else [s or "unknown" for s in sources],
                        dtype=object)
    per_source = _per_group(source_a, gold_a, pred_a, page_a)

    top = proba.max(axis=1)
    correct = gold_a == pred_a
    edges = np.linspace(0, 1, CALIBRATION_BINS + 1)
    which = np.clip(np.digitize(top, edges[1:-1]), 0, CALIBRATION_BINS - 1)
    counts = np.bincount(which, minlength=CALIBRATION_BINS)
    conf_sum = np.bincount(which, weights=top, minlength=CALIBRATION_BINS)
    acc_sum = np.bincount(which, weights=correct.astype(float), minlength=CALIBRATION_BINS)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = conf_sum / counts
        mean_acc = acc_sum / counts
    n = len(gold_a)
    ece = float(np.nansum(np.abs(mean_acc - mean_conf) * counts) / n) if n else 0.0

    return Evaluation(
        n_blocks=n,
        n_pages=int(len(np.unique(page_a))),
        accuracy=float(correct.mean()) if n else 0.0,
        macro_f1=macro_f1,
        per_class=per_class,
        per_language=per_language,
        per_source=per_source,
        confusion=confusion_matrix(gold_a, pred_a, labels=list(LABELS)) if n else np.zeros((5, 5), int),
        ece=ece,
        calibration={"edges": edges, "count": counts, "confidence": mean_conf, "accuracy": mean_acc},
    )


def _per_group(keys: np.ndarray, gold: np.ndarray, pred: np.ndarray, page: np.ndarray) -> list[dict[str, Any]]:
    """Scores for each distinct value of ``keys`` (a language, a source), largest group first."""
    from sklearn.metrics import precision_recall_fscore_support

    rows = []
    for key in np.unique(keys):
        m = keys == key
        p, r, f, s = precision_recall_fscore_support(gold[m], pred[m], labels=list(LABELS), zero_division=0)
        rows.append({
            "name": str(key), "pages": int(len(np.unique(page[m]))), "blocks": int(m.sum()),
            "accuracy": float((gold[m] == pred[m]).mean()),
            "macro_f1": float(f[s > 0].mean()) if (s > 0).any() else 0.0,
            "body_precision": float(p[0]), "body_recall": float(r[0]), "body_f1": float(f[0]),
        })
    rows.sort(key=lambda row: (-row["blocks"], row["name"]))
    return rows


def build_report(
    gold: Sequence[str],
    proba: np.ndarray,
    page_ids: Sequence[Any],
    langs: Sequence[str | None],
    texts: Sequence[str],
    *,
    pred: Sequence[str] | None = None,
    sources: Sequence[str | None] | None = None,
    title: str = "boilerplate evaluation",
    notes: dict[str, str] | None = None,
    worst: int = WORST_DEFAULT,
) -> str:
    """The whole report as one HTML string (see the module docstring for the inputs).

    ``notes`` are shown as a key/value list under the title (model, data, folds, ...).
    """
    proba = np.asarray(proba, dtype=float)
    ev = evaluation_tables(gold, proba, page_ids, langs, pred, sources)
    pred_a = np.array(LABELS)[proba.argmax(axis=1)] if pred is None else np.asarray(pred, dtype=object)
    info = dict(notes or {})
    info.setdefault("generated", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    sections = [
        f"<h1>{_e(title)}</h1>",
        _dl(info),
        _summary(ev),
        "<h2>Per class</h2>",
        _per_class_table(ev),
        "<h2>Confusion matrix</h2>",
        "<p class='note'>Rows: gold label; columns: predicted label; shading: share of the row.</p>",
        _confusion_table(ev.confusion),
        "<h2>Calibration</h2>",
        _calibration_section(ev, np.asarray(gold, dtype=object), proba),
        "<h2>Per language</h2>",
        _group_table(ev.per_language, "language"),
        *(["<h2>Per source</h2>", _group_table(ev.per_source, "source")] if len(ev.per_source) > 1 else []),
        f"<h2>Worst errors</h2><p class='note'>The {worst} wrong predictions made with the highest "
        "confidence: often label noise in the data, else the model's blind spots.</p>",
        _worst_errors(gold, pred_a, proba, page_ids, langs, texts, worst),
    ]
    return _page(title, "\n".join(sections))


def write_report(path: str | os.PathLike, *args: Any, **kw: Any) -> Path:
    """:func:`build_report` written to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(build_report(*args, **kw), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Sections

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto;
       max-width: 1100px; color: #1a1a1a; padding: 0 16px; }
h1 { font-size: 1.6em; margin-bottom: 4px; } h2 { margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
.note { color: #555; font-size: 0.92em; } dl { display: grid; grid-template-columns: max-content auto;
  gap: 2px 14px; color: #444; font-size: 0.92em; } dt { font-weight: 600; } dd { margin: 0; }
.cards { display: flex; gap: 14px; flex-wrap: wrap; } .card { border: 1px solid #ddd; border-radius: 6px;
  padding: 8px 14px; min-width: 110px; } .card b { display: block; font-size: 1.5em; }
.snip { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85em; text-align: left;
  white-space: pre-wrap; overflow-wrap: anywhere; max-width: 520px; }
img { max-width: 100%; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{_e(title)}</title>"
        f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def _summary(ev: Evaluation) -> str:
    body_f1 = ev.per_class["body"]["f1"]
    cards = [("pages", f"{ev.n_pages:,}"), ("blocks", f"{ev.n_blocks:,}"), ("accuracy", f"{ev.accuracy:.3f}"),
             ("macro F1", f"{ev.macro_f1:.3f}"), ("body F1", f"{body_f1:.3f}"), ("ECE", f"{ev.ece:.3f}")]
    return "<div class='cards'>" + "".join(f"<div class='card'>{k}<b>{v}</b></div>" for k, v in cards) + "</div>"


def _per_class_table(ev: Evaluation) -> str:
    rows = [
        f"<tr><td class='l'>{_e(lab)}</td><td>{m['precision']:.3f}</td><td>{m['recall']:.3f}</td>"
        f"<td>{m['f1']:.3f}</td><td>{m['support']:,}</td><td>{m['predicted']:,}</td></tr>"
        for lab, m in ev.per_class.items()
    ]
    return ("<table><tr><th class='l'>label</th><th>precision</th><th>recall</th><th>F1</th>"
            f"<th>gold blocks</th><th>predicted</th></tr>{''.join(rows)}</table>"
            "<p class='note'>Macro F1 averages the classes that occur in the gold labels.</p>")


def _group_table(rows: list[dict[str, Any]], what: str) -> str:
    body = [
        f"<tr><td class='l'>{_e(r['name'])}</td><td>{r['pages']:,}</td><td>{r['blocks']:,}</td>"
        f"<td>{r['accuracy']:.3f}</td><td>{r['macro_f1']:.3f}</td><td>{r['body_precision']:.3f}</td>"
        f"<td>{r['body_recall']:.3f}</td><td>{r['body_f1']:.3f}</td></tr>"
        for r in rows
    ]
    return (f"<table><tr><th class='l'>{_e(what)}</th><th>pages</th><th>blocks</th><th>accuracy</th>"
            "<th>macro F1</th><th>body P</th><th>body R</th><th>body F1</th></tr>"
            f"{''.join(body)}</table>")


def _confusion_table(cm: np.ndarray) -> str:
    row_sums = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, row_sums, out=np.zeros(cm.shape, dtype=float), where=row_sums > 0)
    head = "".join(f"<th>{_e(lab)}</th>" for lab in LABELS)
    rows = []
    for k, lab in enumerate(LABELS):
        cells = []
        for j in range(len(LABELS)):
            hue = "46,125,50" if j == k else "176,42,42"
            alpha = 0.08 + 0.72 * share[k, j] if cm[k, j] else 0
            cells.append(f"<td style='background: rgba({hue},{alpha:.2f})' title='{share[k, j]:.1%} of gold "
                         f"{_e(lab)}'>{cm[k, j]:,}</td>")
        rows.append(f"<tr><th class='l'>{_e(lab)}</th>{''.join(cells)}<td>{int(row_sums[k, 0]):,}</td></tr>")
    return (f"<table><tr><th class='l'>gold \\ predicted</th>{head}<th>total</th></tr>"
            f"{''.join(rows)}</table>")


def _calibration_section(ev: Evaluation, gold: np.ndarray, proba: np.ndarray) -> str:
    text = (f"<p class='note'>Expected calibration error of the top-class probability: <b>{ev.ece:.3f}</b> "
            f"({CALIBRATION_BINS} bins; 0 is perfect). Left: when the model says p, is it right a share p of the time? "
            f"Right: the same for each class against the rest (bins of at least {MIN_BIN_BLOCKS} blocks).</p>")
    try:
        png = _calibration_png(ev, gold, proba)
    except ImportError:
        return text + ("<p class='note'><b>No plot:</b> matplotlib is not installed "
                       "(pip install boilerplate[report]).</p>") + _calibration_table(ev)
    return text + f"<img alt='calibration plot' src='data:image/png;base64,{png}'>" + _calibration_table(ev)


def _calibration_table(ev: Evaluation) -> str:
    c = ev.calibration
    rows = []
    for k in range(CALIBRATION_BINS):
        if not c["count"][k]:
            continue
        rows.append(f"<tr><td class='l'>{c['edges'][k]:.1f}–{c['edges'][k + 1]:.1f}</td><td>{c['count'][k]:,}</td>"
                    f"<td>{c['confidence'][k]:.3f}</td><td>{c['accuracy'][k]:.3f}</td></tr>")
    return ("<details><summary>Calibration bins</summary><table><tr><th class='l'>top score</th><th>blocks</th>"
            f"<th>mean score</th><th>accuracy</th></tr>{''.join(rows)}</table></details>")


def _calibration_png(ev: Evaluation, gold: np.ndarray, proba: np.ndarray) -> str:
    from matplotlib.figure import Figure  # no pyplot: the caller's backend is left alone

    from .display import LABEL_COLOURS

    fig = Figure(figsize=(10, 4.2), dpi=100)
    ax1, ax2 = fig.subplots(1, 2)
    c = ev.calibration
    centres = (c["edges"][:-1] + c["edges"][1:]) / 2
    ok = c["count"] > 0
    ax1.bar(centres[ok], c["accuracy"][ok], width=0.9 / CALIBRATION_BINS, color="#9cc3e6", edgecolor="#2a5bb8", label="accuracy")
    ax1.plot([0, 1], [0, 1], "--", color="#888", label="perfect")
    ax1.plot(c["confidence"][ok], c["accuracy"][ok], "o-", color="#b02a2a", ms=4, label="observed")
    ax1.set(xlim=(0, 1), ylim=(0, 1), xlabel="top-class probability", ylabel="share correct",
            title=f"Top-class reliability (ECE {ev.ece:.3f})")
    ax1.legend(loc="upper left", fontsize=8)
    edges = c["edges"]
    for k, lab in enumerate(LABELS):
        is_lab = gold == lab
        if not is_lab.any():
            continue
        p = proba[:, k]
        which = np.clip(np.digitize(p, edges[1:-1]), 0, len(edges) - 2)
        n = np.bincount(which, minlength=len(edges) - 1)
        hit = np.bincount(which, weights=is_lab.astype(float), minlength=len(edges) - 1)
        conf = np.bincount(which, weights=p, minlength=len(edges) - 1)
        m = n >= MIN_BIN_BLOCKS  # a point from a handful of blocks is noise
        ax2.plot(conf[m] / n[m], hit[m] / n[m], "o-", ms=3, color=LABEL_COLOURS[lab][1], label=lab)
    ax2.plot([0, 1], [0, 1], "--", color="#888")
    ax2.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted probability of the class",
            ylabel="share of blocks in the class", title="Per class, one against the rest")
    ax2.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _worst_errors(gold, pred, proba, page_ids, langs, texts, worst: int) -> str:
    gold_a = np.asarray(gold, dtype=object)
    wrong = np.flatnonzero(gold_a != np.asarray(pred, dtype=object))
    if not len(wrong):
        return "<p>No errors.</p>"
    index = {lab: k for k, lab in enumerate(LABELS)}
    pred_k = np.array([index[p] for p in np.asarray(pred)[wrong]])
    gold_k = np.array([index[g] for g in gold_a[wrong]])
    conf = proba[wrong, pred_k]
    order = np.argsort(-conf, kind="stable")[:worst]
    rows = []
    for o in order:
        i = wrong[o]
        t = texts[i]
        snip = t if len(t) <= SNIPPET_CHARS else t[:SNIPPET_CHARS - 1] + "…"
        rows.append(
            f"<tr><td class='l'>{_e(str(page_ids[i]))}</td><td class='l'>{_e(langs[i] or '')}</td>"
            f"<td class='l'>{_e(gold_a[i])}</td><td class='l'><b>{_e(pred[i])}</b></td>"
            f"<td>{conf[o]:.3f}</td><td>{proba[i, gold_k[o]]:.3f}</td><td class='snip'>{_e(snip)}</td></tr>"
        )
    return ("<table><tr><th class='l'>page</th><th class='l'>lang</th><th class='l'>gold</th>"
            "<th class='l'>predicted</th><th>p(pred)</th><th>p(gold)</th><th class='l'>text</th></tr>"
            f"{''.join(rows)}</table><p class='note'>{len(wrong):,} wrong blocks in all.</p>")


def _dl(items: dict[str, str]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(str(v))}</dd>" for k, v in items.items()) + "</dl>"


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)
