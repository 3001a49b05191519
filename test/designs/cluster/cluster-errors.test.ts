import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Frame } from "../../../src/core/frame.js";
import { cluster } from "../../../src/designs/cluster/cluster.js";
import { CLUSTER_SPEC_SCHEMA, parseClusterSpec } from "../../../src/designs/cluster/spec.js";
import { errorCode, thrown } from "../../helpers/error-code.js";

const base = { outcome: "y", treatment: "d", cluster: "g" };
const ok = {
  y: [1, 2, 3, 4, 5, 6, 7, 8],
  d: [1, 1, 0, 0, 1, 1, 0, 0],
  g: ["a", "a", "b", "b", "c", "c", "e", "e"],
};

describe("cluster(): errors by code, before any computation", () => {
  it("E_CLUSTER_SINGLE: one cluster", () => {
    const f = Frame.fromObject({ y: [1, 2, 3], d: [1, 1, 1], g: ["a", "a", "a"] });
    const e = thrown(() => cluster(f, base));
    expect(e.code).toBe("E_CLUSTER_SINGLE");
    expect(e.category).toBe("data");
  });

  it("E_CLUSTER_ONE_ARM: all clusters in one arm", () => {
    const f = Frame.fromObject({ ...ok, d: ok.d.map(() => 0) });
    const e = thrown(() => cluster(f, base));
    expect(e.code).toBe("E_CLUSTER_ONE_ARM");
    expect(e.message).toMatch(/All 4 clusters are untreated/);
  });

  it("E_NAN_IN_CLUSTER: missing cluster ids, naming the rows", () => {
    const f = Frame.fromObject({ ...ok, g: ["a", "a", null, "b", "c", "c", "e", "e"] });
    const e = thrown(() => cluster(f, base));
    expect(e.code).toBe("E_NAN_IN_CLUSTER");
    expect(e.details.rows).toEqual([3]);
  });

  it("E_TREATMENT_VARIES_IN_CLUSTER: treatment not constant within a cluster", () => {
    const f = Frame.fromObject({ ...ok, d: [1, 0, 0, 0, 1, 1, 0, 0] });
    const e = thrown(() => cluster(f, base));
    expect(e.code).toBe("E_TREATMENT_VARIES_IN_CLUSTER");
    expect(e.details.clusters).toEqual(["a"]);
    expect(e.hint).toMatch(/same for every row of a cluster/);
  });

  it("E_STRATUM_VARIES_IN_CLUSTER, E_CLUSTER_EDGES, column errors and spec errors", () => {
    const f = Frame.fromObject({ ...ok, s: [1, 2, 1, 1, 2, 2, 2, 2] });
    expect(errorCode(() => cluster(f, { ...base, strata: "s" }))).toBe("E_STRATUM_VARIES_IN_CLUSTER");
    const g = Frame.fromObject({ ...ok, user: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(
      errorCode(() => cluster(g, { ...base, exposure: { edges: { from: "a", to: "b" }, user: "user" } })),
    ).toBe("E_CLUSTER_EDGES");
    expect(errorCode(() => cluster(Frame.fromObject(ok), { ...base, outcome: "nope" }))).toBe(
      "E_COLUMN_MISSING",
    );
    expect(errorCode(() => cluster(Frame.fromObject({ ...ok, d: [2, 2, 0, 0, 2, 2, 0, 0] }), base))).toBe(
      "E_NOT_BINARY",
    );
    expect(errorCode(() => cluster(Frame.fromObject({ ...ok, y: [1, null, 3, 4, 5, 6, 7, 8] }), base))).toBe(
      "E_MISSING_VALUES",
    );
    const bad = thrown(() => parseClusterSpec({ ...base, inference: { wild: { weights: "mammen" } } }));
    expect(bad.code).toBe("E_INVALID_SPEC");
    expect(bad.message).toMatch(/spec\.inference\.wild/);
    expect(errorCode(() => parseClusterSpec({ ...base, rollout: { spilloverShare: 2 } }))).toBe(
      "E_INVALID_SPEC",
    );
  });

  it("no silent seed: resampling without inference.seed is E_INVALID_SPEC naming the methods", () => {
    const f = Frame.fromObject(ok);
    const e = thrown(() => cluster(f, base));
    expect(e.code).toBe("E_INVALID_SPEC");
    expect(e.message).toMatch(/spec\.inference\.seed is required: the pairs cluster bootstrap draws/);
    expect(e.hint).toMatch(/--seed <n>/);
    const sampled = thrown(() =>
      cluster(f, { ...base, inference: { pairs: false, wild: { weights: "webb", reps: 99 } } }),
    );
    expect(sampled.message).toMatch(/the wild cluster bootstrap draws random numbers/);
    // 4 clusters: the wild bootstrap enumerates 2^4 sign patterns and RI the 6 assignments — nothing random
    const exact = cluster(f, { ...base, inference: { pairs: false } });
    expect(exact.smallK?.randomization?.exact).toBe(true);
    expect(exact.smallK?.wild?.treatment.seed).toBeNull();
    expect(exact.provenance.seed).toBeUndefined();
    const seeded = cluster(f, { ...base, inference: { seed: 3, pairs: { reps: 20 } } });
    expect(seeded.provenance.seed).toBe(3);
    expect(seeded.bootstrap?.seed).toBe(3);
  });

  it("the spec schema publishes as JSON Schema", () => {
    const schema = z.toJSONSchema(CLUSTER_SPEC_SCHEMA, { io: "input" }) as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(["outcome", "treatment", "cluster"]);
    expect(Object.keys(schema.properties)).toContain("exposure");
  });

  it("two clusters: estimates without cluster-mean SE rather than an error", () => {
    const f = Frame.fromObject({ y: [1, 2, 3, 5, 6, 7], d: [1, 1, 1, 0, 0, 0], g: [1, 1, 1, 2, 2, 2] });
    const r = cluster(f, { ...base, inference: { pairs: false, smallK: "never" } });
    expect(r.estimate.estimate).toBeCloseTo(-4, 12);
    expect(r.estimate.se).toBeNull();
  });
});
