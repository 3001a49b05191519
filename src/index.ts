// Public API of truelift, curated: each design's function, spec, result, schema and Design object; the design
// contract and registry; the models, data and report entry points; run specs. Everything else is internal;
// a design's full module (its estimators, checks and chart builders one by one) is the sub-path export
// `truelift/designs/<design>` (package.json "exports"), documented in docs/api.md.

export { type CellFrame, type CellRequest, type ColumnKinds, comomentKey } from "./core/cells.js";
export { CELL_COLUMN_NAMES, compressFrameToCells } from "./core/cells-compress.js";
export { cellFrameOfTable } from "./core/cells-table.js";
export type { CompressedTable, CompressFilter, CompressRequest } from "./core/compress.js";
export { compressFrame } from "./core/compress-frame.js";
// ── core: data frames, errors, diagnostics, results, randomness ──────────────────────────────────────────────
export {
  type Diagnostic,
  diagnostic,
  failingChecks,
  SEVERITIES,
  type Severity,
  worstSeverity,
} from "./core/diagnostics.js";
export { isTrueliftError, TrueliftError } from "./core/errors.js";
export { type Column, type ColumnInput, Frame } from "./core/frame.js";
export { ERROR_CATALOGUE, type ErrorCode } from "./core/messages.js";
export {
  type DeepReadonly,
  deepFreeze,
  type Json,
  type Provenance,
  type SampleSize,
  type Term,
  toJson,
} from "./core/result.js";
export { createRng, type Rng, streamFor } from "./core/rng.js";
export { TRUELIFT_VERSION } from "./core/version.js";
// ── data: loading, describing, generating ────────────────────────────────────────────────────────────────────
export { describeFrame } from "./data/describe.js";
export type { Engine, EngineDescription, EngineName } from "./data/engines/engine.js";
export { openEngine, redactPassword } from "./data/engines/open.js";
export { type GenerateOptions, generateDataset } from "./data/generate/dataset.js";
export { generatePanel } from "./data/generate/panel.js";
export { generatePropensityScenario } from "./data/generate/propensity-scenario.js";
export { generateRdd } from "./data/generate/rdd-generate.js";
export { generateSynthPanel } from "./data/generate/synth-scenarios.js";
export { hashFile } from "./data/hash.js";
export { leftJoin } from "./data/left-join.js";
export { type LoadOptions, loadFrame } from "./data/load.js";
export { DEFAULT_NA } from "./data/load-source.js";
export { writeDataset } from "./data/write.js";
// ── cluster randomization: analysis, assignment, power ───────────────────────────────────────────────────────
export { assignClusters, type ClusterAssignment } from "./designs/cluster/assign.js";
export { type ClusterResult, cluster } from "./designs/cluster/cluster.js";
export { clusterDesign } from "./designs/cluster/design.js";
export { type ClusterPower, clusterPower, designEffect } from "./designs/cluster/power.js";
export {
  CLUSTER_SPEC_SCHEMA,
  type ClusterSpec,
  parseClusterSpec,
  type ValidClusterSpec,
} from "./designs/cluster/spec.js";
export { clusterSummary } from "./designs/cluster/summary.js";
// ── difference-in-differences ────────────────────────────────────────────────────────────────────────────────
export { type BaconResult, baconDecomposition } from "./designs/did/bacon.js";
export { didDesign } from "./designs/did/design.js";
export { type DidEstimateSource, type DidResult, did } from "./designs/did/did.js";
export {
  DID_CONTROL_GROUPS,
  DID_EST_METHODS,
  DID_INFERENCE,
  DID_SPEC_SCHEMA,
  type DidSpec,
  parseDidSpec,
  type ValidDidSpec,
} from "./designs/did/spec.js";
export { didSummary } from "./designs/did/summary.js";
// ── randomized experiments (A/B/n) ───────────────────────────────────────────────────────────────────────────
export { experimentDesign } from "./designs/experiment/design.js";
export {
  type ExperimentComparison,
  type ExperimentResult,
  experiment,
  experimentCellRequest,
  experimentFromCells,
} from "./designs/experiment/experiment.js";
export { EXPERIMENT_NEXT_STEPS } from "./designs/experiment/next-steps.js";
export { experimentCharts } from "./designs/experiment/result-charts.js";
export {
  EXPERIMENT_ADJUSTMENTS,
  EXPERIMENT_SPEC_SCHEMA,
  EXPERIMENT_VCOVS,
  type ExperimentSpec,
  parseExperimentSpec,
  type ValidExperimentSpec,
} from "./designs/experiment/spec.js";
export { experimentSummary } from "./designs/experiment/summary.js";
// ── propensity scores ────────────────────────────────────────────────────────────────────────────────────────
export { propensityDesign } from "./designs/propensity/design.js";
export {
  type PropensityFit,
  type PropensityResult,
  propensity,
  propensityFit,
  propensityParallel,
} from "./designs/propensity/propensity.js";
export {
  PROPENSITY_SPEC_SCHEMA,
  type PropensityCovariate,
  type PropensitySpec,
  PS_ESTIMANDS,
  PS_ESTIMATORS,
  parsePropensitySpec,
  type ValidPropensitySpec,
} from "./designs/propensity/spec.js";
export { propensitySummary } from "./designs/propensity/summary.js";
// ── regression discontinuity ─────────────────────────────────────────────────────────────────────────────────
export { binCounts } from "./designs/rdd/bins.js";
export { type DensityTestResult, densityTest } from "./designs/rdd/density/index.js";
export { rddDesign } from "./designs/rdd/design.js";
export { type RddResult, rdd } from "./designs/rdd/rdd.js";
export { type RdPlotResult, rdplot } from "./designs/rdd/rdplot/index.js";
export {
  parseRddSpec,
  RDD_SPEC_SCHEMA,
  RDD_TREATED_SIDES,
  type RddSpec,
  type ValidRddSpec,
} from "./designs/rdd/spec.js";
export { rddSummary } from "./designs/rdd/summary.js";
// ── the design contract and registry ─────────────────────────────────────────────────────────────────────────
export { DESIGN_NAMES, DESIGN_REGISTRY, type DesignEntry, loadDesigns } from "./designs/registry.js";
export type { ChartSpec } from "./designs/shared/charts/types.js";
export type {
  Design,
  DesignAnalysis,
  DesignCli,
  DesignCliOption,
  DesignInputs,
  DesignReportAdapter,
  DesignResult,
  NaiveContrast,
  RegisteredDesign,
  RowDetailPart,
} from "./designs/shared/contract.js";
export type { NextStepRule } from "./designs/shared/next-step.js";
export { designAnalysis, registerDesign } from "./designs/shared/register.js";
export { ROLLOUT_LABELS, ROLLOUTS, type Rollout } from "./designs/shared/rollouts.js";
export type { DesignSummary, SummaryLine } from "./designs/shared/summary.js";
// ── synthetic control ────────────────────────────────────────────────────────────────────────────────────────
export { synthDesign } from "./designs/synth/design.js";
export { type SdidResult, sdid } from "./designs/synth/sdid.js";
export {
  parseSynthSpec,
  SYNTH_SPEC_SCHEMA,
  type SynthSpec,
  type ValidSynthSpec,
} from "./designs/synth/spec.js";
export { synthSummary } from "./designs/synth/summary.js";
export { type SynthResult, synth } from "./designs/synth/synth.js";
// ── models ───────────────────────────────────────────────────────────────────────────────────────────────────
export {
  type BootstrapResult,
  type BootstrapRun,
  type BootstrapSpec,
  bootstrap,
  bootstrapRun,
} from "./models/bootstrap.js";
export { bootstrapSe, percentileInterval } from "./models/bootstrap-ci.js";
export { parseFormula } from "./models/formula.js";
export {
  type LogitFit,
  type LogitResult,
  type LogitSpec,
  logit,
  logitFit,
  predictLogit,
} from "./models/logit.js";
export { type OlsResult, type OlsSpec, ols, olsFit } from "./models/ols.js";
export { type RandomizationResult, randomizationInference } from "./models/randomization.js";
export {
  balanceDistance,
  type Rerandomization,
  type RerandomizationReport,
} from "./models/rerandomization.js";
export { ssc, type Vcov } from "./models/vcov/types.js";
export { type WildBootstrapResult, wildClusterBootstrap } from "./models/wild-bootstrap.js";
export { type OlsFit, withVcov } from "./models/with-vcov.js";
export { type ChartRenderer, chartRenderer } from "./report/chart-renderer.js";
// ── report ───────────────────────────────────────────────────────────────────────────────────────────────────
export { NEXT_STEP_RULES, nextSteps } from "./report/next-steps.js";
export { renderReport, writeReport } from "./report/report.js";
export { designReport, type ReportAnalysisOptions, reportAnalysis } from "./report/report-analysis.js";
export type { ReportAnalysis, ReportChart, ReportMeta } from "./report/report-types.js";
export { summaryMarkdown, summaryText } from "./report/summary.js";
export { renderSvg } from "./report/vega.js";

// ── run specs ────────────────────────────────────────────────────────────────────────────────────────────────
export {
  analyzeMoments,
  analyzeOnEngine,
  type ComputePath,
  compressibleFile,
  type EngineSource,
  emitCompressSql,
  loadEngineRows,
  readsDirectly,
  sqlSourceOf,
} from "./run/compressed.js";
export { RUN_DESIGNS } from "./run/designs.js";
export { type ExecuteRunSpecOptions, executeRunSpec, readRunSpec, runSpecBaseDir } from "./run/execute.js";
export {
  parseRunSpec,
  RUN_SPEC_SCHEMA,
  type RunSpec,
  runSpecJsonSchema,
  type ValidRunSpec,
} from "./run/spec.js";
