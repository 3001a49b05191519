// Public API of the SQL layer: queries as a typed syntax tree, one renderer, dialects, and the compress queries.
export * from "./ast.js";
export * from "./compress-query.js";
export * from "./dialects/base.js";
export * from "./dialects/index.js";
export * from "./read-only.js";
export * from "./render.js";
