// Difference-in-differences: the design's public API.

export * from "./absorbed.js";
export * from "./anticipation.js";
export * from "./bacon.js";
export * from "./charts.js";
export * from "./cli.js";
export * from "./compression.js";
export * from "./covariate-check.js";
export * from "./cs/index.js";
export * from "./design.js";
export * from "./diagnostics.js";
export * from "./did.js";
export * from "./event-study.js";
export * from "./fit.js";
export * from "./layout.js";
export * from "./naive.js";
export * from "./placebo.js";
export * from "./regression.js";
export * from "./result-charts.js";
export * from "./spec.js";
export * from "./staggered.js";
export * from "./summary.js";
export * from "./trends.js";
export * from "./two-by-two.js";
