# Golden values for CR3 as R clubSandwich computes it (vcovCR(type = "CR3"), Pustejovsky & Tipton 2018):
# V = M [sum_g X_g' W_g (I - H_gg)^-1 e_g e_g' (I - H_gg)^-T W_g X_g] M, the plain leave-one-cluster-out jackknife
# sum_g (b_(g) - b)(b_(g) - b)' (no (G-1)/G factor; truelift's "CR3" is (G-1)/G times this).
# Inference: coef_test(test = "naive-t"), t(G - 1).
# Run from the repository root:  Rscript test/golden/scripts/cluster_cr3_clubsandwich.R
# Writes test/golden/cluster/cr3_clubsandwich.json.
suppressPackageStartupMessages({
  library(clubSandwich)
  library(jsonlite)
})

out <- file.path("test", "golden", "cluster", "cr3_clubsandwich.json")

cr3 <- function(formula, data, cluster, weights = NULL) {
  data$.w <- if (is.null(weights)) 1 else data[[weights]]
  fit <- if (is.null(weights)) lm(formula, data = data) else lm(formula, data = data, weights = .w)
  v <- vcovCR(fit, cluster = data[[cluster]], type = "CR3")
  ct <- coef_test(fit, vcov = v, test = "naive-t")
  ci <- conf_int(fit, vcov = v, test = "naive-t", level = 0.95)
  # Cross-check: clubSandwich's CR3 is the plain (weighted) leave-one-cluster-out jackknife.
  b <- coef(fit)
  ids <- sort(unique(data[[cluster]]))
  jk <- sapply(ids, function(g) {
    sub <- data[data[[cluster]] != g, ]
    f <- if (is.null(weights)) lm(formula, data = sub) else lm(formula, data = sub, weights = .w)
    coef(f) - b
  })
  stopifnot(max(abs(as.matrix(v) - jk %*% t(jk))) < 1e-9 * max(abs(v)))
  list(
    names = names(b),
    params = unname(b),
    bse = unname(sqrt(diag(as.matrix(v)))),
    vcov = unname(as.matrix(v)),
    df = unname(ct$df_t),
    pvalues = unname(ct$p_t),
    ci_lower = unname(ci$CI_L),
    ci_upper = unname(ci$CI_U)
  )
}

# 1. The tutorial fixture (as test/golden/scripts/cluster_cr2_estimatr.R).
users <- read.csv(gzfile("test/fixtures/saas_llm_logs_seed42.csv.gz"))
outcome <- read.csv(gzfile("test/fixtures/cluster_outcome_seed42.csv.gz"))
d <- merge(users, outcome, by = "user_id")
d <- d[order(d$user_id), ]
d$treated <- as.integer(d$workspace_id < 25)
d$is_spillover <- as.integer(d$treated == 0 & d$opt_in_agent_mode == 1)

# 2. The small-K case of cr2_small_k.json (8 unequal clusters), unweighted and with analytic weights 1, 2, 3, 1, ...
small <- fromJSON(file.path("test", "golden", "cluster", "cr2_small_k.json"))$data$rows
small$w <- 1 + ((seq_len(nrow(small)) - 1) %% 3)

doc <- list(
  tool = "R clubSandwich",
  version = paste0("R ", getRversion(), "; clubSandwich ", packageVersion("clubSandwich")),
  call = paste(
    "fit <- lm(formula, data, [weights = w]); v <- vcovCR(fit, cluster = data$<cluster>, type = 'CR3');",
    "coef_test(fit, vcov = v, test = 'naive-t'); conf_int(fit, vcov = v, test = 'naive-t', level = 0.95)",
    "(checked equal to the leave-one-cluster-out jackknife sum_g (b_(g) - b)(b_(g) - b)' to 1e-9)"
  ),
  data = list(
    fixture = list(
      path = "test/fixtures/saas_llm_logs_seed42.csv.gz + test/fixtures/cluster_outcome_seed42.csv.gz",
      join = "user_id",
      derived = "treated = workspace_id < 25; is_spillover = treated == 0 & opt_in_agent_mode == 1"
    ),
    small = list(path = "test/golden/cluster/cr2_small_k.json (data.rows)", weights = "w = 1 + ((row - 1) %% 3)")
  ),
  expected = list(
    treated = cr3(session_minutes_obs ~ treated, d, "workspace_id"),
    two_exposure = cr3(session_minutes_obs ~ treated + is_spillover, d, "workspace_id"),
    small_treat_x = cr3(y ~ treat + x, small, "g"),
    small_treat_x_weighted = cr3(y ~ treat + x, small, "g", weights = "w")
  )
)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
cat("wrote", out, "\n")
