"""boilerplate.spark on a real local-mode Spark: results equal classify_many's."""
from __future__ import annotations

import os
import shutil
import sys

import pytest

pyspark = pytest.importorskip("pyspark")
pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (ci-deps.sh installs it)", allow_module_level=True)

import boilerplate  # noqa: E402
from boilerplate.errors import InputError  # noqa: E402
from boilerplate.spark import classify_dataframe  # noqa: E402
from tests.test_classify_cli import page_text, train_tiny_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

TEXTS = [page_text(i) for i in range(6)] + ["", "One line only", None]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "PYTHONPATH")}
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ["PYTHONPATH"] = repo + os.pathsep + os.environ.get("PYTHONPATH", "")  # executors import boilerplate
    session = (SparkSession.builder.master("local[2]").appName("boilerplate-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> str:
    return train_tiny_model(tmp_path_factory.mktemp("model") / "tiny.joblib")


def test_classify_dataframe_equals_classify_many(spark, model_path):
    df = spark.createDataFrame([(f"id{i}", t) for i, t in enumerate(TEXTS)], "id string, text string").repartition(2)
    out = classify_dataframe(df, model_path=model_path, keep=("body", "caption"))
    rows = {r["id"]: r for r in out.collect()}
    assert out.columns == ["id", "text", "blocks", "body"]
    model = boilerplate.load_model(model_path)
    present = [t for t in TEXTS if t is not None]
    docs = list(boilerplate.classify_many(present, model=model))
    for i, doc in zip([i for i, t in enumerate(TEXTS) if t is not None], docs):
        row = rows[f"id{i}"]
        got = [(b["start"], b["end"], b["label"], b["scores"].asDict()) for b in row["blocks"]]
        assert got == [(b.start, b.end, b.label, b.scores) for b in doc.blocks]
        assert row["body"] == doc.body_text(("body", "caption"))
    null_row = rows[f"id{len(TEXTS) - 1}"]
    assert null_row["blocks"] is None and null_row["body"] is None


def test_classify_dataframe_checks_columns_before_running(spark):
    df = spark.createDataFrame([("x",)], "content string")
    with pytest.raises(InputError, match="no column 'text'"):
        classify_dataframe(df)
    with pytest.raises(InputError, match="already has a column 'content'"):
        classify_dataframe(df, text_col="content", body_col="content")


def test_an_executor_loads_the_compiled_walk_with_its_model(monkeypatch):
    # the walk would otherwise load inside the first partition large enough to need it, on the clock
    from boilerplate import _trees, spark as boilerplate_spark

    monkeypatch.setattr(boilerplate_spark, "_MODELS", {})
    _trees._kernel.cache_clear()
    model = boilerplate_spark._executor_model("default", None)
    assert _trees._kernel.cache_info().currsize == 1
    assert boilerplate_spark._executor_model("default", None) is model  # once per worker process
