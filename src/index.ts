// Public API of truelift. Each layer re-exports its own public names.
export * from "./core/index.js";
export * from "./numeric/dist/index.js";
export * from "./numeric/linalg/index.js";
