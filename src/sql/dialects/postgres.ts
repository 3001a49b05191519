import { baseDialect, type Dialect } from "./base.js";

/**
 * PostgreSQL: the ANSI base as it is (`"…"` identifiers, `$n` parameters, `DOUBLE PRECISION`, `VAR_POP`,
 * `COVAR_POP`); string literals assume `standard_conforming_strings = on` (the default since 9.1).
 *
 * @example
 * ```ts
 * postgresDialect.placeholder(0); // "$1"
 * ```
 * @see https://www.postgresql.org/docs/current/functions-aggregate.html
 */
export const postgresDialect: Dialect = { ...baseDialect, name: "postgres" };
