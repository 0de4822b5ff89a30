"""Runs the benchmark commands several times and prints medians (wall seconds, peak RSS).

Usage: python3 bench/measure.py BIN PARQUET CSV RUNS
"""
import os
import re
import shutil
import statistics
import subprocess
import sys


def timed(cmd):
    """Wall seconds and peak RSS (MB) of one run, via GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M"] + cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    m = re.search(r"TIME ([\d.]+) (\d+)", out.stderr)
    return float(m.group(1)), int(m.group(2)) / 1024, out.stdout


def main():
    binary, pq, csv, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tasks = {
        "km by group": [binary, "km", pq, "--time", "time", "--event", "event", "--by", "group", "--format", "json", "-o", "/dev/null"],
        "log-rank": [binary, "logrank", pq, "--time", "time", "--event", "event", "--by", "group", "--format", "json"],
    }
    rows = []
    for name, cmd in tasks.items():
        walls, rss = [], []
        for _ in range(runs):
            w, r, _ = timed(cmd)
            walls.append(w)
            rss.append(r)
        rows.append((f"sigsurv {name} (whole process, Parquet)", statistics.median(walls), max(rss)))
    # Both tasks in one go, the figure the target is stated for.
    rows.append(("sigsurv km + log-rank (sum)", rows[0][1] + rows[1][1], max(rows[0][2], rows[1][2])))
    print(f"{'task':55} {'median s':>9} {'peak RSS MB':>12}")
    for name, w, r in rows:
        print(f"{name:55} {w:9.3f} {r:12.0f}")
    if shutil.which("Rscript"):
        if not os.path.exists(csv):
            subprocess.run([binary, "simulate", "--n", re.search(r"_(\d+)\.", pq).group(1), "--seed", "1", "--covariates", "10", "-o", csv], check=True)
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run(["Rscript", os.path.join(here, "r_km_logrank.R"), csv, str(runs)], capture_output=True, text=True, check=True)
        times = [float(x) for x in re.findall(r"R_COMPUTE ([\d.]+)", out.stdout)]
        r_med = statistics.median(times)
        print(f"{'R survfit + survdiff (compute only)':55} {r_med:9.3f}")
        print(f"ratio R compute / sigsurv whole process: {r_med / rows[2][1]:.1f}x")
    else:
        print("Rscript not found: R comparison skipped")


if __name__ == "__main__":
    main()
