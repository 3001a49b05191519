export * from "./dataset.js";
export * from "./dgp.js";
