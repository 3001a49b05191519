export * from "./bfgs.js";
export * from "./least-squares.js";
export * from "./nelder-mead.js";
export * from "./newton.js";
export * from "./qp.js";
export * from "./simplex-warm.js";
