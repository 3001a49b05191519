import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Provenance, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import { normalQuantile, tQuantile } from "../../numeric/dist/index.js";
import { estimateIcc, type IccEstimate } from "./power-icc.js";
import { noncentralityFor, twoSidedPower } from "./power-nct.js";
import { type PowerSolveFor, type PowerSpec, parsePowerSpec, type ValidPowerSpec } from "./power-spec.js";

/** The K ≥ 30 rule of thumb, reported as a diagnostic with its reason. */
export const FEW_CLUSTERS_THRESHOLD = 30;

/** One point of the power curve: at K clusters, the MDE at the target power and the power for the effect. */
export interface PowerCurvePoint {
  readonly clusters: number;
  readonly mde: number;
  readonly power: number;
}

/** Everything {@link clusterPower} returns: plain, frozen, JSON-serialisable data. */
export interface ClusterPower {
  readonly method: "cluster-power";
  readonly solve: PowerSolveFor;
  readonly test: "t" | "z";
  readonly clusters: number;
  readonly clustersTreated: number;
  readonly clustersControl: number;
  readonly clusterSize: { readonly mean: number; readonly cv: number };
  readonly icc: number;
  readonly iccSource: "given" | "estimated";
  readonly iccEstimate: IccEstimate | null;
  /** Eldridge et al. (2006): 1 + ((cv² + 1)·m̄ − 1)·ICC. */
  readonly designEffect: number;
  /** The equal-size design effect 1 + (m̄ − 1)·ICC, for comparison. */
  readonly designEffectEqualSizes: number;
  /** Users per arm divided by the design effect. */
  readonly effectiveN: { readonly treated: number; readonly control: number };
  readonly sd: number;
  readonly alpha: number;
  /** Power at `effect` (solved, or the target when solving for the MDE or K). */
  readonly power: number;
  /** Minimum detectable effect at the target power, in outcome units (SD units when sd = 1). */
  readonly mde: number;
  readonly mdeStandardized: number;
  /** The effect power refers to: the given effect, or the MDE. */
  readonly effect: number;
  /** Standard error of the difference in means under the design. */
  readonly se: number;
  /** t degrees of freedom (K − 2), or null for `test: "z"`. */
  readonly df: number | null;
  readonly criticalValue: number;
  /** MDE and power over a grid of K, for the power chart. */
  readonly curve: readonly PowerCurvePoint[];
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Design effect for cluster sampling with unequal cluster sizes (Eldridge, Ashby & Kerry 2006):
 * DE = 1 + ((cv² + 1)·m̄ − 1)·ρ, with m̄ the mean cluster size and cv the coefficient of variation of sizes;
 * cv = 0 gives Kish's 1 + (m̄ − 1)·ρ.
 *
 * @example
 * ```ts
 * import { designEffect } from "truelift";
 * designEffect(1000, 0, 0.05);   // 50.95
 * designEffect(1000, 0.5, 0.05); // 63.45
 * ```
 * @see Eldridge, Ashby & Kerry (2006), "Sample size for cluster randomized trials: effect of coefficient of variation of cluster size and analysis method", Int J Epidemiol 35(5).
 */
export function designEffect(meanSize: number, cv: number, icc: number): number {
  return 1 + ((cv * cv + 1) * meanSize - 1) * icc;
}

interface Inputs {
  readonly meanSize: number;
  readonly cv: number;
  readonly icc: number;
  readonly sd: number;
  readonly share: number;
  readonly alpha: number;
  readonly test: "t" | "z";
}

/** Arms, SE, df and critical value at K clusters. */
function planAt(k: number, x: Inputs) {
  const kT = Math.min(k - 1, Math.max(1, Math.round(x.share * k)));
  const kC = k - kT;
  const de = designEffect(x.meanSize, x.cv, x.icc);
  const nT = kT * x.meanSize;
  const nC = kC * x.meanSize;
  const se = x.sd * Math.sqrt(de * (1 / nT + 1 / nC));
  const df = x.test === "t" ? k - 2 : null;
  const crit = df === null ? normalQuantile(1 - x.alpha / 2) : tQuantile(1 - x.alpha / 2, df);
  return { kT, kC, de, nT, nC, se, df, crit };
}

function powerAt(k: number, effect: number, x: Inputs): number {
  const p = planAt(k, x);
  return twoSidedPower(Math.abs(effect) / p.se, p.df, x.alpha);
}

function mdeAt(k: number, power: number, x: Inputs): number {
  const p = planAt(k, x);
  return noncentralityFor(power, p.df, x.alpha) * p.se;
}

/**
 * Power and minimum detectable effect for a cluster-randomized experiment: from K, cluster sizes (unequal sizes
 * through their CV), the ICC (given, or estimated from data by one-way ANOVA), alpha, power and the treated share,
 * solves for the MDE, the number of clusters K, or the power. The difference in means has
 * SE = σ·√(DE·(1/n_T + 1/n_C)) with n_arm = K_arm·m̄ users and DE the Eldridge design effect; the test is t with
 * K − 2 df (noncentral t power, the cluster-level analysis) or normal. Reports the design effect, the effective
 * sample sizes, a power curve over K and the K ≥ 30 rule of thumb as a diagnostic with its reason.
 *
 * Errors: `E_INVALID_SPEC` (missing inputs named), `E_POWER_UNREACHABLE`, and the data errors of
 * {@link estimateIcc}.
 *
 * @example
 * ```ts
 * import { clusterPower } from "truelift";
 * const p = clusterPower({ clusters: 50, clusterSize: 1000, icc: 0.05, sd: 0.42 });
 * p.designEffect; // 50.95
 * p.mde;          // 0.0767 (outcome units): detectable with 80% power at alpha 0.05, t(48)
 * clusterPower({ clusterSize: 1000, icc: 0.05, sd: 0.42, effect: 0.05 }).clusters; // 115 clusters needed
 * ```
 * @see Eldridge, Ashby & Kerry (2006), Int J Epidemiol 35(5); Hayes & Moulton, Cluster Randomised Trials (2017), ch. 7; Donner & Klar (2000).
 */
export function clusterPower(spec: PowerSpec, data?: Frame): DeepReadonly<ClusterPower> {
  const s = parsePowerSpec(spec);
  const solve: PowerSolveFor =
    s.solve ?? (s.effect === undefined ? "mde" : s.clusters === undefined ? "clusters" : "power");
  const fromData = resolveData(s, data);
  const sizes = resolveSizes(s, fromData);
  const icc = resolveIcc(s, fromData);
  const x: Inputs = {
    meanSize: sizes.mean,
    cv: sizes.cv,
    icc: icc.value,
    sd: s.sd ?? fromData?.sd ?? 1,
    share: s.treatedShare ?? 0.5,
    alpha: s.alpha ?? 0.05,
    test: s.test ?? "t",
  };
  const target = s.power ?? 0.8;
  if (solve !== "mde" && s.effect === undefined) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Invalid power spec: spec.effect: solving for ${solve} needs the effect to detect.`,
    );
  }
  let k = s.clusters ?? fromData?.clusters;
  if (solve === "clusters")
    k = solveClusters(Math.abs(s.effect as number), target, x, s.maxClusters ?? 100_000);
  if (k === undefined) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Invalid power spec: spec.clusters: solving for ${solve} needs K (or data).`,
    );
  }
  const plan = planAt(k, x);
  const mde = mdeAt(k, target, x);
  const effect = s.effect === undefined ? mde : Math.abs(s.effect);
  const power =
    solve === "power" ? powerAt(k, effect, x) : solve === "clusters" ? powerAt(k, effect, x) : target;
  const curve = powerCurve(k, effect, target, x);

  const result: ClusterPower = {
    method: "cluster-power",
    solve,
    test: x.test,
    clusters: k,
    clustersTreated: plan.kT,
    clustersControl: plan.kC,
    clusterSize: { mean: sizes.mean, cv: sizes.cv },
    icc: icc.value,
    iccSource: icc.source,
    iccEstimate: fromData?.icc ?? null,
    designEffect: plan.de,
    designEffectEqualSizes: designEffect(sizes.mean, 0, icc.value),
    effectiveN: { treated: plan.nT / plan.de, control: plan.nC / plan.de },
    sd: x.sd,
    alpha: x.alpha,
    power,
    mde,
    mdeStandardized: mde / x.sd,
    effect,
    se: plan.se,
    df: plan.df,
    criticalValue: plan.crit,
    curve,
    diagnostics: powerDiagnostics(k, x, target, icc, sizes.cv, fromData?.icc ?? null),
    provenance: { spec: toJson(s), engine: "memory", version: LINEAR_MODEL_VERSION },
  };
  return deepFreeze(result);
}

interface FromData {
  readonly icc: IccEstimate;
  readonly sd: number;
  readonly clusters: number;
}

function resolveData(s: ValidPowerSpec, data: Frame | undefined): FromData | null {
  if (data === undefined) {
    if (s.icc === "estimate") {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        'Invalid power spec: spec.icc: "estimate" needs data (and outcome, cluster).',
      );
    }
    return null;
  }
  if (s.outcome === undefined || s.cluster === undefined) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Invalid power spec: spec.${s.outcome === undefined ? "outcome" : "cluster"}: data were given, so name the outcome and cluster columns.`,
    );
  }
  const icc = estimateIcc(data, { outcome: s.outcome, cluster: s.cluster }) as IccEstimate;
  return { icc, sd: icc.sd, clusters: icc.clusters };
}

function resolveSizes(s: ValidPowerSpec, d: FromData | null): { mean: number; cv: number } {
  const c = s.clusterSize;
  if (c === undefined) {
    if (d) return { mean: d.icc.sizes.mean, cv: d.icc.sizes.cv };
    throw new TrueliftError(
      "E_INVALID_SPEC",
      "Invalid power spec: spec.clusterSize: give the users per cluster (or data).",
    );
  }
  if (typeof c === "number") return { mean: c, cv: 0 };
  if (Array.isArray(c)) {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    const v = c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length;
    return { mean, cv: Math.sqrt(v) / mean };
  }
  const obj = c as { mean: number; cv?: number };
  return { mean: obj.mean, cv: obj.cv ?? 0 };
}

function resolveIcc(s: ValidPowerSpec, d: FromData | null): { value: number; source: "given" | "estimated" } {
  if (typeof s.icc === "number") return { value: s.icc, source: "given" };
  if (d) return { value: d.icc.icc, source: "estimated" };
  throw new TrueliftError(
    "E_INVALID_SPEC",
    "Invalid power spec: spec.icc: give the ICC, or data to estimate it from.",
  );
}

function solveClusters(effect: number, target: number, x: Inputs, maxK: number): number {
  const ok = (k: number): boolean => powerAt(k, effect, x) >= target;
  let hi = 4;
  while (!ok(hi)) {
    if (hi >= maxK) {
      throw new TrueliftError(
        "E_POWER_UNREACHABLE",
        `Even ${maxK} clusters do not give ${target} power to detect ${effect}.`,
        {
          details: {
            effect,
            power: target,
            maxClusters: maxK,
            designEffect: designEffect(x.meanSize, x.cv, x.icc),
          },
        },
      );
    }
    hi = Math.min(maxK, hi * 2);
  }
  let lo = Math.max(4, Math.floor(hi / 2));
  if (ok(lo)) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function powerCurve(k: number, effect: number, target: number, x: Inputs): PowerCurvePoint[] {
  const top = Math.max(2 * k, 40);
  const step = Math.max(1, Math.ceil((top - 4) / 40));
  const ks = new Set<number>([k]);
  for (let j = 4; j <= top; j += step) ks.add(j);
  return [...ks]
    .sort((a, b) => a - b)
    .map((kk) => ({ clusters: kk, mde: mdeAt(kk, target, x), power: powerAt(kk, effect, x) }));
}

function powerDiagnostics(
  k: number,
  x: Inputs,
  target: number,
  icc: { value: number; source: "given" | "estimated" },
  cv: number,
  est: IccEstimate | null,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const mdeT = mdeAt(k, target, { ...x, test: "t" });
  const mdeZ = mdeAt(k, target, { ...x, test: "z" });
  const gap = mdeT / mdeZ - 1;
  if (k < FEW_CLUSTERS_THRESHOLD) {
    out.push(
      diagnostic("D_POWER_FEW_CLUSTERS", "warn", {
        clusters: k,
        threshold: FEW_CLUSTERS_THRESHOLD,
        mdeT,
        mdeNormal: mdeZ,
        mdeInflation: gap,
      }),
    );
  } else {
    out.push(
      diagnostic("D_POWER_FEW_CLUSTERS", "pass", {
        clusters: k,
        threshold: FEW_CLUSTERS_THRESHOLD,
        mdeT,
        mdeNormal: mdeZ,
        mdeInflation: gap,
      }),
    );
  }
  out.push(
    diagnostic(
      "D_POWER_ICC_SOURCE",
      "info",
      {
        icc: icc.value,
        source: icc.source,
        msb: est?.msb ?? null,
        msw: est?.msw ?? null,
        n0: est?.n0 ?? null,
      },
      { rows: est?.obs, clusters: est?.clusters },
    ),
  );
  if (est?.truncated) {
    out.push(diagnostic("D_POWER_ICC_TRUNCATED", "warn", { iccRaw: est.iccRaw }));
  }
  if (cv > 0) {
    const de = designEffect(x.meanSize, cv, x.icc);
    const deEqual = designEffect(x.meanSize, 0, x.icc);
    out.push(
      diagnostic("D_POWER_UNEQUAL_SIZES", cv > 0.5 ? "warn" : "info", {
        cv,
        designEffect: de,
        designEffectEqualSizes: deEqual,
      }),
    );
  }
  return out;
}
