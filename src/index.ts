// Public API of truelift. Each layer re-exports its own public names.

export * from "./core/format.js";
export * from "./core/index.js";
export * from "./data/index.js";
export * from "./designs/cluster/index.js";
export * from "./designs/did/index.js";
export * from "./designs/propensity/index.js";
export * from "./designs/rdd/index.js";
export * from "./designs/registry.js";
export * from "./designs/shared/charts/index.js";
export * from "./designs/shared/contract.js";
export * from "./designs/shared/next-step.js";
export * from "./designs/shared/register.js";
export * from "./designs/shared/rollouts.js";
export * from "./designs/shared/summary.js";
export * from "./designs/synth/index.js";
export { type AucOptions, auc } from "./models/auc.js";
export {
  type BootstrapResult,
  type BootstrapRun,
  type BootstrapSpec,
  bootstrap,
  bootstrapRun,
  CI_METHODS,
  type CiMethod,
  type ModuleStatistic,
} from "./models/bootstrap.js";
export {
  type BcaInterval,
  basicInterval,
  bcaInterval,
  bootstrapSe,
  percentileInterval,
  QUANTILE_INTERPOLATIONS,
  type QuantileInterpolation,
  quantileSorted,
} from "./models/bootstrap-ci.js";
export * from "./models/linear-index.js";
export {
  LOGIT_MISSING_POLICIES,
  LOGIT_PENALTIES,
  type LogitCovariate,
  type LogitDesignInfo,
  type LogitFit,
  type LogitFittedCovariate,
  type LogitPenalty,
  type LogitResult,
  type LogitSpec,
  logit,
  logitFit,
  predictLogit,
} from "./models/logit.js";
export * from "./models/randomization.js";
export {
  addDrawCounts,
  bootstrapResample,
  clusterPlan,
  drawIndices,
  fullSample,
  type IndexDraw,
  jackknifeResample,
  jackknifeSize,
  lemireIndex,
  multinomialCounts,
  type RademacherPacking,
  type Resample,
  type ResampleContext,
  type ResamplePlan,
  type ResampleTask,
  type ResampleTaskResult,
  rademacherWeights,
  randomPermutation,
  runResampleTask,
  type StatisticFactory,
  type StatisticFn,
  shuffleFirst,
  webbWeights,
} from "./models/resample.js";
export * from "./models/wald.js";
export * from "./models/wald-term.js";
export * from "./models/wild-bootstrap.js";
export * from "./numeric/dist/index.js";
export * from "./numeric/linalg/index.js";
export * from "./numeric/optimize/index.js";
export * from "./report/escape.js";
export * from "./report/next-steps.js";
export * from "./report/report.js";
export * from "./report/report-analysis.js";
export * from "./report/report-html.js";
export * from "./report/report-json.js";
export * from "./report/report-markdown.js";
export * from "./report/report-types.js";
export * from "./report/report-view.js";
export * from "./report/summary.js";
export { type CompiledChart, compileChart, type RenderOptions, renderSvg } from "./report/vega.js";
export * from "./run/designs.js";
export * from "./run/execute.js";
export * from "./run/spec.js";
