"""Writes a random expression matrix for the read benchmark (docs/expression.md).

Usage: python3 bench/gen_expression.py SAMPLES GENES OUT.csv [--samples-in-rows]
Values are log2-like numbers with 6 significant digits; gene names G00001.., sample names S0001.., plus the IL1
panel genes as the first 27 gene names so that a set matches.
"""
import random
import sys

PANEL = ("IL1B IL1A IL1R1 IL1R2 IL1RAP IL1RN MYD88 SYK IRAK1 IRAK2 IRAK3 IRAK4 TLR1 TLR2 TLR3 TLR4 TLR5 TLR6 "
         "TLR7 TLR8 TLR9 TLR10 CASP1 NLRP3 IL6 CXCL8 PTGS2").split()


def main():
    n_samples, n_genes, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    samples_in_rows = "--samples-in-rows" in sys.argv
    rng = random.Random(1)
    genes = PANEL + [f"G{i:05d}" for i in range(n_genes - len(PANEL))]
    samples = [f"S{i:04d}" for i in range(n_samples)]
    # A pool of formatted numbers keeps generation fast; cells are drawn from it.
    pool = [f"{rng.gauss(6, 2):.6g}" for _ in range(100_003)]
    with open(out, "w") as f:
        if samples_in_rows:
            f.write("sample_id," + ",".join(genes) + "\n")
            for s in samples:
                f.write(s + "," + ",".join(rng.choices(pool, k=n_genes)) + "\n")
        else:
            f.write("gene," + ",".join(samples) + "\n")
            for g in genes:
                f.write(g + "," + ",".join(rng.choices(pool, k=n_samples)) + "\n")


if __name__ == "__main__":
    main()
