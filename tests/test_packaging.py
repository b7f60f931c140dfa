"""Packaging: a wheel holds every subpackage and the bundled model (not only an editable install)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_for_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "boilerplate").rglob("__init__.py")}
    assert found <= listed, f"missing from [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"]["boilerplate.models"] == "models"
    assert {"*.joblib", "*.json"} <= set(config["package-data"]["boilerplate.models"])


def test_bundled_model_and_card_are_in_the_models_folder():
    assert (ROOT / "models" / "default.joblib").is_file()
    assert (ROOT / "models" / "default.json").is_file()
