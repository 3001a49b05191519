import { describe, expect, it } from "vitest";
import { synthdidEstimate } from "../../../src/designs/synth/sdid-estimate.js";
import { sdidStandardError } from "../../../src/designs/synth/sdid-se.js";
import { loadGolden } from "../../helpers/golden.js";
import { prop99 } from "./sdid-fixture.js";

/**
 * Slow (excluded from `vitest run` by the *.slow.test.ts pattern; run it explicitly): characterises the Monte
 * Carlo error behind the tolerance of the 200-replication placebo SE test in sdid-prop99.test.ts.
 */
describe("placebo SE Monte Carlo error on Prop 99 (2,000 replications)", () => {
  it("long-run SE and the spread of a 200-replication SE are consistent with synthdid's 8.368", () => {
    const panel = prop99();
    const fit = synthdidEstimate(panel, "sdid");
    const long = sdidStandardError(panel, fit, "placebo", { reps: 2000, seed: 2026 });
    const x = long.replicates;
    const n = x.length;
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const m2 = x.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const m4 = x.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
    const kurtosis = m4 / (m2 * m2);
    const r = 200;
    // delta method: sd of a sample sd from r draws ≈ σ·√((κ − (r − 3)/(r − 1)) / (4r))
    const mcSd200 = Math.sqrt(m2) * Math.sqrt((kurtosis - (r - 3) / (r - 1)) / (4 * r));
    const mcSd2000 = mcSd200 / Math.sqrt(10);
    const reference = loadGolden<{ se: { placebo_seed12345_200reps: number } }>("synth", "sdid-prop99")
      .expected.se.placebo_seed12345_200reps;
    const combined = Math.hypot(mcSd200, mcSd2000);
    console.log({ se2000: long.se, kurtosis, mcSd200, z: ((long.se as number) - reference) / combined });
    expect(mcSd200).toBeLessThan(0.7);
    expect(Math.abs((long.se as number) - reference)).toBeLessThanOrEqual(3 * combined);
  }, 600_000);
});
