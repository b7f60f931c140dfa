"""The example notebook runs top to bottom (so it cannot rot) and shows what it promises."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def outputs(cell, kind):
    for out in cell.get("outputs", []):
        if kind == "stream" and out.get("output_type") == "stream":
            yield out["text"]
        elif kind in out.get("data", {}):
            yield out["data"][kind]


def test_example_notebook_executes_and_shows_the_page(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # the kernel inherits it: no OpenMP spinning on busy CI cores
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(EXAMPLES / "notebook.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    html = [h for c in code for h in outputs(c, "text/html")]
    assert sum('class="bp-document"' in h for h in html) == 2  # the page before and after retraining
    assert any("<table" in h and "contribution" in h for h in html)  # the explanation
    assert any(h.count("score_body") for h in html)  # the DataFrame
    assert any(True for c in code for _ in outputs(c, "image/png"))  # the per-class score plot
    text = "".join(t for c in code for t in outputs(c, "stream"))
    m = re.search(r"disagree with the person: (\d+) before, (\d+) after retraining", text)
    assert m, text[-500:]
    before, after = int(m[1]), int(m[2])
    assert after < before or before == 0
    assert after <= 2
