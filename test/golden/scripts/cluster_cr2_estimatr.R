# Golden values for CR2 (Bell-McCaffrey, Satterthwaite df) and CR3 from R estimatr / sandwich.
# Run from the repository root:  Rscript test/golden/scripts/cluster_cr2_estimatr.R
# Writes test/golden/cluster/cr2_fixture.json and test/golden/cluster/cr2_small_k.json.
suppressPackageStartupMessages({
  library(estimatr)
  library(sandwich)
  library(jsonlite)
})

out_dir <- file.path("test", "golden", "cluster")

summ <- function(fit) {
  list(
    names = names(coef(fit)),
    params = unname(coef(fit)),
    bse = unname(fit$std.error),
    df = unname(fit$df),
    pvalues = unname(fit$p.value),
    ci_lower = unname(fit$conf.low),
    ci_upper = unname(fit$conf.high)
  )
}

# CR3 as truelift defines it: (G-1)/G * sum_g (b_(g) - b)(b_(g) - b)', checked two ways.
cr3 <- function(formula, data, cluster) {
  fit <- lm(formula, data = data)
  G <- length(unique(data[[cluster]]))
  v1 <- vcovCL(fit, cluster = data[[cluster]], type = "HC3", cadjust = FALSE)
  b <- coef(fit)
  jk <- sapply(sort(unique(data[[cluster]])), function(g) coef(lm(formula, data = data[data[[cluster]] != g, ])) - b)
  v2 <- (G - 1) / G * jk %*% t(jk)
  stopifnot(max(abs(v1 - v2)) < 1e-10 * max(abs(v2)))
  list(names = names(b), bse = unname(sqrt(diag(v1))), vcov = unname(v1))
}

write_golden <- function(name, call, data_desc, expected) {
  doc <- list(
    tool = "R estimatr + sandwich",
    version = paste0("R ", getRversion(), "; estimatr ", packageVersion("estimatr"),
                     "; sandwich ", packageVersion("sandwich")),
    call = call,
    data = data_desc,
    expected = expected
  )
  writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(out_dir, paste0(name, ".json")))
}

# 1. The tutorial fixture: user-level OLS of the cluster outcome on the workspace treatment, and the two-exposure model.
users <- read.csv(gzfile("test/fixtures/saas_llm_logs_seed42.csv.gz"))
outcome <- read.csv(gzfile("test/fixtures/cluster_outcome_seed42.csv.gz"))
d <- merge(users, outcome, by = "user_id")
d <- d[order(d$user_id), ]
d$treated <- as.integer(d$workspace_id < 25)
d$is_spillover <- as.integer(d$treated == 0 & d$opt_in_agent_mode == 1)
f1 <- lm_robust(session_minutes_obs ~ treated, data = d, clusters = workspace_id, se_type = "CR2")
f2 <- lm_robust(session_minutes_obs ~ treated + is_spillover, data = d, clusters = workspace_id, se_type = "CR2")
s1 <- lm_robust(session_minutes_obs ~ treated, data = d, clusters = workspace_id, se_type = "stata")
write_golden(
  "cr2_fixture",
  paste(
    "d <- merge(users, outcome, by = 'user_id'); d$treated <- as.integer(d$workspace_id < 25);",
    "d$is_spillover <- as.integer(d$treated == 0 & d$opt_in_agent_mode == 1);",
    "lm_robust(session_minutes_obs ~ treated [+ is_spillover], data = d, clusters = workspace_id, se_type = 'CR2' | 'stata');",
    "CR3: vcovCL(lm(...), cluster = d$workspace_id, type = 'HC3', cadjust = FALSE) (= (G - 1)/G times the leave-one-cluster-out jackknife, checked)"
  ),
  list(path = "test/fixtures/saas_llm_logs_seed42.csv.gz + test/fixtures/cluster_outcome_seed42.csv.gz", join = "user_id"),
  list(
    treated_cr2 = summ(f1),
    two_exposure_cr2 = summ(f2),
    treated_cr1_stata = summ(s1),
    treated_cr3 = cr3(session_minutes_obs ~ treated, d, "workspace_id"),
    two_exposure_cr3 = cr3(session_minutes_obs ~ treated + is_spillover, d, "workspace_id")
  )
)

# 2. A small-K case: 8 clusters of unequal size, a cluster-level treatment and a user-level covariate.
set.seed(20261123)
sizes <- c(3, 5, 8, 12, 4, 20, 6, 9)
g <- rep(seq_along(sizes), sizes)
treat <- c(1, 0, 1, 0, 1, 0, 0, 1)[g]
x <- round(rnorm(length(g)), 4)
y <- round(1 + 0.5 * treat + 0.3 * x + rnorm(length(sizes), sd = 0.7)[g] + rnorm(length(g)), 4)
small <- data.frame(y = y, treat = treat, x = x, g = g)
k1 <- lm_robust(y ~ treat + x, data = small, clusters = g, se_type = "CR2")
k2 <- lm_robust(y ~ treat, data = small, clusters = g, se_type = "CR2")
k3 <- lm_robust(y ~ treat + x, data = small, clusters = g, se_type = "stata")
write_golden(
  "cr2_small_k",
  "lm_robust(y ~ treat + x | y ~ treat, data = small, clusters = g, se_type = 'CR2' | 'stata'); CR3 as above",
  list(rows = small),
  list(
    treat_x_cr2 = summ(k1),
    treat_cr2 = summ(k2),
    treat_x_cr1_stata = summ(k3),
    treat_x_cr3 = cr3(y ~ treat + x, small, "g")
  )
)
cat("wrote", file.path(out_dir, "cr2_fixture.json"), "and cr2_small_k.json\n")
