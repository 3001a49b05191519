# Golden numbers for ridge-augmented synthetic control (test/golden/synth/sdid-augsynth-ridge.json).
#
# The augsynth package cannot be installed here (no CRAN access), so this script transcribes the code path of
# augsynth (R/ridge.R fit_ridgeaug_formatted / fit_ridgeaug_inner / cv_lambda / create_lambda_list /
# choose_lambda, R/ridge_lambda.R get_lambda_errors, R/fit_synth.R synth_qp, predict.augsynth) line by line for
# augsynth(y ~ trt, unit, time, data, progfunc = "Ridge", scm = TRUE) with no covariates and fixedeff = FALSE.
# The only substitution: synth_qp's OSQP solve (eps 1e-8) is replaced by quadprog::solve.QP, which is exact
# because the panel has fewer donors (12) than pre-periods (25), so X0 V X0' is positive definite.
# Run: Rscript test/golden/scripts/synth_sdid_augsynth_ridge.R
library(quadprog)
library(jsonlite)

set.seed(20260611)
N0 <- 12; T0 <- 25; T1 <- 8; T <- T0 + T1
f <- matrix(0, 2, T)
for (k in 1:2) { f[k, 1] <- rnorm(1); for (t in 2:T) f[k, t] <- 0.8 * f[k, t - 1] + rnorm(1) }
mu <- matrix(rnorm(N0 * 2), N0, 2)
a <- rnorm(N0, sd = 2)
Y0 <- outer(a, rep(1, T)) + mu %*% f + outer(rep(1, N0), 0.1 * (1:T)) + matrix(rnorm(N0 * T, sd = 0.5), N0, T)
w_true <- c(0.5, 0.3, 0.2)
# treated unit: mostly a convex combination of donors 1-3, shifted up by 1.5 (partly outside the hull)
y1 <- colSums(w_true * Y0[1:3, ]) + 1.5 + rnorm(T, sd = 0.5)
y1[(T0 + 1):T] <- y1[(T0 + 1):T] + 2
Y <- rbind(Y0, y1)
trt <- c(rep(0, N0), 1)

synth_qp <- function(X1, X0) {            # X0: N0 x T0 (rows = donors), X1: T0 target
  # the donor-mean centring makes X0 X0' singular along 1 (1'X0 = 0), which quadprog rejects; on the simplex
  # (sum w = 1) adding the per-period donor means back to X0 and X1 leaves the objective unchanged, so solve
  # the equivalent problem on uncentred outcomes (positive definite with 12 donors and >= 24 periods)
  m <- Xraw_means[colnames_keep(X0)]
  X0 <- sweep(X0, 2, m, "+"); X1 <- X1 + m
  Pmat <- X0 %*% t(X0)
  qvec <- -(X0 %*% X1)
  n0 <- nrow(X0)
  sol <- solve.QP(Dmat = Pmat, dvec = -qvec, Amat = cbind(rep(1, n0), diag(n0)), bvec = c(1, rep(0, n0)), meq = 1)
  sol$solution
}
ridge_w <- function(X_1, X_c, syn, lambda) {   # X_c: N0 x T (controls x periods), X_1: T
  syn + c(t(X_1 - t(X_c) %*% syn) %*% solve(t(X_c) %*% X_c + lambda * diag(ncol(X_c))) %*% t(X_c))
}

X <- Y[, 1:T0]
colnames(X) <- paste0("t", 1:T0)
Xraw_means <- colMeans(X[trt == 0, , drop = FALSE])
colnames_keep <- function(M) colnames(M)
X_cent <- apply(X, 2, function(x) x - mean(x[trt == 0]))
X_c <- X_cent[trt == 0, , drop = FALSE]
X_1 <- colMeans(X_cent[trt == 1, , drop = FALSE])
syn <- synth_qp(X_1, X_c)

lambda_max <- svd(X_c)$d[1]^2
lambda_min_ratio <- 1e-8; n_lambda <- 20
scaler <- lambda_min_ratio^(1 / n_lambda)
lambdas <- lambda_max * (scaler^(seq(0:n_lambda) - 1))
holdout_length <- 1
errors <- matrix(0, nrow = ncol(X_c) - holdout_length, ncol = length(lambdas))
for (i in 1:(ncol(X_c) - holdout_length)) {
  drop <- i:(i + holdout_length - 1)
  X_0 <- X_c[, -drop]; X_1k <- X_1[-drop]
  X_0v <- X_c[, drop, drop = FALSE]; X_1v <- X_1[drop]
  s <- synth_qp(X_1k, X_0)
  for (j in seq_along(lambdas)) {
    w <- ridge_w(X_1k, X_0, s, lambdas[j])
    errors[i, j] <- sum((X_1v - t(X_0v) %*% w)^2)
  }
}
lambda_errors <- apply(errors, 2, mean)
lambda_errors_se <- apply(errors, 2, function(x) sd(x) / sqrt(length(x)))
min_idx <- which.min(lambda_errors)
lambda <- max(lambdas[lambda_errors <= lambda_errors[min_idx] + lambda_errors_se[min_idx]])
w_aug <- ridge_w(X_1, X_c, syn, lambda)

y0_hat <- c(t(Y[trt == 0, ]) %*% w_aug)
att <- Y[trt == 1, ] - y0_hat
y0_sc <- c(t(Y[trt == 0, ]) %*% syn)
l2 <- function(w) sqrt(sum((t(X_c) %*% w - X_1)^2))
unif <- rep(1 / N0, N0)

# a user-given lambda as well
w_fixed <- ridge_w(X_1, X_c, syn, 10)
att_fixed <- mean((Y[trt == 1, ] - c(t(Y[trt == 0, ]) %*% w_fixed))[(T0 + 1):T])

golden <- list(
  tool = "augsynth ridge ASCM code path transcribed in R (quadprog for synth_qp)",
  version = paste0(R.version.string, "; quadprog ", as.character(packageVersion("quadprog"))),
  call = "augsynth(y ~ trt, unit, time, data, progfunc = 'Ridge', scm = TRUE) defaults: lambda_min_ratio = 1e-8, n_lambda = 20, holdout_length = 1, min_1se = TRUE; see test/golden/scripts/synth_sdid_augsynth_ridge.R",
  data = list(generator = "R set.seed(20260611), see script", N0 = N0, T0 = T0, T = T, Y = lapply(1:nrow(Y), function(i) Y[i, ])),
  expected = list(
    sc_weights = syn,
    lambdas = lambdas,
    lambda_errors = lambda_errors,
    lambda_errors_se = lambda_errors_se,
    lambda = lambda,
    augmented_weights = w_aug,
    average_att = mean(att[(T0 + 1):T]),
    att = att,
    sc_average_att = mean((Y[trt == 1, ] - y0_sc)[(T0 + 1):T]),
    l2_imbalance_sc = l2(syn),
    l2_imbalance_augmented = l2(w_aug),
    scaled_l2_imbalance_augmented = l2(w_aug) / l2(unif),
    fixed_lambda = 10,
    fixed_lambda_weights = w_fixed,
    fixed_lambda_average_att = att_fixed
  )
)
writeLines(toJSON(golden, digits = NA, auto_unbox = TRUE, pretty = TRUE), "test/golden/synth/sdid-augsynth-ridge.json")
cat("wrote test/golden/synth/sdid-augsynth-ridge.json; lambda =", lambda, "att =", mean(att[(T0 + 1):T]), "\n")
