"""lifelines side of bench/compare.py: one task per process, like bench/r_survival.R.

Reads the cohort CSV with pandas, runs one analysis with lifelines, prints "TIMING load <s>" and
"TIMING compute <s>" and writes the numbers compare.py checks as JSON.

Usage: python3 bench/py_lifelines.py TASK cohort.csv out.json
  TASK: km | logrank | cox_efron | cox_efron_nostrata   (lifelines has no stratified log-rank, no Breslow ties)
"""
import json
import sys
import time

t_start = time.perf_counter()
import pandas as pd  # noqa: E402  (imports are part of the whole process, not of load)
from lifelines import CoxPHFitter, KaplanMeierFitter  # noqa: E402
from lifelines.statistics import multivariate_logrank_test  # noqa: E402

GRID = [30, 365, 730, 1095, 1825, 3000]
COVARIATES = [f"x{j}" for j in range(1, 11)]


def main():
    task, csv, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    stratified = task == "cox_efron"
    columns = ["time", "event", "group"] + (["cohort"] if stratified else []) + (
        COVARIATES if task.startswith("cox") else [])
    t0 = time.perf_counter()
    d = pd.read_csv(csv, usecols=columns)
    t1 = time.perf_counter()
    out = {}
    if task == "km":
        fits = {}
        for g, sub in d.groupby("group", sort=True):
            fits[g] = (KaplanMeierFitter().fit(sub["time"], sub["event"]), len(sub), int(sub["event"].sum()))
        t2 = time.perf_counter()
        for g, (kmf, n, events) in fits.items():
            out[f"{g}.n"] = n
            out[f"{g}.events"] = events
            out[f"{g}.median"] = float(kmf.median_survival_time_)
            surv = kmf.survival_function_at_times(GRID).to_numpy()
            for t, s in zip(GRID, surv):
                out[f"{g}.S({t:g})"] = float(s)
    elif task == "logrank":
        res = multivariate_logrank_test(d["time"], d["group"], d["event"])
        t2 = time.perf_counter()
        out["chisq"] = float(res.test_statistic)
    elif task in ("cox_efron", "cox_efron_nostrata"):
        x = pd.get_dummies(d, columns=["group"], prefix="group", prefix_sep="", drop_first=True, dtype=float)
        cph = CoxPHFitter().fit(x, duration_col="time", event_col="event",
                                strata=["cohort"] if stratified else None)
        t2 = time.perf_counter()
        for name, b in cph.params_.items():
            out[f"coef.{name}"] = float(b)
        out["loglik"] = float(cph.log_likelihood_)
    else:
        sys.exit(f"lifelines has no task {task}")
    print(f"TIMING load {t1 - t0:.4f}\nTIMING compute {t2 - t1:.4f}\nTIMING imports {t0 - t_start:.4f}")
    with open(out_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
