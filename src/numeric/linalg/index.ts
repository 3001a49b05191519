export * from "./block.js";
export * from "./cholesky.js";
export * from "./crossprod.js";
export * from "./dense.js";
export * from "./qr.js";
