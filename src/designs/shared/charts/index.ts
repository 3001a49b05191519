export * from "./coefficient-chart.js";
export * from "./layers.js";
export * from "./line-chart.js";
export * from "./scatter-chart.js";
export * from "./smooth.js";
export * from "./theme.js";
export * from "./types.js";
export * from "./validate.js";
