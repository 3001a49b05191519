import { describe, expect, it } from "vitest";
import { recommend } from "../../src/cli/advise/recommend.js";
import { COMMANDS } from "../../src/cli/registry.js";
import { DESIGN_NAMES, DESIGN_REGISTRY, loadDesigns } from "../../src/designs/registry.js";
import { ROLLOUTS } from "../../src/designs/shared/rollouts.js";
import { NEXT_STEP_RULES } from "../../src/report/next-steps.js";
import { runSpecJsonSchema } from "../../src/run/spec.js";

describe("the design registry", () => {
  it("lists each design once", () => {
    expect(new Set(DESIGN_NAMES).size).toBe(DESIGN_NAMES.length);
    expect(DESIGN_NAMES).toEqual(["did", "propensity", "rdd", "synth", "cluster", "experiment"]);
  });

  it("every registered design loads as itself, with a schema, a parser, report adapters and a CLI table", async () => {
    const designs = await loadDesigns();
    expect(designs.map((d) => d.name)).toEqual(DESIGN_NAMES);
    for (const d of designs) {
      expect(d.question.length).toBeGreaterThan(20);
      expect(typeof d.parse).toBe("function");
      expect(typeof d.analyze).toBe("function");
      expect(Object.keys(d.cli.options).length).toBeGreaterThan(0);
      expect(d.cli.examples.length).toBeGreaterThan(0);
      for (const example of d.cli.examples) expect(example).toMatch(/^truelift /);
    }
  });

  it("every registered design has a CLI command (and its aliases)", () => {
    const names = COMMANDS.map((c) => c.name);
    for (const d of DESIGN_REGISTRY) for (const n of [d.name, ...d.aliases]) expect(names).toContain(n);
    expect(names).toEqual([...names].sort());
  });

  it("every registered design has a run-spec JSON-schema entry", () => {
    const text = JSON.stringify(runSpecJsonSchema());
    for (const name of DESIGN_NAMES) expect(text).toContain(`"const":"${name}"`);
  });

  it("every registered design has at least one advise route, and the advisor sends that rollout to it", () => {
    for (const d of DESIGN_REGISTRY) {
      const rollouts = ROLLOUTS.filter((r) => d.advise[r] !== undefined);
      expect(rollouts.length).toBeGreaterThan(0);
      for (const rollout of rollouts) expect(recommend({ rollout }).design).toBe(d.name);
    }
  });

  it("the report's next-step rules are every design's rules, each rule once", () => {
    for (const d of DESIGN_REGISTRY) for (const r of d.nextSteps) expect(NEXT_STEP_RULES).toContain(r);
    expect(new Set(NEXT_STEP_RULES).size).toBe(NEXT_STEP_RULES.length);
  });
});
