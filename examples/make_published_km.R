# examples/gbsg2_published_km.csv: a stand-in for survival curves digitised from a publication, to try
# `sigsurv plot km --overlay`: GBSG2's own Kaplan-Meier curves by hormonal therapy, read at every 365 days
# (survfit + summary(times =)). Run from this folder:  Rscript make_published_km.R
suppressPackageStartupMessages(library(survival))
d <- read.csv("../fixtures/GBSG2/GBSG2.csv")
s <- summary(survfit(Surv(time, cens) ~ horTh, data = d), times = seq(0, 2555, by = 365))
out <- data.frame(time = s$time, survival = round(s$surv, 3), group = sub("horTh=", "", as.character(s$strata)))
write.csv(out, "gbsg2_published_km.csv", row.names = FALSE, quote = FALSE)
