# Everyday recipes. `just --list` shows them.

# Run the main job on the shipped GBSG2 breast-cancer data: KM by hormone therapy, then the log-rank test
demo:
    cargo run -p sigsurv-cli -- km fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh
    cargo run -p sigsurv-cli -- logrank fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh

# All tests (what CI runs)
test:
    cargo test --workspace --locked

# Formatting and lints
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --locked

# Regenerate every R reference under fixtures/ (needs R with survival, TH.data, KMsurv, GSVA, maxstat, jsonlite)
reference:
    cd fixtures && Rscript export_datasets.R
    cd fixtures && for f in $(find . -name 'make_*.R' | sort); do echo "== $f"; (cd "$(dirname "$f")" && Rscript "$(basename "$f")"); done

# Criterion micro-benchmarks of the core kernels (KM, log-rank, Cox Newton step, ssGSEA); see docs/benchmarks.md
bench:
    cargo bench -p sigsurv-core

# sigsurv against R survival and lifelines (when installed) on simulated cohorts, e.g. `just bench-compare --sizes 100k --runs 1`
bench-compare *ARGS:
    cargo build --release -p sigsurv-cli
    python3 bench/compare.py {{ARGS}}
