# R side of the KM + log-rank benchmark: reads the CSV (not timed), then times survfit + survdiff (compute only).
# Usage: Rscript bench/r_km_logrank.R cohort.csv RUNS
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c(time = "numeric", event = "integer", group = "character"))[, c("time", "event", "group")]
runs <- as.integer(args[2])
for (i in seq_len(runs)) {
  t0 <- proc.time()[["elapsed"]]
  fit <- survfit(Surv(time, event) ~ group, data = d)
  lr <- survdiff(Surv(time, event) ~ group, data = d)
  t1 <- proc.time()[["elapsed"]]
  cat(sprintf("R_COMPUTE %.4f chisq=%.10g\n", t1 - t0, lr$chisq))
}
