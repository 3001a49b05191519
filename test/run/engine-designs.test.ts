import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrueliftError } from "../../src/core/errors.js";
import type { Frame } from "../../src/core/frame.js";
import { generateDataset } from "../../src/data/generate/dataset.js";
import { writeDataset } from "../../src/data/write.js";
import type { RegisteredDesign } from "../../src/designs/shared/contract.js";
import { analyzeMoments, analyzeOnEngine, emitCompressSql } from "../../src/run/compressed.js";
import { RUN_DESIGNS } from "../../src/run/designs.js";
import { executeRunSpec } from "../../src/run/execute.js";
import { parseRunSpec } from "../../src/run/spec.js";
import { loadClickHouse } from "../data/engines/load-clickhouse.js";
import { loadPostgres } from "../data/engines/load-postgres.js";
import { expectSame } from "../helpers/expect-same.js";
import { fixturePath } from "../helpers/fixture.js";
import {
  CLICKHOUSE_SERVER,
  type ClickHouseCluster,
  startClickHouseCluster,
} from "../helpers/services/clickhouse.js";
import { type PostgresService, postgresBinDir, startPostgres } from "../helpers/services/postgres.js";

/** The tutorial analyses of each design (the specs the README and the demo use). */
const SPECS: Readonly<Record<string, unknown>> = {
  did: {
    outcome: "task_completed",
    time: "signup_week",
    treatment: { startColumn: "treatment_week" },
    cluster: "workspace_id",
    covariates: ["engagement_tier"],
  },
  rdd: { outcome: "task_completed", running: "query_confidence", cutoff: 0.85 },
  propensity: {
    treatment: "opt_in_agent_mode",
    outcome: "task_completed",
    covariates: ["engagement_tier"],
  },
  synth: {
    outcome: "task_completed",
    unit: "workspace_id",
    time: "signup_week",
    treated: Array.from({ length: 25 }, (_, i) => i),
    donors: Array.from({ length: 25 }, (_, i) => i + 25),
    treatmentStart: 20,
    window: { from: 0, to: 29 },
  },
  cluster: {
    outcome: "session_minutes_obs",
    treatment: { column: "wave", treatedValues: [1] },
    cluster: "workspace_id",
    exposure: { column: "opt_in_agent_mode" },
    inference: { seed: 7 },
  },
};

/** The generated tutorial data with the cluster outcome (20,000 users), shared by every design and engine. */
const DATA: Frame = generateDataset({ seed: 42, users: 20_000, scenario: "cluster" });
const DATA_FILE = join(mkdtempSync(join(tmpdir(), "truelift-engines-")), "saas.parquet");

/** Designs whose compressed path is in place (the others still load rows; see the README). */
const EXPECTED_COMPRESSIBLE = ["cluster", "did", "propensity", "rdd", "synth"];

const COMPRESSIBLE = RUN_DESIGNS.filter((d) => d.compression !== undefined && SPECS[d.name] !== undefined);

async function rowResult(design: RegisteredDesign): Promise<unknown> {
  return (await design.analyze(DATA, SPECS[design.name])).result;
}

/** Everything but the engine-specific path: the result of the cells path must equal the rows'. */
function sameResult(cells: unknown, rows: unknown): void {
  // The cluster outcome histogram needs each user's outcome: engine cells leave it empty (documented).
  expectSame(rows, cells, { skip: ["$.n.cells", "$.provenance", "$.tidy.outcomeBins"] });
}

beforeAll(async () => {
  await writeDataset(DATA, DATA_FILE);
});

describe("compress → estimate on DuckDB (file), for every design with a compressed path", () => {
  it("has a compressed path for every design but those listed as pending", () => {
    expect(COMPRESSIBLE.map((d) => d.name).sort()).toEqual(EXPECTED_COMPRESSIBLE);
  });
  for (const design of COMPRESSIBLE) {
    it(`${design.name}: the fixture file compressed by DuckDB gives the in-memory result`, async () => {
      const { analysis, path } = await analyzeOnEngine(design, SPECS[design.name], { file: DATA_FILE });
      expect(path).toMatchObject({ mode: "compressed", engine: "duckdb", rowsScanned: 20_000 });
      expect(path.cells).toBeGreaterThan(0);
      sameResult(analysis.result, await rowResult(design));
    });
  }
});

describe.skipIf(postgresBinDir() === null)(
  "compress → estimate on PostgreSQL (live, 127.0.0.1)",
  () => {
    let server: PostgresService;
    beforeAll(async () => {
      const s = await startPostgres();
      if (s === null) throw new Error("PostgreSQL binaries vanished");
      server = s;
      await loadPostgres(server, "saas", DATA);
    }, 90_000);
    afterAll(async () => {
      await server?.stop();
    });
    for (const design of COMPRESSIBLE) {
      it(`${design.name}: a PostgreSQL table gives the in-memory result`, async () => {
        const { analysis, path } = await analyzeOnEngine(design, SPECS[design.name], {
          db: server.url(),
          table: "public.saas",
        });
        expect(path).toMatchObject({ mode: "compressed", engine: "postgres", table: "public.saas" });
        expect(JSON.stringify(path)).not.toContain("truelift-test-superuser");
        sameResult(analysis.result, await rowResult(design));
      });
    }
    it("a run spec with a { db, table } source runs each analysis in the database and reports the in-memory numbers", async () => {
      const spec = parseRunSpec({
        version: 1,
        data: { warehouse: { db: server.url(), table: "public.saas" } },
        analyses: [
          { id: "waves", design: "did", data: "warehouse", spec: SPECS.did },
          { id: "spill", design: "cluster", data: "warehouse", spec: SPECS.cluster },
        ],
      });
      const sections = await executeRunSpec(spec, { baseDir: "." });
      for (const [i, name] of ["did", "cluster"].entries()) {
        const rows = (await rowResult(RUN_DESIGNS.find((d) => d.name === name) as RegisteredDesign)) as {
          estimate: unknown;
        };
        expectSame(rows.estimate, sections[i].estimate);
        expect(sections[i].provenance.engine).toBe("warehouse");
      }
      expect(JSON.stringify(sections.map((x) => x.provenance))).not.toContain("truelift-test-superuser");
    });

    it("a NULL in a used column is refused with E_MISSING_VALUES, as on rows", async () => {
      await server.admin("CREATE TABLE saas_null AS SELECT * FROM saas");
      await server.admin(`UPDATE saas_null SET "task_completed" = NULL WHERE "user_id" = 7`);
      const did = RUN_DESIGNS.find((d) => d.name === "did") as RegisteredDesign;
      await expect(
        analyzeOnEngine(did, SPECS.did, { db: server.url(), table: "saas_null" }).catch(
          (e: TrueliftError) => e.code,
        ),
      ).resolves.toBe("E_MISSING_VALUES");
    });
  },
  120_000,
);

describe.skipIf(!existsSync(CLICKHOUSE_SERVER))(
  "compress → estimate on two ClickHouse shards (Distributed)",
  () => {
    let cluster: ClickHouseCluster;
    beforeAll(async () => {
      const c = await startClickHouseCluster();
      if (c === null) throw new Error("ClickHouse binary vanished");
      cluster = c;
      await loadClickHouse(cluster, "saas", DATA);
    }, 90_000);
    afterAll(async () => {
      await cluster?.stop();
    });
    for (const design of COMPRESSIBLE) {
      it(`${design.name}: the Distributed table gives the in-memory result`, async () => {
        const url = cluster.nodes[0].url().replace(/^http:\/\//, "clickhouse://");
        const { analysis, path } = await analyzeOnEngine(design, SPECS[design.name], {
          db: url,
          table: "saas",
        });
        expect(path).toMatchObject({ mode: "compressed", engine: "clickhouse", rowsScanned: 20_000 });
        sameResult(analysis.result, await rowResult(design));
      });
    }
  },
  120_000,
);

describe("emit-sql → moments round trip", () => {
  it("did: the emitted DuckDB query's result, saved as CSV, gives the in-memory result", async () => {
    const did = RUN_DESIGNS.find((d) => d.name === "did") as RegisteredDesign;
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const sql = emitCompressSql(did, SPECS.did, { file: DATA_FILE }, "duckdb");
    const out = join(mkdtempSync(join(tmpdir(), "truelift-moments-")), "moments.csv");
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    await conn.run(`COPY (${sql}) TO '${out.replaceAll("'", "''")}' (HEADER)`);
    conn.closeSync();
    db.closeSync();
    const { analysis, path } = await analyzeMoments(did, SPECS.did, out);
    expect(path.mode).toBe("moments");
    sameResult(analysis.result, await rowResult(did));
  });

  it("a moments file with a missing column is refused with E_MOMENTS_COLUMNS", async () => {
    const did = RUN_DESIGNS.find((d) => d.name === "did") as RegisteredDesign;
    const code = await analyzeMoments(did, SPECS.did, fixturePath("saas_llm_logs_seed42.csv.gz")).catch(
      (e: TrueliftError) => e.code,
    );
    expect(code).toBe("E_MOMENTS_COLUMNS");
  });
});
