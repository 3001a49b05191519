# Golden numbers for synthetic DiD with several treated units (test/golden/synth/sdid-multi.json): estimates,
# weights and the fixed-weights jackknife SE (deterministic), which the Prop 99 reference cannot exercise (one
# treated unit: jackknife NA).
#
# R synthdid cannot be installed here (no CRAN/GitHub access). This script transcribes synthdid 0.0.9's code path
# (R/synthdid.R synthdid_estimate / sc_estimate / did_estimate, R/solver.R fw.step / sc.weight.fw, R/utils.R
# collapsed.form, R/vcov.R jackknife_se / jackknife / sum_normalize, sparsify_function) and first checks that the
# transcription reproduces the published Prop 99 reference (../shared/references/california_prop99_synthdid.json)
# to 1e-8 before writing anything.
# Run: Rscript test/golden/scripts/synth_sdid_multi.R
library(jsonlite)

contract3 <- function(X, v) array(0, dim = dim(X)[1:2])
fw.step <- function(A, x, b, eta) {
  Ax <- A %*% x
  half.grad <- t(Ax - b) %*% A + eta * x
  i <- which.min(half.grad)
  d.x <- -x; d.x[i] <- 1 - x[i]
  if (all(d.x == 0)) return(x)
  d.err <- A[, i] - Ax
  step <- -t(c(half.grad)) %*% d.x / (sum(d.err^2) + eta * sum(d.x^2))
  x + min(1, max(0, step)) * d.x
}
sc.weight.fw <- function(Y, zeta, intercept = TRUE, lambda = NULL, min.decrease = 1e-3, max.iter = 1000) {
  T0 <- ncol(Y) - 1; N0 <- nrow(Y)
  if (is.null(lambda)) lambda <- rep(1 / T0, T0)
  if (intercept) Y <- apply(Y, 2, function(col) col - mean(col))
  t <- 0; vals <- rep(NA, max.iter)
  A <- Y[, 1:T0]; b <- Y[, T0 + 1]; eta <- N0 * Re(zeta^2)
  while (t < max.iter && (t < 2 || vals[t - 1] - vals[t] > min.decrease^2)) {
    t <- t + 1
    lambda <- fw.step(A, lambda, b, eta)
    err <- Y[1:N0, ] %*% c(lambda, -1)
    vals[t] <- Re(zeta^2) * sum(lambda^2) + sum(err^2) / N0
  }
  list(lambda = lambda, vals = vals)
}
collapsed.form <- function(Y, N0, T0) {
  N <- nrow(Y); T <- ncol(Y)
  rbind(cbind(Y[1:N0, 1:T0, drop = FALSE], rowMeans(Y[1:N0, (T0 + 1):T, drop = FALSE])),
        cbind(t(colMeans(Y[(N0 + 1):N, 1:T0, drop = FALSE])), mean(Y[(N0 + 1):N, (T0 + 1):T, drop = FALSE])))
}
sparsify_function <- function(v) { v[v <= max(v) / 4] <- 0; v / sum(v) }
synthdid_estimate <- function(Y, N0, T0, noise.level = sd(apply(Y[1:N0, 1:T0], 1, diff)),
                              eta.omega = ((nrow(Y) - N0) * (ncol(Y) - T0))^(1 / 4), eta.lambda = 1e-6,
                              zeta.omega = eta.omega * noise.level, zeta.lambda = eta.lambda * noise.level,
                              omega.intercept = TRUE, lambda.intercept = TRUE,
                              weights = list(omega = NULL, lambda = NULL),
                              update.omega = is.null(weights$omega), update.lambda = is.null(weights$lambda),
                              min.decrease = 1e-5 * noise.level, max.iter = 1e4,
                              sparsify = sparsify_function, max.iter.pre.sparsify = 100) {
  N1 <- nrow(Y) - N0; T1 <- ncol(Y) - T0
  Yc <- collapsed.form(Y, N0, T0)
  if (update.lambda) {
    o <- sc.weight.fw(Yc[1:N0, ], zeta.lambda, lambda.intercept, weights$lambda, min.decrease, max.iter.pre.sparsify)
    o <- sc.weight.fw(Yc[1:N0, ], zeta.lambda, lambda.intercept, sparsify(o$lambda), min.decrease, max.iter)
    weights$lambda <- o$lambda
  }
  if (update.omega) {
    o <- sc.weight.fw(t(Yc[, 1:T0]), zeta.omega, omega.intercept, weights$omega, min.decrease, max.iter.pre.sparsify)
    o <- sc.weight.fw(t(Yc[, 1:T0]), zeta.omega, omega.intercept, sparsify(o$lambda), min.decrease, max.iter)
    weights$omega <- o$lambda
  }
  est <- c(t(c(-weights$omega, rep(1 / N1, N1))) %*% Y %*% c(-weights$lambda, rep(1 / T1, T1)))
  list(estimate = est, weights = weights, setup = list(Y = Y, N0 = N0, T0 = T0),
       opts = list(zeta.omega = zeta.omega, zeta.lambda = zeta.lambda, omega.intercept = omega.intercept,
                   lambda.intercept = lambda.intercept, update.omega = update.omega,
                   update.lambda = update.lambda, min.decrease = min.decrease, max.iter = max.iter))
}
sc_estimate <- function(Y, N0, T0, eta.omega = 1e-6, ...) {
  synthdid_estimate(Y, N0, T0, eta.omega = eta.omega, weights = list(lambda = rep(0, T0)), omega.intercept = FALSE, ...)
}
did_estimate <- function(Y, N0, T0, ...) {
  synthdid_estimate(Y, N0, T0, weights = list(lambda = rep(1 / T0, T0), omega = rep(1 / N0, N0)), ...)
}
sum_normalize <- function(x) if (sum(x) != 0) x / sum(x) else rep(1 / length(x), length(x))
jackknife_se <- function(estimate) {
  setup <- estimate$setup; opts <- estimate$opts; weights <- estimate$weights
  opts$update.omega <- opts$update.lambda <- FALSE
  if (setup$N0 == nrow(setup$Y) - 1 || sum(weights$omega != 0) == 1) return(NA)
  theta <- function(ind) {
    w <- weights
    w$omega <- sum_normalize(weights$omega[ind[ind <= setup$N0]])
    do.call(synthdid_estimate, c(list(Y = setup$Y[ind, ], N0 = sum(ind <= setup$N0), T0 = setup$T0, weights = w), opts))$estimate
  }
  n <- nrow(setup$Y)
  u <- sapply(1:n, function(i) theta((1:n)[-i]))
  sqrt(((n - 1) / n) * (n - 1) * var(u))
}

# 1. check the transcription on the published Prop 99 reference
ref <- fromJSON("../shared/references/california_prop99_synthdid.json")
d <- read.csv("../shared/references/california_prop99.csv", sep = ";")
d <- d[order(d$State, d$Year), ]
Y <- matrix(d$PacksPerCapita, ncol = length(unique(d$Year)), byrow = TRUE,
            dimnames = list(unique(d$State), sort(unique(d$Year))))
Y <- Y[c(setdiff(rownames(Y), "California"), "California"), ]
stopifnot(abs(synthdid_estimate(Y, 38, 19)$estimate - ref$estimates$sdid) < 1e-8,
          abs(sc_estimate(Y, 38, 19)$estimate - ref$estimates$sc) < 1e-8,
          abs(did_estimate(Y, 38, 19)$estimate - ref$estimates$did) < 1e-8)

# 2. a panel with three treated units: Prop 99 with California, plus Nevada and Utah as treated
treated <- c("California", "Nevada", "Utah")
Ym <- Y[c(setdiff(rownames(Y), treated), treated), ]
N0 <- nrow(Ym) - 3; T0 <- 19
fits <- list(sdid = synthdid_estimate(Ym, N0, T0), sc = sc_estimate(Ym, N0, T0), did = did_estimate(Ym, N0, T0))
golden <- list(
  tool = "R synthdid 0.0.9 code path transcribed in R (checked against the published Prop 99 reference to 1e-8)",
  version = R.version.string,
  call = "synthdid_estimate / sc_estimate / did_estimate(Y, N0 = 36, T0 = 19) and sqrt(vcov(., method = 'jackknife')) with Nevada and Utah moved to the treated block next to California; see test/golden/scripts/synth_sdid_multi.R",
  data = list(path = "test/fixtures/california_prop99.csv.gz", treated = treated, units = rownames(Ym)),
  expected = lapply(fits, function(f) list(estimate = f$estimate, omega = f$weights$omega, lambda = f$weights$lambda,
                                           jackknife_se = jackknife_se(f)))
)
writeLines(toJSON(golden, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), "test/golden/synth/sdid-multi.json")
cat("sdid", fits$sdid$estimate, "jk", golden$expected$sdid$jackknife_se, "sc jk", golden$expected$sc$jackknife_se,
    "did jk", golden$expected$did$jackknife_se, "\n")
