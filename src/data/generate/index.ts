export * from "./cluster-edges.js";
export * from "./cluster-few.js";
export * from "./dataset.js";
export * from "./dgp.js";
export * from "./panel.js";
export * from "./panel-options.js";
export type { PanelCellTruth, PanelCohortTruth, PanelEventTruth, PanelTruth } from "./panel-truth.js";
export * from "./synth-scenarios.js";
