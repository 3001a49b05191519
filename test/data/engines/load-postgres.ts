import type { Frame } from "../../../src/core/frame.js";
import { postgresDialect } from "../../../src/sql/dialects/postgres.js";
import type { PostgresService } from "../../helpers/services/postgres.js";

/** Creates table `name` from a frame (text → TEXT, numbers → DOUBLE PRECISION; NULLs kept) with one INSERT … unnest. */
export async function loadPostgres(pg: PostgresService, name: string, frame: Frame): Promise<void> {
  const q = postgresDialect.quoteIdent;
  const types = frame.names.map((c) => (frame.column(c).kind === "str" ? "text" : "double precision"));
  await pg.admin(`DROP TABLE IF EXISTS ${q(name)}`);
  await pg.admin(`CREATE TABLE ${q(name)} (${frame.names.map((c, j) => `${q(c)} ${types[j]}`).join(", ")})`);
  const arrays = frame.names.map((c) => {
    const out: (number | string | null)[] = [];
    for (let i = 0; i < frame.nrows; i++) {
      const v = frame.value(c, i);
      out.push(typeof v === "number" && Number.isNaN(v) ? null : v);
    }
    return out;
  });
  const unnest = types.map((t, j) => `$${j + 1}::${t}[]`).join(", ");
  await pg.admin(`INSERT INTO ${q(name)} SELECT * FROM unnest(${unnest})`, arrays);
}
