# Golden values for the experiment design's regression estimators from R estimatr:
#   Lin (2013) fully interacted adjustment: lm_lin(..., se_type = "HC2") and with clusters (CR2);
#   arm-dummy OLS clustered by the randomization unit: lm_robust(clusters =, se_type = "CR2" | "stata");
#   CUPED with clusters: theta = cov(y, pre) / var(pre) over all rows, lm_robust(y_adj ~ arm, clusters, CR2);
#   relative lift (b0 + b_v) / b0 - 1 with the delta method on vcov(fit).
# Run from the repository root:  Rscript test/golden/scripts/experiment_estimatr.R
# (after experiment_peers.py, which writes test/golden/experiment/three_arm.csv)
suppressPackageStartupMessages({
  library(estimatr)
  library(jsonlite)
})

rel <- function(fit, term) {
  b <- coef(fit); V <- vcov(fit)
  i0 <- 1; ij <- which(names(b) == term)
  a <- b[i0]; d <- b[ij]
  g <- c(-d / a^2, 1 / a)
  idx <- c(i0, ij)
  se <- sqrt(as.numeric(t(g) %*% V[idx, idx] %*% g))
  est <- unname(d / a)
  z <- qnorm(0.975)
  list(estimate = est, se = se, pValue = 2 * pnorm(-abs(est / se)), ci = c(est - z * se, est + z * se),
       controlMean = unname(a), variantMean = unname(a + d))
}

summ <- function(fit, terms) {
  out <- list()
  for (key in names(terms)) {
    tm <- terms[[key]]
    i <- which(names(coef(fit)) == tm)
    out[[key]] <- list(
      estimate = unname(coef(fit)[i]), se = unname(fit$std.error[i]), df = unname(fit$df[i]),
      pValue = unname(fit$p.value[i]), ci = c(unname(fit$conf.low[i]), unname(fit$conf.high[i])),
      relative = rel(fit, tm)
    )
  }
  out
}

three <- read.csv("test/golden/experiment/three_arm.csv")
three$arm <- factor(three$arm, levels = c("A", "B", "C"))
fixture <- read.csv(gzfile("test/fixtures/saas_llm_logs_seed42.csv.gz"))
fixture$wave_arm <- factor(fixture$wave, levels = c(2, 1))
fixture$variant <- factor(fixture$prompt_variant, levels = c(0, 1))

theta <- cov(three$y, three$pre) / var(three$pre)
three$y_adj <- three$y - theta * (three$pre - mean(three$pre))

ab <- c(B = "armB", C = "armC")
expected <- list(
  lin_hc2_three = summ(lm_lin(y ~ arm, covariates = ~ x1 + x2, data = three, se_type = "HC2"), ab),
  lin_cr2_three = summ(lm_lin(y ~ arm, covariates = ~ x1 + x2, data = three, clusters = team, se_type = "CR2"), ab),
  cr2_three = summ(lm_robust(y ~ arm, data = three, clusters = team, se_type = "CR2"), ab),
  cr1_three = summ(lm_robust(y ~ arm, data = three, clusters = team, se_type = "stata"), ab),
  cuped_cr2_three = c(list(theta = theta), summ(lm_robust(y_adj ~ arm, data = three, clusters = team, se_type = "CR2"), ab)),
  lin_hc2_fixture = summ(lm_lin(task_completed ~ variant, covariates = ~ signup_week + opt_in_agent_mode + query_confidence,
                               data = fixture, se_type = "HC2"), c(`1` = "variant1")),
  cr2_fixture_wave = summ(lm_robust(task_completed ~ wave_arm, data = fixture, clusters = workspace_id, se_type = "CR2"),
                          c(`1` = "wave_arm1"))
)

doc <- list(
  tool = "R estimatr",
  version = paste0("R ", getRversion(), "; estimatr ", packageVersion("estimatr")),
  call = paste(
    "lm_lin(y ~ arm, covariates = ~ x1 + x2, data = three, se_type = 'HC2' | clusters = team, se_type = 'CR2');",
    "lm_robust(y ~ arm, data = three, clusters = team, se_type = 'CR2' | 'stata');",
    "theta <- cov(y, pre) / var(pre); lm_robust(y - theta * (pre - mean(pre)) ~ arm, clusters = team, se_type = 'CR2');",
    "lm_lin(task_completed ~ factor(prompt_variant), covariates = ~ signup_week + opt_in_agent_mode + query_confidence, se_type = 'HC2');",
    "lm_robust(task_completed ~ factor(wave, levels = c(2, 1)), clusters = workspace_id, se_type = 'CR2');",
    "relative lift = b_v / b_0 with the delta method on vcov(fit)"
  ),
  data = list(three_arm = "test/golden/experiment/three_arm.csv", fixture = "test/fixtures/saas_llm_logs_seed42.csv.gz"),
  expected = expected
)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, pretty = TRUE), "test/golden/experiment/estimatr.json")
cat("wrote test/golden/experiment/estimatr.json\n")
