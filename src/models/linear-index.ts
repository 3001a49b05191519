// Public API of the linear-model layer (formula, design matrix, OLS/WLS, fixed effects, variance estimators).
export { buildDesign, type DesignMatrix, type DesignRequest, type GroupCodes, groupCodes } from "./design-matrix.js";
export {
  type AbsorbOptions,
  type DemeanReport,
  demean,
  type FixedEffectContext,
  fixedEffectContext,
  fixedEffectDf,
  isNested,
} from "./fixed-effects.js";
export {
  type CodedColumn,
  type CodedPart,
  codeTerms,
  type Factor,
  type FactorLevels,
  factorLabel,
  type ModelFormula,
  parseFormula,
  type TermSpec,
} from "./formula.js";
export { LINEAR_MODEL_VERSION, type OlsResult, type OlsSpec, ols } from "./ols.js";
export {
  CLUSTER_KINDS,
  type ClusterKind,
  computeVcov,
  crossprod,
  DISTS,
  type Dist,
  FIXEF_K,
  type FixefK,
  HC_KINDS,
  type HcKind,
  normalizeVcov,
  type Ssc,
  ssc,
  VCOV_TYPES,
  type Vcov,
} from "./vcov/index.js";
export { withVcov } from "./with-vcov.js";
