import { TrueliftError } from "../../../core/errors.js";
import {
  CS_BASE_PERIODS,
  CS_CONTROL_GROUPS,
  CS_EST_METHODS,
  type CsDynamicOptions,
  type CsSpec,
} from "./types.js";

/** A {@link CsSpec} with every default filled in. *
 * @example
 * ```ts
 * validateCsSpec({ outcome: "y", unit: "id", time: "t", group: "g" }).bootstrap; // null
 * ```
 */
export interface CsValidSpec {
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  readonly group: string;
  readonly covariates: readonly string[];
  readonly control: (typeof CS_CONTROL_GROUPS)[number];
  readonly anticipation: number;
  readonly basePeriod: (typeof CS_BASE_PERIODS)[number];
  readonly estMethod: (typeof CS_EST_METHODS)[number];
  readonly alpha: number;
  readonly bootstrap: {
    readonly reps: number;
    readonly seed: number;
    readonly clusterBy: string | null;
  } | null;
  readonly aggregations: {
    readonly simple: boolean;
    readonly dynamic: CsDynamicOptions | null;
    readonly group: boolean;
    readonly calendar: boolean;
  };
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_SPEC", message);
}

function columnName(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") invalid(`spec.${field} must name a column.`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    invalid(`spec.${field} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${String(value)}.`);
  }
  return value as T;
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value)) invalid(`spec.${field} must be a number.`);
  return value;
}

/**
 * Validates a {@link CsSpec} and fills in did's defaults (never-treated control, varying base period, doubly
 * robust, alpha 0.05, no bootstrap, all aggregations). Throws `E_INVALID_SPEC` naming the offending field.
 *
 * @example
 * ```ts
 * const s = validateCsSpec({ outcome: "y", unit: "id", time: "t", group: "g" });
 * s.estMethod; // "dr"
 * ```
 */
export function validateCsSpec(spec: CsSpec): CsValidSpec {
  if (spec === null || typeof spec !== "object") invalid("The Callaway–Sant'Anna spec must be an object.");
  const outcome = columnName(spec.outcome, "outcome");
  const unit = columnName(spec.unit, "unit");
  const time = columnName(spec.time, "time");
  const group = columnName(spec.group, "group");
  const covariates = spec.covariates ?? [];
  if (!Array.isArray(covariates)) invalid("spec.covariates must be an array of column names.");
  covariates.forEach((c, i) => {
    columnName(c, `covariates[${i}]`);
  });
  if (new Set(covariates).size !== covariates.length) invalid("spec.covariates lists a column twice.");
  const control = oneOf(spec.control, CS_CONTROL_GROUPS, "control", "never");
  const basePeriod = oneOf(spec.basePeriod, CS_BASE_PERIODS, "basePeriod", "varying");
  const estMethod = oneOf(spec.estMethod, CS_EST_METHODS, "estMethod", "dr");
  const anticipation = spec.anticipation ?? 0;
  if (!Number.isInteger(anticipation) || anticipation < 0) {
    invalid(`spec.anticipation must be an integer ≥ 0; got ${String(anticipation)}.`);
  }
  const alpha = spec.alpha ?? 0.05;
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 1)) invalid("spec.alpha must be in (0, 1).");

  let bootstrap: CsValidSpec["bootstrap"] = null;
  if (spec.bootstrap !== undefined && spec.bootstrap !== false) {
    const b = spec.bootstrap;
    if (b === null || typeof b !== "object")
      invalid("spec.bootstrap must be false or { reps, seed, clusterBy }.");
    const reps = b.reps ?? 999;
    if (!Number.isInteger(reps) || reps < 2) invalid("spec.bootstrap.reps must be an integer ≥ 2.");
    if (!Number.isSafeInteger(b.seed)) invalid("spec.bootstrap.seed is required and must be a safe integer.");
    const clusterBy = b.clusterBy === undefined ? null : columnName(b.clusterBy, "bootstrap.clusterBy");
    bootstrap = { reps, seed: b.seed, clusterBy: clusterBy === unit ? null : clusterBy };
  }

  const a = spec.aggregations ?? {};
  if (a === null || typeof a !== "object") invalid("spec.aggregations must be an object.");
  const flag = (v: unknown, field: string): boolean => {
    if (v === undefined) return true;
    if (typeof v !== "boolean") invalid(`spec.aggregations.${field} must be true or false.`);
    return v;
  };
  let dynamic: CsDynamicOptions | null = null;
  if (a.dynamic === undefined || a.dynamic === true) dynamic = {};
  else if (a.dynamic !== false) {
    if (typeof a.dynamic !== "object" || a.dynamic === null) {
      invalid("spec.aggregations.dynamic must be a boolean or { minE, maxE, balanceE }.");
    }
    const d = a.dynamic;
    const minE = optionalNumber(d.minE, "aggregations.dynamic.minE");
    const maxE = optionalNumber(d.maxE, "aggregations.dynamic.maxE");
    const balanceE = optionalNumber(d.balanceE, "aggregations.dynamic.balanceE");
    if (minE !== undefined && maxE !== undefined && minE > maxE) {
      invalid("spec.aggregations.dynamic.minE must not exceed maxE.");
    }
    dynamic = {
      ...(minE === undefined ? {} : { minE }),
      ...(maxE === undefined ? {} : { maxE }),
      ...(balanceE === undefined ? {} : { balanceE }),
    };
  }
  return {
    outcome,
    unit,
    time,
    group,
    covariates: [...covariates],
    control,
    anticipation,
    basePeriod,
    estMethod,
    alpha,
    bootstrap,
    aggregations: {
      simple: flag(a.simple, "simple"),
      dynamic,
      group: flag(a.group, "group"),
      calendar: flag(a.calendar, "calendar"),
    },
  };
}
