// Public API of the data layer: loading (DuckDB), validation, writing, hashing, and the dataset generator.
export { assertWritable, writeTextAtomic } from "./atomic-file.js";
export * from "./csv-encoder.js";
export { roundDecimal, scaledRound } from "./decimal.js";
export * from "./describe.js";
export * from "./generate/index.js";
export * from "./hash.js";
export * from "./left-join.js";
export * from "./load.js";
export {
  DEFAULT_NA,
  formatFromPath,
  INPUT_FORMATS,
  type InputFormat,
  type LoadSource,
} from "./load-source.js";
export * from "./write.js";
