#!/usr/bin/env bash
# Runs a fixed list of sigsurv commands on the shipped fixtures and examples and writes each one's standard
# output (and any files it writes) under OUT_DIR, so that two builds can be compared byte for byte:
#
#   bench/outputs.sh target/debug/sigsurv /tmp/before      # on the old commit
#   bench/outputs.sh target/debug/sigsurv /tmp/after       # on the new one
#   diff -r /tmp/before /tmp/after && echo identical
#
# A restructuring change must leave the two folders identical. Run from the repository root.
set -uo pipefail
BIN=${1:?usage: bench/outputs.sh SIGSURV_BINARY OUT_DIR}
OUT=${2:?usage: bench/outputs.sh SIGSURV_BINARY OUT_DIR}
BIN=$(realpath "$BIN")
rm -rf "$OUT" && mkdir -p "$OUT"
OUT=$(realpath "$OUT")
F=fixtures
n=0
run() { # run NAME ARGS...: stdout to NAME.out, exit code and stderr to NAME.err
  local name=$1; shift
  n=$((n + 1))
  "$BIN" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
  echo "exit $?" >>"$OUT/$name.err"
}
G="$F/GBSG2/GBSG2.csv --time time --event cens"
for fmt in table json csv; do
  run km_$fmt km $G --by horTh --format $fmt
  run logrank_$fmt logrank $G --by tgrade --format $fmt
  run cox_$fmt cox $F/GBSG2/GBSG2.csv --formula "Surv(time, cens) ~ horTh + age + menostat + tsize + factor(tgrade) + pnodes + progrec + estrec" --format $fmt
  run aft_$fmt aft $F/GBSG2/GBSG2.csv --formula "Surv(time, cens) ~ horTh + age + tsize" --format $fmt
done
run km_conf km $G --by horTh --conf-type log-log --format json
run km_lung km $F/lung/lung.csv --time time --event status --by sex --format json
run logrank_strata logrank $G --by horTh --strata menostat --rho 1 --format json
run cox_strata cox $F/GBSG2/GBSG2.csv --formula "Surv(time, cens) ~ horTh + age + strata(menostat)" --ties breslow --zph --format json
run cox_robust cox $F/GBSG2/GBSG2.csv --formula "Surv(time, cens) ~ horTh + pnodes" --robust --format json
run cox_counting cox $F/heart/heart.csv --formula "Surv(start, stop, event) ~ age + surgery + transplant + cluster(id)" --format json
run cox_resid_mart cox $F/lung/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --residuals martingale
run cox_resid_score cox $F/lung/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog" --residuals score --format json
run cox_resid_schoen cox $F/lung/lung.csv --formula "Surv(time, status) ~ age + sex" --residuals schoenfeld
run cox_predict cox $F/lung/lung.csv --formula "Surv(time, status) ~ age + sex" --predict mean --format json
run aft_lognormal aft $F/lung/lung.csv --formula "Surv(time, status) ~ age + sex" --dist lognormal --format json
run cutpoint cutpoint $G --score pnodes --format json
run score score $F/gse1992/expression.csv --samples-in-rows --gene-column sample_id --set IL1 --format csv
run analyze analyze --clinical $F/gse1992/clinical.csv --expression $F/gse1992/expression.csv --samples-in-rows --id sample_id --time os_months --event os_event --set IL1 --out "$OUT/analyze_dir" --quiet
mkdir -p "$OUT/example"
sed -e "s#\.\./\.\./fixtures#$PWD/fixtures#" examples/il1_gse1992/analysis.toml >"$OUT/example/analysis.toml"
run run_example run "$OUT/example/analysis.toml" --quiet
run plot_km plot km $G --by horTh -o "$OUT/km.svg"
# Paths of this run's folder and of the checkout differ between two runs: write them as OUT and REPO.
grep -rlI --null "$OUT" "$OUT" | xargs -0 -r sed -i "s#$OUT#OUT#g"
REPO=$(pwd -P)
grep -rlI --null "$REPO" "$OUT" | xargs -0 -r sed -i "s#$REPO#REPO#g"
echo "$n commands; outputs in $OUT"
