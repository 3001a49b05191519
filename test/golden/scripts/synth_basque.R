# Golden numbers for the nested ADH procedure on the classic Basque data (Abadie & Gardeazabal 2003; the example
# of R Synth's ?synth): test/golden/synth/basque.json.
#
# Data: test/fixtures/basque_1960_1970.csv.gz = Synth's `basque` data (as shipped in pysyncon's data/basque.csv)
# restricted to 1960-1970, without Spain (unit 1, not a control in the example). Predictors exactly as ?synth:
# school.* and invest averaged over 1964-1969 (na.rm), gdpcap over 1960-1969, sec.* over 1961,1963,...,1969,
# popdens in 1969; Z = gdpcap 1960-1969 (time.optimize.ssr); treated = Basque Country, controls = the 16 others.
# The V search is Synth's: SD scaling, optimx with Nelder-Mead and BFGS (optim defaults) from equal and regression
# starts, keeping the best, with the
# inner QP solved by kernlab::ipop (margin 5e-4, sigf 5, bound 10, maxiter 1000) — i.e. synth() itself, written
# out ("ipop"); and the same search with the inner QP solved exactly (quadprog on H + 1e-10 mean(diag H) I, then
# polished to the exact minimiser by the KKT system on its support: "exact", what truelift does).
# Published (Abadie, Diamond & Hainmueller 2011, JSS 42(13), and ?synth): Cataluna 0.851, Madrid 0.149.
#
# Run: Rscript test/golden/scripts/synth_basque.R > test/golden/synth/basque.json
suppressMessages({ library(quadprog); library(kernlab); library(optimx) })
d <- read.csv(gzfile("test/fixtures/basque_1960_1970.csv.gz"), check.names = FALSE)
treated <- "Basque Country (Pais Vasco)"
units <- c(treated, setdiff(unique(d$regionname), treated))
m <- function(col, years) sapply(units, function(u) mean(d[[col]][d$regionname == u & d$year %in% years], na.rm = TRUE))
odd <- seq(1961, 1969, 2)
X <- rbind(
  m("school.illit", 1964:1969), m("school.prim", 1964:1969), m("school.med", 1964:1969),
  m("school.high", 1964:1969), m("school.post.high", 1964:1969), m("invest", 1964:1969),
  m("gdpcap", 1960:1969), m("sec.agriculture", odd), m("sec.energy", odd), m("sec.industry", odd),
  m("sec.construction", odd), m("sec.services.venta", odd), m("sec.services.nonventa", odd), m("popdens", 1969))
Z <- sapply(units, function(u) d$gdpcap[d$regionname == u & d$year %in% 1960:1969][order(d$year[d$regionname == u & d$year %in% 1960:1969])])
X1 <- X[, 1, drop = FALSE]; X0 <- X[, -1, drop = FALSE]; Z1 <- Z[, 1, drop = FALSE]; Z0 <- Z[, -1, drop = FALSE]
divisor <- sqrt(apply(cbind(X0, X1), 1, var))
X0s <- X0 / divisor; X1s <- X1 / divisor

qp_parts <- function(V) list(H = t(X0s) %*% V %*% X0s, c = -as.vector(t(X1s) %*% V %*% X0s))
inner_ipop <- function(V) {
  p <- qp_parts(V)
  res <- ipop(c = p$c, H = p$H, A = t(rep(1, length(p$c))), b = 1, l = rep(0, length(p$c)), u = rep(1, length(p$c)),
              r = 0, margin = 5e-4, maxiter = 1000, sigf = 5, bound = 10)
  as.vector(primal(res))
}
polish <- function(w, H, c) {
  k <- length(w); S <- which(w > 1e-6)
  for (it in 1:200) {
    mm <- length(S)
    K <- rbind(cbind(H[S, S, drop = FALSE], 1), c(rep(1, mm), 0))
    sol <- solve(K, c(-c[S], 1))
    w <- rep(0, k); w[S] <- sol[1:mm]; nu <- sol[mm + 1]
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
  p <- qp_parts(V)
  Hr <- p$H + diag(1e-10 * mean(diag(p$H)), ncol(p$H))
  qp <- solve.QP(Hr, -p$c, cbind(rep(1, ncol(p$H)), diag(ncol(p$H))), c(1, rep(0, ncol(p$H))), meq = 1)
  polish(pmax(qp$solution, 0), p$H, p$c)
}
k <- nrow(X0s)
Xall <- cbind(1, t(cbind(X1s, X0s))); Zall <- cbind(Z1, Z0)
B <- solve(t(Xall) %*% Xall) %*% t(Xall) %*% t(Zall)
B <- B[-1, ]
sv2 <- diag(B %*% t(B)); sv2 <- sv2 / sum(sv2)
# Synth (>= 1.1-5): optimx with Nelder-Mead and BFGS from each start, the best kept; loss = pre-period MSPE.
search <- function(inner) {
  fnV <- function(v) {
    w <- inner(diag(abs(v) / sum(abs(v))))
    sum((Z1 - Z0 %*% w)^2) / nrow(Z0)
  }
  run <- function(start) {
    o <- optimx(par = start, fn = fnV, gr = NULL, hess = NULL, method = c("Nelder-Mead", "BFGS"), itnmax = NULL,
                hessian = FALSE, control = list(kkt = FALSE, starttests = FALSE, dowarn = FALSE, all.methods = FALSE))
    best <- which.min(o$value)
    list(par = as.numeric(o[best, 1:k]), value = o$value[best], method = rownames(o)[best],
         nm = o$value[1], bfgs = o$value[2], nmEvals = o$fevals[1], bfgsEvals = o$fevals[2], bfgsGrads = o$gevals[2])
  }
  o1 <- run(rep(1 / k, k))
  o2 <- run(sv2)
  best <- if (o1$value < o2$value) o1 else o2
  v <- abs(best$par) / sum(abs(best$par))
  w <- inner(diag(v))
  list(v = v, w = w, lossV = sum((Z1 - Z0 %*% w)^2) / nrow(Z0), starts = list(o1, o2))
}
synth_ipop <- search(inner_ipop)
exact <- search(inner_exact)

num <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ", "), "]")
cat('{\n "tool": "R optimx (Nelder-Mead + BFGS) + kernlab::ipop, i.e. Synth::synth() written out; and with an exact inner QP (quadprog + KKT polish)",\n')
cat(' "version": "', R.version.string, ', kernlab ', as.character(packageVersion("kernlab")), ', optimx ',
    as.character(packageVersion("optimx")), ', quadprog ', as.character(packageVersion("quadprog")), '",\n', sep = "")
cat(' "call": "see test/golden/scripts/synth_basque.R (the ?synth Basque example)",\n')
cat(' "data": {"path": "test/fixtures/basque_1960_1970.csv.gz", "filter": "1960-1970, Spain excluded"},\n')
cat(' "expected": {\n')
cat('  "units": [', paste0('"', units[-1], '"', collapse = ", "), '],\n', sep = "")
cat('  "X1": ', num(X1), ',\n  "X0": ', num(as.vector(t(X0))), ',\n', sep = "")
st <- function(o) paste0('{"value": ', sprintf("%.17g", o$value), ', "method": "', o$method, '", "nelderMead": ',
  sprintf("%.17g", o$nm), ', "bfgs": ', sprintf("%.17g", o$bfgs), ', "nmEvaluations": ', o$nmEvals,
  ', "bfgsEvaluations": ', o$bfgsEvals, ', "bfgsGradients": ', o$bfgsGrads, '}')
res <- function(r) paste0('{"v": ', num(r$v), ', "w": ', num(r$w), ', "lossV": ', sprintf("%.17g", r$lossV),
  ', "starts": [', st(r$starts[[1]]), ', ', st(r$starts[[2]]), ']}')
cat('  "ipop": ', res(synth_ipop), ',\n  "exact": ', res(exact), ',\n', sep = "")
cat('  "published": {"Cataluna": 0.851, "Madrid (Comunidad De)": 0.149}\n }\n}\n')
