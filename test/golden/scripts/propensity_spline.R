# Golden values for truelift's spline covariate terms ({spline: x, type, df}) against R's splines::ns / bs and glm.
#   - the bases on 9 fixed values (column by column)
#   - glm(opt_in_agent_mode ~ engagement_tier + ns(query_confidence, df = 3), binomial) and the same with
#     bs(query_confidence, df = 5) on the tutorial fixture: coefficients, model-based SEs, and the IPW ATE / ATT as
#     the slope of lm(task_completed ~ opt_in_agent_mode, weights = w)
# Run: Rscript test/golden/scripts/propensity_spline.R
library(splines)
library(jsonlite)
out <- file.path("test", "golden", "propensity", "spline_r.json")
x <- c(0.1, 0.4, 0.35, 0.8, 0.9, 0.6, 0.2, 0.55, 0.33)
basis <- function(b) lapply(seq_len(ncol(b)), function(j) unname(b[, j]))
d <- read.csv(gzfile(file.path("test", "fixtures", "saas_llm_logs_seed42.csv.gz")))
fit <- function(term) {
  f <- as.formula(paste("opt_in_agent_mode ~ engagement_tier +", term))
  g <- glm(f, data = d, family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
  p <- fitted(g)
  t <- d$opt_in_agent_mode
  w_ate <- ifelse(t == 1, 1 / p, 1 / (1 - p))
  w_att <- ifelse(t == 1, 1, p / (1 - p))
  list(
    call = paste0("glm(opt_in_agent_mode ~ engagement_tier + ", term, ", binomial)"),
    names = names(coef(g)),
    coefficients = unname(coef(g)),
    se = unname(sqrt(diag(vcov(g)))),
    ipwAte = unname(coef(lm(task_completed ~ opt_in_agent_mode, data = d, weights = w_ate))[2]),
    ipwAtt = unname(coef(lm(task_completed ~ opt_in_agent_mode, data = d, weights = w_att))[2])
  )
}
res <- list(
  tool = "R splines + stats::glm",
  version = paste(R.version$major, R.version$minor, sep = "."),
  call = "splines::ns(x, df = 3), splines::bs(x, df = 4); glm(..., binomial) with ns(query_confidence, df = 3) and bs(query_confidence, df = 5)",
  expected = list(
    x = x,
    ns3 = basis(ns(x, df = 3)),
    ns1 = basis(ns(x, df = 1)),
    bs4 = basis(bs(x, df = 4)),
    bs3 = basis(bs(x, df = 3)),
    glmNs = fit("ns(query_confidence, df = 3)"),
    glmBs = fit("bs(query_confidence, df = 5)")
  )
)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = TRUE), out)
cat("wrote", out, "\n")
