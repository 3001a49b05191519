# Golden numbers for conformal inference (test/golden/synth/sdid-conformal.json).
#
# R scinference (kwuthrich/scinference) cannot be installed here (no CRAN/GitHub access), so this script
# transcribes its code path for scinference(Y1, Y0, T1, T0, inference_method = "conformal",
# permutation_method = "mb", estimation_method = "sc" | "did", theta0): R/conformal.R movingblock() and
# R/estimators.R sc() / did(). The only substitution: sc()'s limSolve::lsei(w >= 0, sum w = 1) solve is replaced
# by quadprog::solve.QP on the same problem, which is exact here (10 donors, 36 periods: Y0'Y0 positive
# definite), plus R/conformal.R confidence_interval() for the pointwise intervals. The confidence set for a constant effect is {theta on the grid : p(theta) > alpha}.
# Run: Rscript test/golden/scripts/synth_sdid_conformal.R
library(quadprog)
library(jsonlite)

set.seed(20260612)
J <- 10; T0 <- 30; T1 <- 6; T01 <- T0 + T1
f <- matrix(0, 2, T01)
for (k in 1:2) { f[k, 1] <- rnorm(1); for (t in 2:T01) f[k, t] <- 0.7 * f[k, t - 1] + rnorm(1) }
Y0 <- t(outer(rnorm(J, sd = 2), rep(1, T01)) + matrix(rnorm(J * 2), J, 2) %*% f +
  matrix(rnorm(J * T01, sd = 0.6), J, T01))                     # T01 x J, as scinference wants
Y1 <- c(Y0 %*% c(0.4, 0.35, 0.25, rep(0, J - 3))) + rnorm(T01, sd = 0.6)
Y1[(T0 + 1):T01] <- Y1[(T0 + 1):T01] + 3

sc <- function(Y1, Y0) {
  J <- ncol(Y0)
  sol <- solve.QP(Dmat = t(Y0) %*% Y0, dvec = c(t(Y0) %*% Y1), Amat = cbind(rep(1, J), diag(J)),
                  bvec = c(1, rep(0, J)), meq = 1)
  list(u.hat = c(Y1 - Y0 %*% sol$solution), w.hat = sol$solution)
}
did <- function(Y1, Y0) list(u.hat = Y1 - mean(Y1 - rowMeans(Y0)) - rowMeans(Y0))
movingblock <- function(Y1, Y0, T1, T0, theta0, estimation_method) {
  T01 <- T0 + T1
  Y1_0 <- Y1
  Y1_0[(T0 + 1):T01] <- Y1[(T0 + 1):T01] - theta0
  u.hat <- if (estimation_method == "sc") sc(Y1_0, Y0)$u.hat else did(Y1_0, Y0)$u.hat
  u.hat.c <- c(u.hat, u.hat)
  S.vec <- sapply(1:T01, function(s) sum(abs(u.hat.c[s:(s + T1 - 1)])))
  mean(S.vec >= S.vec[T0 + 1])
}

confidence_interval <- function(Y1, Y0, T1, T0, estimation_method, alpha, ci_grid) {
  lb <- ub <- rep(NA, T1)
  for (t in 1:T1) {
    indices <- c(1:T0, T0 + t)
    Y1_temp <- Y1[indices]; Y0_temp <- Y0[indices, ]
    ps_temp <- sapply(ci_grid, function(g) {
      Y1_0_temp <- Y1_temp
      Y1_0_temp[T0 + 1] <- Y1_temp[T0 + 1] - g
      u_hat <- if (estimation_method == "sc") sc(Y1_0_temp, Y0_temp)$u.hat else did(Y1_0_temp, Y0_temp)$u.hat
      mean(abs(u_hat) >= abs(u_hat[T0 + 1]))
    })
    ci_temp <- ci_grid[ps_temp > alpha]
    lb[t] <- min(ci_temp); ub[t] <- max(ci_temp)
  }
  list(lb = lb, ub = ub)
}
pointwise_grid <- seq(-6, 12, length.out = 181)

grid <- seq(-1, 7, length.out = 81)
alpha <- 0.1
out <- list()
for (m in c("sc", "did")) {
  ps <- sapply(grid, function(th) movingblock(Y1, Y0, T1, T0, th, m))
  acc <- grid[ps > alpha]
  # point estimate: mean post gap with the model fitted on the pre-period only
  if (m == "sc") {
    w <- sc(Y1[1:T0], Y0[1:T0, ])$w.hat
    est <- mean(Y1[(T0 + 1):T01] - Y0[(T0 + 1):T01, ] %*% w)
  } else {
    est <- mean(Y1[(T0 + 1):T01] - rowMeans(Y0[(T0 + 1):T01, ])) - mean(Y1[1:T0] - rowMeans(Y0[1:T0, ]))
  }
  out[[m]] <- list(
    p_null0 = movingblock(Y1, Y0, T1, T0, 0, m),
    p_null3 = movingblock(Y1, Y0, T1, T0, 3, m),
    grid_p = ps,
    ci = c(min(acc), max(acc)),
    pointwise = confidence_interval(Y1, Y0, T1, T0, m, alpha, pointwise_grid),
    estimate = est
  )
}

golden <- list(
  tool = "scinference conformal code path (movingblock, sc, did) transcribed in R (quadprog for lsei)",
  version = paste0(R.version.string, "; quadprog ", as.character(packageVersion("quadprog"))),
  call = "scinference(Y1, Y0, T1 = 6, T0 = 30, inference_method = 'conformal', permutation_method = 'mb', estimation_method = 'sc' | 'did', theta0 = 0 | 3); CI = {theta in seq(-1, 7, length.out = 81) : p > 0.1}; pointwise: confidence_interval(..., alpha = 0.1, ci_grid = seq(-6, 12, length.out = 181)); see test/golden/scripts/synth_sdid_conformal.R",
  data = list(generator = "R set.seed(20260612), see script", J = J, T0 = T0, T1 = T1,
              Y1 = Y1, Y0 = lapply(1:J, function(j) Y0[, j])),
  expected = list(grid = grid, pointwise_grid = c(-6, 12, 181), alpha = alpha, sc = out$sc, did = out$did)
)
writeLines(toJSON(golden, digits = NA, auto_unbox = TRUE, pretty = TRUE), "test/golden/synth/sdid-conformal.json")
cat("sc p0", out$sc$p_null0, "ci", out$sc$ci, " did p0", out$did$p_null0, "ci", out$did$ci, "\n")
