export * from "./cholesky.js";
export * from "./dense.js";
export * from "./qr.js";
