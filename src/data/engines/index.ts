// Public API of the engines: where SQL runs (DuckDB embedded, PostgreSQL, ClickHouse) and the compress runner.
export * from "./clickhouse.js";
export * from "./compress-run.js";
export * from "./duckdb.js";
export * from "./engine.js";
export * from "./postgres.js";
