#!/usr/bin/env bash
# KM by group + log-rank on a generated 5,000,000-row cohort: sigsurv whole process (load from Parquet) against
# R's survfit + survdiff compute time. Prints medians of several runs; see docs/benchmarks.md.
# Usage: bash bench/run.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-5000000}
RUNS=${2:-5}
DATA=bench/data
mkdir -p "$DATA"
cargo build --release -p sigsurv-cli
BIN=target/release/sigsurv
PQ="$DATA/cohort_${ROWS}.parquet"
CSV="$DATA/cohort_${ROWS}.csv"
[ -f "$PQ" ] || "$BIN" simulate --n "$ROWS" --seed 1 --covariates 10 -o "$PQ"
python3 bench/measure.py "$BIN" "$PQ" "$CSV" "$RUNS"
