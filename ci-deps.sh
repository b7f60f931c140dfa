#!/usr/bin/env bash
# Extra system and Python dependencies for the corpus and Spark tests (called from .ci/run).
# Java: PySpark (local mode in tests/test_spark.py) needs a JRE 17+; installed from Debian's
# packages only when no java is on PATH. The Python packages come with the README's install
# command (the 'test' extra includes the 'corpus' and 'spark' groups).
set -euo pipefail

if ! command -v java >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | sed -n 1p   # sed reads all input: no SIGPIPE under pipefail

