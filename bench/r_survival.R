# R side of bench/compare.py: one task per process, so the whole process and its peak memory are measured too.
# Reads the cohort CSV (data.table::fread when installed, else read.csv), runs one analysis with survival, prints
# "TIMING load <s>" and "TIMING compute <s>" and writes the numbers compare.py checks as JSON.
# Usage: Rscript bench/r_survival.R TASK cohort.csv out.json
#   TASK: km | logrank | logrank_strat | cox_efron | cox_breslow | cox_efron_nostrata | cox_breslow_nostrata
#         | cif_gray (survfit multi-state + cmprsk::cuminc's Gray test) | finegray (cmprsk::crr)
#         | validate (riskRegression::Score AUC at 3 times and survival::concordance of the score)
#         | cox_formula (score * group + ns(x1, df = 4) + strata(cohort)) | cox_formula_plain (score + group + x1 +
#           strata(cohort))
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]
covariates <- paste0("x", 1:10)
columns <- if (startsWith(task, "cox_formula")) c("time", "event", "group", "cohort", "score", "x1") else if (task == "validate") c("time", "event", "score") else if (task == "cif_gray") c("time", "cause", "group") else if (task == "finegray") {
  c("time", "cause", covariates)
} else {
  c("time", "event", "group",
    if (task == "logrank_strat" || task %in% c("cox_efron", "cox_breslow")) "cohort",
    if (startsWith(task, "cox")) covariates)
}

t0 <- proc.time()[["elapsed"]]
d <- if (requireNamespace("data.table", quietly = TRUE)) {
  data.table::fread(args[2], select = columns, showProgress = FALSE, data.table = FALSE)
} else {
  read.csv(args[2])[, columns]
}
t1 <- proc.time()[["elapsed"]]

grid <- c(30, 365, 730, 1095, 1825, 3000)
out <- list()
if (task == "km") {
  fit <- survfit(Surv(time, event) ~ group, data = d)
  t2 <- proc.time()[["elapsed"]]
  tab <- summary(fit)$table
  s <- summary(fit, times = grid, extend = TRUE)
  for (i in seq_len(nrow(tab))) {
    g <- sub("^group=", "", rownames(tab)[i])
    out[[paste0(g, ".n")]] <- tab[i, "records"]
    out[[paste0(g, ".events")]] <- tab[i, "events"]
    out[[paste0(g, ".median")]] <- tab[i, "median"]
    surv <- s$surv[sub("^group=", "", as.character(s$strata)) == g]
    for (j in seq_along(grid)) out[[sprintf("%s.S(%g)", g, grid[j])]] <- surv[j]
  }
} else if (task == "validate") {
  suppressPackageStartupMessages(library(riskRegression))
  times <- c(365, 1095, 1825)
  sc <- Score(list(score = d$score), formula = Hist(time, event) ~ 1, data = d, metrics = "auc",
              times = times, cens.model = "km", null.model = FALSE, conf.int = TRUE)
  conc <- concordance(Surv(time, event) ~ score, data = d, reverse = TRUE)
  t2 <- proc.time()[["elapsed"]]
  auc <- sc$AUC$score
  for (k in seq_along(times)) {
    out[[sprintf("auc(%g)", times[k])]] <- auc$AUC[auc$times == times[k]]
    out[[sprintf("auc_se(%g)", times[k])]] <- auc$se[auc$times == times[k]]
  }
  out$harrell <- unname(conc$concordance)
} else if (task == "cif_gray") {
  suppressPackageStartupMessages(library(cmprsk))
  fit <- survfit(Surv(time, factor(cause)) ~ group, data = d)
  gray <- cuminc(d$time, d$cause, d$group, cencode = 0)$Tests
  t2 <- proc.time()[["elapsed"]]
  s <- summary(fit, times = grid, extend = TRUE)
  groups <- sub("^group=", "", as.character(s$strata))
  for (k in 1:2) {
    for (i in seq_along(groups)) {
      out[[sprintf("%s.F%d(%g)", groups[i], k, s$time[i])]] <- s$pstate[i, k + 1]
    }
    out[[paste0("gray", k)]] <- unname(gray[as.character(k), "stat"])
  }
} else if (task == "finegray") {
  suppressPackageStartupMessages(library(cmprsk))
  fit <- crr(d$time, d$cause, as.matrix(d[, covariates]), failcode = 1, cencode = 0)
  t2 <- proc.time()[["elapsed"]]
  for (j in seq_along(covariates)) out[[paste0("coef.", covariates[j])]] <- unname(fit$coef[j])
  out$loglik <- fit$loglik
} else if (startsWith(task, "logrank")) {
  f <- if (task == "logrank") Surv(time, event) ~ group else Surv(time, event) ~ group + strata(cohort)
  lr <- survdiff(f, data = d)
  t2 <- proc.time()[["elapsed"]]
  out$chisq <- lr$chisq
  obs <- if (is.matrix(lr$obs)) rowSums(lr$obs) else lr$obs
  exp <- if (is.matrix(lr$exp)) rowSums(lr$exp) else lr$exp
  for (i in seq_along(obs)) {
    g <- sub("^group=", "", names(lr$n)[i])
    out[[paste0(g, ".observed")]] <- obs[i]
    out[[paste0(g, ".expected")]] <- exp[i]
  }
} else if (startsWith(task, "cox_formula")) {
  suppressPackageStartupMessages(library(splines))
  f <- if (task == "cox_formula") Surv(time, event) ~ score * group + ns(x1, df = 4) + strata(cohort) else
    Surv(time, event) ~ score + group + x1 + strata(cohort)
  fit <- coxph(f, data = d)
  t2 <- proc.time()[["elapsed"]]
  for (nm in names(coef(fit))) out[[paste0("coef.", nm)]] <- unname(coef(fit)[nm])
  out$loglik <- fit$loglik[2]
} else {
  ties <- sub("_nostrata$", "", sub("^cox_", "", task))
  strata <- if (endsWith(task, "_nostrata")) "" else "+ strata(cohort)"
  f <- as.formula(paste("Surv(time, event) ~", paste(covariates, collapse = " + "), "+ group", strata))
  fit <- coxph(f, data = d, ties = ties)
  t2 <- proc.time()[["elapsed"]]
  for (nm in names(coef(fit))) out[[paste0("coef.", nm)]] <- unname(coef(fit)[nm])
  out$loglik <- fit$loglik[2]
}
cat(sprintf("TIMING load %.4f\nTIMING compute %.4f\n", t1 - t0, t2 - t1))
jsonlite::write_json(out, args[3], digits = NA, auto_unbox = TRUE, na = "null")
