// The density (manipulation) test of the running variable: its public API.
export * from "./density-test.js";
export * from "./mccrary.js";
export * from "./types.js";
