export { aggregateCalendar, aggregateDynamic, aggregateGroup, aggregateSimple } from "./aggregate.js";
export { CS_VERSION, callawaySantAnna } from "./callaway-santanna.js";
export { quantileType1 } from "./influence.js";
export { validateCsSpec } from "./spec.js";
export {
  drDidPanel,
  regDidPanel,
  stdIpwDidPanel,
  type TwoByTwoData,
  type TwoByTwoResult,
} from "./two-by-two.js";
export {
  CS_BASE_PERIODS,
  CS_CONTROL_GROUPS,
  CS_EST_METHODS,
  type CsAggregateRow,
  type CsAggregation,
  type CsAggregationsSpec,
  type CsAttGtRow,
  type CsBootstrapSpec,
  type CsDynamicOptions,
  type CsPreTest,
  type CsResult,
  type CsSpec,
} from "./types.js";
