// Propensity scores for opt-in features: the design's public API.
export * from "./balance.js";
export * from "./charts.js";
export * from "./collapsed-sample.js";
export * from "./covariates.js";
export * from "./diagnostics.js";
export * from "./doubly-robust.js";
export * from "./evalue.js";
export * from "./ipw.js";
export * from "./ipw-bootstrap.js";
export * from "./layout.js";
export * from "./logit-refit.js";
export * from "./model.js";
export * from "./naive.js";
export * from "./overlap.js";
export * from "./propensity.js";
export * from "./spec.js";
export * from "./term.js";
