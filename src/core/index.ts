export * from "./diagnostics.js";
export * from "./errors.js";
export * from "./frame.js";
export * from "./messages.js";
export * from "./moments.js";
export * from "./result.js";
export * from "./rng.js";
export * from "./validate.js";
