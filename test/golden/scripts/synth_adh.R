# Golden numbers for truelift's nested ADH synthetic control (test/golden/synth/adh.json).
#
# Reproduces the procedure of R's Synth::synth() (Abadie, Diamond & Hainmueller 2011), written out here:
#   - predictors scaled by their SD over donors + treated (var() with n - 1);
#   - inner problem W(V) = argmin (X1 - X0 w)' V (X1 - X0 w), w >= 0, sum w = 1;
#   - outer loss: mean over pre-periods of (Z1 - Z0 W(V))^2 (Synth >= 1.1-5 fn.V), V = diag(|v| / sum|v|);
#   - optimx(method = c("Nelder-Mead", "BFGS")) (optim defaults, numerical gradient) from equal weights and from
#     the regression start (diag(B B'), B = coefficients of regressing all units' Z on [1, scaled X]), keeping
#     the best method per start and the lower loss over starts.
# Two inner solvers are reported:
#   - "exact": quadprog::solve.QP on H + 1e-10 * mean(diag H) * I (to make it PD), then polished to the exact
#     minimiser by solving the KKT system on the support and checking the multipliers (what truelift does);
#   - "ipop": kernlab::ipop with Synth's settings (margin 5e-4, sigf 5, bound 10) — Synth's own inner solver,
#     reported to show how far Synth's approximate inner solution moves V and W.
# Also: optim()'s Nelder-Mead on the Rosenbrock function from c(-1.2, 1) (R's ?optim example).
#
# Run: Rscript test/golden/scripts/synth_adh.R > test/golden/synth/adh.json
suppressMessages({
  library(quadprog)
  library(kernlab)
  library(optimx)
})

set.seed(20240611)
J <- 12; T <- 24; T0 <- 16
units <- 0:J            # unit 0 treated
f1 <- cumsum(rnorm(T, 0, 0.3)); f2 <- sin((1:T) / 3)
load1 <- runif(J + 1, 0.5, 1.5); load2 <- runif(J + 1, -1, 1)
x1 <- rnorm(J + 1, 2, 1); x2 <- rnorm(J + 1, 10, 3)
y <- matrix(0, T, J + 1)
for (u in 1:(J + 1)) y[, u] <- 5 + load1[u] * f1 + load2[u] * f2 + 0.3 * x1[u] + 0.05 * x2[u] + rnorm(T, 0, 0.1)
y[(T0 + 1):T, 1] <- y[(T0 + 1):T, 1] + 0.8
# Long data: one row per unit x period; covariates x1, x2 constant within unit (plus noise per period).
long <- expand.grid(period = 1:T, unit = units)
long$y <- y[cbind(long$period, long$unit + 1)]
long$x1 <- x1[long$unit + 1] + rnorm(nrow(long), 0, 0.05)
long$x2 <- x2[long$unit + 1] + rnorm(nrow(long), 0, 0.2)

pre <- 1:T0
unit_mean <- function(col, periods) sapply(units, function(u) mean(long[[col]][long$unit == u & long$period %in% periods]))
# Predictors: x1 and x2 averaged over the pre-period, outcome averaged over periods 1-8, outcome in period 16.
X <- rbind(unit_mean("x1", pre), unit_mean("x2", pre), unit_mean("y", 1:8), unit_mean("y", 16))
X1 <- X[, 1, drop = FALSE]; X0 <- X[, -1, drop = FALSE]
Z1 <- y[pre, 1, drop = FALSE]; Z0 <- y[pre, -1, drop = FALSE]

divisor <- sqrt(apply(cbind(X0, X1), 1, var))
X0s <- X0 / divisor; X1s <- X1 / divisor

polish <- function(w, H, c) {
  k <- length(w); S <- which(w > 1e-8)
  for (it in 1:200) {
    m <- length(S)
    K <- rbind(cbind(H[S, S, drop = FALSE], 1), c(rep(1, m), 0))
    sol <- solve(K, c(-c[S], 1))
    w <- rep(0, k); w[S] <- sol[1:m]; nu <- sol[m + 1]
    if (any(w[S] < 0)) { S <- S[-which.min(w[S])]; next }
    lam <- as.vector(H %*% w + c + nu)
    out <- setdiff(seq_len(k), S)
    viol <- out[lam[out] < -1e-12 * max(abs(diag(H)))]
    if (length(viol) > 0) { S <- sort(c(S, viol[which.min(lam[viol])])); next }
    return(w)
  }
  stop("polish did not converge")
}
inner_exact <- function(V) {
  H <- t(X0s) %*% V %*% X0s; c <- -as.vector(t(X1s) %*% V %*% X0s)
  Hr <- H + diag(1e-10 * mean(diag(H)), ncol(H))
  qp <- solve.QP(Hr, -c, cbind(rep(1, ncol(H)), diag(ncol(H))), c(1, rep(0, ncol(H))), meq = 1)
  polish(pmax(qp$solution, 0), H, c)
}
inner_ipop <- function(V) {
  H <- t(X0s) %*% V %*% X0s; c <- -as.vector(t(X1s) %*% V %*% X0s)
  res <- ipop(c = c, H = H, A = t(rep(1, length(c))), b = 1, l = rep(0, length(c)), u = rep(1, length(c)),
              r = 0, margin = 5e-4, maxiter = 1000, sigf = 5, bound = 10)
  as.vector(primal(res))
}
run <- function(inner) {
  fnV <- function(v) {
    V <- diag(abs(v) / sum(abs(v)))
    w <- inner(V)
    sum((Z1 - Z0 %*% w)^2) / nrow(Z0)
  }
  k <- nrow(X0s)
  opt <- function(start) {
    o <- optimx(par = start, fn = fnV, gr = NULL, hess = NULL, method = c("Nelder-Mead", "BFGS"), itnmax = NULL,
                hessian = FALSE, control = list(kkt = FALSE, starttests = FALSE, dowarn = FALSE, all.methods = FALSE))
    b <- which.min(o$value)
    list(par = as.numeric(o[b, 1:k]), value = o$value[b], method = rownames(o)[b], nm = o$value[1],
         nmEvals = o$fevals[1], nmConv = o$convcode[1], bfgs = o$value[2], bfgsEvals = o$fevals[2],
         bfgsGrads = o$gevals[2], bfgsConv = o$convcode[2])
  }
  sv1 <- rep(1 / k, k)
  o1 <- opt(sv1)
  Xall <- cbind(1, t(cbind(X1s, X0s))); Zall <- cbind(Z1, Z0)
  B <- solve(t(Xall) %*% Xall) %*% t(Xall) %*% t(Zall)
  B <- B[-1, ]
  sv2 <- diag(B %*% t(B)); sv2 <- sv2 / sum(sv2)
  o2 <- opt(sv2)
  best <- if (o1$value < o2$value) o1 else o2
  v <- abs(best$par) / sum(abs(best$par))
  w <- inner(diag(v))
  list(v = v, w = w, lossV = sum((Z1 - Z0 %*% w)^2) / nrow(Z0), starts = list(o1, o2), sv2 = sv2)
}
exact <- run(inner_exact)
ip <- run(inner_ipop)
fr <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
nm <- optim(c(-1.2, 1), fr)

num <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
res_json <- function(r) paste0('{"v": ', num(r$v), ', "w": ', num(r$w), ', "lossV": ', sprintf("%.17g", r$lossV),
  ', "sv2": ', num(r$sv2), ', "starts": [',
  paste(sapply(r$starts, function(s) paste0('{"value": ', sprintf("%.17g", s$value), ', "method": "', s$method,
    '", "nelderMead": ', sprintf("%.17g", s$nm), ', "nmEvaluations": ', s$nmEvals, ', "nmConvergence": ', s$nmConv,
    ', "bfgs": ', sprintf("%.17g", s$bfgs), ', "bfgsEvaluations": ', s$bfgsEvals, ', "bfgsGradients": ', s$bfgsGrads,
    ', "bfgsConvergence": ', s$bfgsConv, ', "par": ', num(s$par), '}')), collapse = ", "), "]}")
cat('{\n "tool": "R optimx (Nelder-Mead + BFGS) + quadprog::solve.QP polished by KKT; kernlab::ipop for the Synth-inner variant",\n')
cat(' "version": "', R.version.string, ', quadprog ', as.character(packageVersion("quadprog")), ', kernlab ',
    as.character(packageVersion("kernlab")), ', optimx ', as.character(packageVersion("optimx")), '",\n', sep = "")
cat(' "call": "see test/golden/scripts/synth_adh.R (Synth::synth conventions written out; predictors x1, x2 pre-period means, y mean 1-8, y at 16)",\n')
cat(' "data": {"generated": "set.seed(20240611) in the script; rows below"},\n')
cat(' "rows": {"unit": ', num(long$unit), ', "period": ', num(long$period), ', "y": ', num(long$y),
    ', "x1": ', num(long$x1), ', "x2": ', num(long$x2), '},\n', sep = "")
cat(' "expected": {\n  "X": ', num(as.vector(t(X))), ',\n  "exact": ', res_json(exact), ',\n  "ipop": ', res_json(ip),
    ',\n  "rosenbrock": {"par": ', num(nm$par), ', "value": ', sprintf("%.17g", nm$value), ', "evaluations": ',
    nm$counts[1], ', "convergence": ', nm$convergence, '}\n }\n}\n', sep = "")
