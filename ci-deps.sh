#!/usr/bin/env bash
# Extra system and Python dependencies for the corpus and Spark tests (called from .ci/run).
# Java: PySpark (local mode in tests/test_spark.py) needs a JRE 17+; installed from Debian's
# packages only when no java is on PATH. Python: the 'corpus' and 'spark' extras.
set -euo pipefail

if ! command -v java >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | sed -n 1p   # sed reads all input: no SIGPIPE under pipefail

python3 -m pip install --quiet "warcio>=1.7" "pyarrow>=12" "zstandard>=0.20" "pyspark>=3.5" "pandas>=2.0"
python3 -c "import pyspark, pyarrow, warcio, zstandard; print('pyspark', pyspark.__version__, '| pyarrow', pyarrow.__version__)"
