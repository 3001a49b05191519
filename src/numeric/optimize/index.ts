export * from "./least-squares.js";
export * from "./newton.js";
export * from "./qp.js";
