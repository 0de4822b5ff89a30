# R side of bench/compare.py's coxnet task: the full cv.glmnet run (the path at nlambda 100 and the 10-fold
# cross-validation on the cohort's own foldid column) on an expression matrix from bench/gen_coxnet.py.
# Prints "TIMING load <s>" and "TIMING compute <s>" and writes the numbers compare.py checks as JSON.
# Usage: Rscript bench/r_glmnet.R DIR out.json   (DIR holds expression.csv, samples in rows, and clinical.csv)
suppressPackageStartupMessages({ library(glmnet); library(survival) })
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
read <- function(f) if (requireNamespace("data.table", quietly = TRUE)) {
  data.table::fread(f, showProgress = FALSE, data.table = FALSE)
} else {
  read.csv(f, check.names = FALSE)
}
expr <- read(file.path(args[1], "expression.csv"))
clin <- read(file.path(args[1], "clinical.csv"))
stopifnot(identical(expr$sample_id, clin$sample_id))
x <- as.matrix(expr[, -1])
t1 <- proc.time()[["elapsed"]]
fit <- cv.glmnet(x, Surv(clin$time, clin$event), family = "cox", foldid = clin$foldid)
t2 <- proc.time()[["elapsed"]]
true_genes <- sprintf("G%05d", 0:9)
out <- list(lambda_max = fit$glmnet.fit$lambda[1], n_lambda = length(fit$glmnet.fit$lambda),
            approx.dev_ratio_last = tail(fit$glmnet.fit$dev.ratio, 1))
for (k in c("lambda_min", "lambda_1se")) {
  lam <- fit[[sub("_", ".", k)]]
  i <- match(lam, fit$lambda)
  genes <- rownames(coef(fit, s = lam))[as.vector(coef(fit, s = lam)) != 0]
  out[[k]] <- lam
  out[[sprintf("approx.cvm(%s)", k)]] <- fit$cvm[i]
  out[[sprintf("true_genes(%s)", k)]] <- sum(genes %in% true_genes)
  out[[sprintf("false_genes(%s)", k)]] <- sum(!genes %in% true_genes)
}
cat(sprintf("TIMING load %.4f\nTIMING compute %.4f\n", t1 - t0, t2 - t1))
jsonlite::write_json(out, args[2], digits = NA, auto_unbox = TRUE)
