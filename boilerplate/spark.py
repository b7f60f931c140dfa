"""Classify a Spark DataFrame of pages: one function, built on ``mapInPandas``.

:func:`classify_dataframe` returns the DataFrame with two more columns: ``blocks`` (an array of
``struct<start: bigint, end: bigint, label: string, scores: struct<body, caption, embed, ad,
ticker: double>>``, in document order) and ``body`` (the text of the blocks whose label is in
``keep``). A null text gives null in both.

The model travels once per executor, not once per task: a model file given by path is loaded
and checked on the driver, then broadcast; each executor's Python worker unpickles it on first
use and keeps it in a module-level cache for every later partition. The bundled default model
is not shipped at all: each executor loads it from its own installation of ``boilerplate``
(which the executors need anyway, as the code that runs there).

Example (see ``docs/spark.md`` for a cluster)::

    from pyspark.sql import SparkSession
    from boilerplate.spark import classify_dataframe

    spark = SparkSession.builder.master("local[*]").getOrCreate()
    pages = spark.read.json("pages.jsonl")             # a 'text' column
    out = classify_dataframe(pages, text_col="text")
    out.select("id", "body").write.parquet("clean/")
"""
from __future__ import annotations

import hashlib
import pickle
from typing import Any, Iterator, Sequence

from .document import LABELS
from .errors import InputError

# Executor side: models by key, loaded once per Python worker process.
_MODELS: dict[str, Any] = {}


def blocks_type() -> Any:
    """The Spark type of the ``blocks`` column."""
    from pyspark.sql import types as T

    scores = T.StructType([T.StructField(k, T.DoubleType()) for k in LABELS])
    block = T.StructType([
        T.StructField("start", T.LongType()), T.StructField("end", T.LongType()),
        T.StructField("label", T.StringType()), T.StructField("scores", scores),
    ])
    return T.ArrayType(block)


def classify_dataframe(
    df: Any,
    text_col: str = "text",
    model_path: str | None = None,
    keep: Sequence[str] = ("body",),
    *,
    blocks_col: str = "blocks",
    body_col: str = "body",
    batch_size: int = 64,
) -> Any:
    """``df`` with a ``blocks`` column (array of structs) and a ``body`` text column added.

    ``model_path`` is a model file readable on the driver (``None``: the bundled model);
    ``keep`` the labels whose blocks make the body text. Raises :class:`InputError` for a
    missing text column or an output column that already exists, and
    :class:`boilerplate.ModelError` for a bad model file, before any Spark job runs.

    >>> out = classify_dataframe(spark.createDataFrame([("a", "Title\\n\\nText.")], "id string, text string"))  # doctest: +SKIP
    >>> out.columns  # doctest: +SKIP
    ['id', 'text', 'blocks', 'body']
    """
    from pyspark.sql import types as T

    if text_col not in df.columns:
        raise InputError(f"no column {text_col!r} in the DataFrame (columns: {', '.join(df.columns)})")
    for col in (blocks_col, body_col):
        if col in df.columns:
            raise InputError(f"the DataFrame already has a column {col!r}; pass blocks_col=/body_col= to name "
                             "the new columns")
    keep = tuple(keep)
    unknown = [k for k in keep if k not in LABELS]
    if unknown:
        raise InputError(f"keep={keep!r}: unknown labels {unknown}; labels are {', '.join(LABELS)}")
    key, shipped = _ship_model(df.sparkSession, model_path)
    schema = T.StructType(df.schema.fields + [T.StructField(blocks_col, blocks_type()),
                                              T.StructField(body_col, T.StringType())])

    def classify_partition(frames: Iterator[Any]) -> Iterator[Any]:
        from threadpoolctl import ThreadpoolController

        model = _executor_model(key, shipped)
        controller = ThreadpoolController()
        for frame in frames:
            with controller.limit(limits=1):  # Spark runs one task per core: one thread per task
                out = classify_frame(frame, model, text_col, keep, blocks_col, body_col, batch_size)
            yield out

    return df.mapInPandas(classify_partition, schema)


def classify_frame(frame: Any, model: Any, text_col: str = "text", keep: Sequence[str] = ("body",),
                   blocks_col: str = "blocks", body_col: str = "body", batch_size: int = 64) -> Any:
    """Classify one pandas DataFrame's text column (what each Spark task runs per Arrow batch).

    >>> import pandas as pd, boilerplate
    >>> out = classify_frame(pd.DataFrame({"text": ["Foto: AFP", None]}), boilerplate.load_model())  # doctest: +SKIP
    >>> out["body"].tolist()[1] is None  # doctest: +SKIP
    True
    """
    from .api import classify_many

    texts = frame[text_col].tolist()
    present = [i for i, t in enumerate(texts) if isinstance(t, str)]
    blocks: list[Any] = [None] * len(texts)
    bodies: list[Any] = [None] * len(texts)
    docs = classify_many((texts[i] for i in present), batch_size=batch_size, model=model)
    for i, doc in zip(present, docs):
        blocks[i] = [{"start": b.start, "end": b.end, "label": b.label, "scores": b.scores} for b in doc.blocks]
        bodies[i] = doc.body_text(keep)
    out = frame.copy()
    out[blocks_col] = blocks
    out[body_col] = bodies
    return out


def _ship_model(spark: Any, model_path: str | None) -> tuple[str, Any]:
    """(cache key, broadcast of the pickled model or None for the bundled default)."""
    if model_path is None:
        return "default", None
    from .api import load_model

    payload = pickle.dumps(load_model(model_path), protocol=pickle.HIGHEST_PROTOCOL)
    key = hashlib.sha256(payload).hexdigest()
    return key, spark.sparkContext.broadcast(payload)


def _executor_model(key: str, shipped: Any) -> Any:
    """The model for ``key``, unpickled (or loaded from the installation) once per worker process."""
    model = _MODELS.get(key)
    if model is None:
        from ._trees import warm_up
        from .api import load_model

        model = load_model() if shipped is None else pickle.loads(shipped.value)
        _MODELS[key] = model
        warm_up()  # load the compiled tree walk now: a small first partition would not
    return model


# ---------------------------------------------------------------------------------------------
# Benchmark section (registered in boilerplate.bench)


def bench_spark(bench: Any) -> dict[str, Any]:
    """Spark ``local[*]`` throughput on the bench corpus, as a multiple of ``classify_many``'s.

    Both run in this benchmark: ``classify_many`` in this process (one core), then
    :func:`classify_dataframe` over the same texts in a DataFrame cached in Spark, written to
    Spark's ``noop`` sink. Session start-up and a warm-up job (which starts the Python workers
    and loads their models) are left out of the timing. Skipped, with a row saying why, when
    PySpark or Java is missing.
    """
    import os
    import shutil
    import sys
    import time

    from .api import classify_many

    try:
        import pandas as pd
        from pyspark.sql import SparkSession
    except ImportError as exc:
        bench.row("Spark local[*]", "skipped", f"({exc.name} is not installed: pip install '.[spark]')")
        return {"skipped": f"{exc.name} not installed"}
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        bench.row("Spark local[*]", "skipped", "(no Java: see ci-deps.sh)")
        return {"skipped": "no java"}
    corpus, args = bench.corpus, bench.args
    t0 = time.perf_counter()
    for _ in classify_many(corpus.texts, batch_size=args.batch_size, model=bench.model):
        pass
    local_s = time.perf_counter() - t0

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.environ["PYTHONPATH"] = repo + os.pathsep + os.environ.get("PYTHONPATH", "")
    cores = os.cpu_count() or 1
    spark = (SparkSession.builder.master("local[*]").appName("boilerplate-bench")
             .config("spark.ui.enabled", "false").config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = pd.DataFrame({"id": [str(i) for i in range(len(corpus.texts))], "text": corpus.texts})
        df = spark.createDataFrame(frame).repartition(4 * cores).cache()
        df.count()
        warm = spark.createDataFrame(frame.head(8 * cores)).repartition(2 * cores)
        classify_dataframe(warm, model_path=args.model).write.format("noop").mode("overwrite").save()
        t0 = time.perf_counter()
        classify_dataframe(df, model_path=args.model).write.format("noop").mode("overwrite").save()
        spark_s = time.perf_counter() - t0
    finally:
        spark.stop()
    ratio = local_s / spark_s
    bench.row("Spark local[*] vs classify_many", f"{ratio:.2f}x",
              f"{corpus.mb / spark_s:.2f} MB/s on {cores} cores vs {corpus.mb / local_s:.2f} MB/s in one process")
    return {"cores": cores, "spark_mb_per_s": round(corpus.mb / spark_s, 3),
            "classify_many_mb_per_s": round(corpus.mb / local_s, 3), "spark_over_classify_many": round(ratio, 3)}
