# Golden values for truelift's propensity() balance and model on MatchIt's lalonde data (Debian r-cran-matchit).
#   - writes the data as test/golden/propensity/lalonde.csv (race as text) for the tests
#   - glm(treat ~ age + educ + race + married + nodegree + re74 + re75, binomial): coefficients (reference black)
#   - MatchIt summary(matchit(..., method = NULL, distance = "glm")) balance for all data:
#     estimand ATT (SMD denominator: treated SD) and estimand ATE (pooled SD); variance ratios
#   - IPW ATE / ATT as the slope of lm(re78 ~ treat, weights = w)
# Run: Rscript test/golden/scripts/propensity_matchit.R
suppressPackageStartupMessages(library(MatchIt))
library(jsonlite)
data("lalonde", package = "MatchIt")
out_dir <- file.path("test", "golden", "propensity")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
lal <- lalonde
lal$race <- as.character(lal$race)
write.csv(lal[, c("treat", "age", "educ", "race", "married", "nodegree", "re74", "re75", "re78")],
          file.path(out_dir, "lalonde.csv"), row.names = FALSE)
f <- treat ~ age + educ + race + married + nodegree + re74 + re75
g <- glm(f, data = lalonde, family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
p <- fitted(g)
bal <- function(estimand) {
  m <- matchit(f, data = lalonde, method = NULL, distance = "glm", estimand = estimand)
  s <- summary(m)$sum.all
  s <- s[rownames(s) != "distance", , drop = FALSE]
  list(covariate = rownames(s), meanTreated = unname(s[, "Means Treated"]),
       meanControl = unname(s[, "Means Control"]), smd = unname(s[, "Std. Mean Diff."]),
       varianceRatio = unname(s[, "Var. Ratio"]))
}
w_ate <- ifelse(lalonde$treat == 1, 1 / p, 1 / (1 - p))
w_att <- ifelse(lalonde$treat == 1, 1, p / (1 - p))
ate <- unname(coef(lm(re78 ~ treat, data = lalonde, weights = w_ate))["treat"])
att <- unname(coef(lm(re78 ~ treat, data = lalonde, weights = w_att))["treat"])
res <- list(
  tool = "R MatchIt / stats",
  version = paste0("R ", getRversion(), "; MatchIt ", packageVersion("MatchIt")),
  call = "glm(treat ~ age + educ + race + married + nodegree + re74 + re75, binomial); summary(matchit(same, method = NULL, distance = 'glm', estimand = 'ATT' / 'ATE'))$sum.all; lm(re78 ~ treat, weights = IPW)",
  data = list(path = "test/golden/propensity/lalonde.csv", source = "data('lalonde', package = 'MatchIt')"),
  expected = list(
    coefficients = as.list(coef(g)),
    balanceAtt = bal("ATT"),
    balanceAte = bal("ATE"),
    ipwAte = ate,
    ipwAtt = att
  )
)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out_dir, "lalonde_matchit.json"))
cat("ok\n")
