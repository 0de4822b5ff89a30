"""Writes a cohort for the elastic-net Cox benchmark: an expression matrix (samples in rows) with a known sparse
truth, and its clinical table.

Usage: python3 bench/gen_coxnet.py SAMPLES GENES OUTDIR
Genes G00000.. are independent standard normal draws (from a pool of 100,003 values, 6 significant digits); the
log hazard is 0.5 * (G00000 + ... + G00004) - 0.5 * (G00005 + ... + G00009); survival times exponential with that
hazard, censored by an independent exponential (about 36% censored: 717 of 2,000), rounded to 0.001. Writes OUTDIR/expression.csv
and OUTDIR/clinical.csv (sample_id, time, event, age, foldid: ten folds of equal size in a seeded random order, so
that sigsurv and cv.glmnet cross-validate on the same folds).
"""
import math
import os
import random
import sys

TRUE = {f"G{i:05d}": (0.5 if i < 5 else -0.5) for i in range(10)}


def main():
    n, p, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261204)
    values = [float(f"{rng.gauss(0, 1):.6g}") for _ in range(100_003)]
    text = [f"{v:.6g}" for v in values]
    genes = [f"G{i:05d}" for i in range(p)]
    with open(os.path.join(out, "expression.csv"), "w") as fx, open(os.path.join(out, "clinical.csv"), "w") as fc:
        fx.write("sample_id," + ",".join(genes) + "\n")
        fc.write("sample_id,time,event,age,foldid\n")
        folds = [1 + s % 10 for s in range(n)]
        random.Random(20261207).shuffle(folds)
        for s in range(n):
            idx = [rng.randrange(len(values)) for _ in range(p)]
            eta = sum(TRUE[g] * values[idx[j]] for j, g in enumerate(genes[:10]))
            t = rng.expovariate(0.1 * math.exp(eta))
            c = rng.expovariate(0.04)
            time, event = (t, 1) if t <= c else (c, 0)
            fx.write(f"S{s:05d}," + ",".join(text[i] for i in idx) + "\n")
            fc.write(f"S{s:05d},{max(time, 0.001):.3f},{event},{rng.randint(30, 80)},{folds[s]}\n")


if __name__ == "__main__":
    main()
