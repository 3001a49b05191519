import type { Dialect, DialectName } from "./base.js";
import { bigqueryDialect } from "./bigquery.js";
import { clickhouseDialect } from "./clickhouse.js";
import { duckdbDialect } from "./duckdb.js";
import { postgresDialect } from "./postgres.js";
import { snowflakeDialect } from "./snowflake.js";

/**
 * Every dialect by name (the registry `--emit-sql <dialect>` looks up).
 *
 * @example
 * ```ts
 * DIALECTS.clickhouse.aggregateName("covar_pop"); // "covarPopStable"
 * ```
 */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb: duckdbDialect,
  postgres: postgresDialect,
  clickhouse: clickhouseDialect,
  bigquery: bigqueryDialect,
  snowflake: snowflakeDialect,
};
