import { z } from "zod";
import { TrueliftError } from "../../core/errors.js";
import { MAX_REPLICATES } from "../../core/options.js";
import { parseSpec } from "../../core/parse-spec.js";
import { RDD_BWSELECT, RDD_MASSPOINTS } from "./bwselect.js";
import { RDD_KERNELS, RDD_SUPPORTS } from "./kernel.js";
import { RDD_VCE } from "./lpoly.js";

/**
 * Which side of the cutoff is treated. rdrobust always reports right minus left (x ≥ c minus x < c); truelift
 * reports **treated side minus untreated side**, so with `below` every jump is left minus right. Rows with x
 * exactly at the cutoff belong to the right (`above`) side either way, as in rdrobust.
 *
 * @example
 * ```ts
 * import { RDD_TREATED_SIDES } from "truelift";
 * RDD_TREATED_SIDES; // ["above", "below"]
 * ```
 */
export const RDD_TREATED_SIDES = ["above", "below"] as const;
/** One of {@link RDD_TREATED_SIDES}. */
export type RddTreatedSide = (typeof RDD_TREATED_SIDES)[number];

const column = z.string().min(1);
const positive = z.number().finite().positive();
const pair = z.union([positive, z.tuple([positive, positive])]);

/**
 * The zod schema behind {@link RddSpec}; `z.toJSONSchema(RDD_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { RDD_SPEC_SCHEMA } from "truelift";
 * RDD_SPEC_SCHEMA.safeParse({ outcome: "y", running: "x", cutoff: 0 }).success; // true
 * ```
 */
export const RDD_SPEC_SCHEMA = z.strictObject({
  outcome: column,
  running: column,
  cutoff: z.number().finite(),
  treated: z.enum(RDD_TREATED_SIDES).default("above"),
  treatment: column.optional(),
  fuzzy: z.boolean().optional(),
  p: z.number().int().min(0).max(10).optional(),
  q: z.number().int().min(0).max(11).optional(),
  deriv: z.number().int().min(0).max(10).optional(),
  kernel: z.enum(RDD_KERNELS).default("triangular"),
  support: z.enum(RDD_SUPPORTS).default("closed"),
  bandwidth: z.union([positive, z.strictObject({ h: pair, b: pair.optional() })]).optional(),
  bwselect: z.enum(RDD_BWSELECT).optional(),
  vce: z.enum(RDD_VCE).default("nn"),
  nnmatch: z.number().int().min(1).default(3),
  cluster: column.optional(),
  masspoints: z.enum(RDD_MASSPOINTS).default("adjust"),
  bwcheck: z.number().int().min(1).optional(),
  bwrestrict: z.boolean().default(true),
  scaleregul: z.number().finite().min(0).default(1),
  alpha: z.number().gt(0).lt(1).default(0.05),
  sweep: z.array(positive).optional(),
  covariates: z.array(column).optional(),
  placebo: z.union([z.array(z.number().finite()), z.literal(false)]).optional(),
  donut: z.union([z.array(z.number().finite().positive()), z.literal(false)]).optional(),
  density: z.boolean().default(true),
  rdplot: z.boolean().default(true),
  bootstrap: z
    .union([
      z.literal(false),
      z.strictObject({
        reps: z.number().int().min(2).max(MAX_REPLICATES).optional(),
        seed: z.number().int(),
      }),
    ])
    .optional(),
});

/**
 * What {@link rdd} analyses: a regression discontinuity in `outcome` at `cutoff` of the `running` variable.
 *
 * - `treated`: the treated side. __Default value:__ `"above"` (x ≥ cutoff). Estimates are treated minus untreated.
 * - `treatment`: a 0/1 column recording who actually got the treatment. Sharp designs use it for the naive
 *   contrast and a compliance check; with `fuzzy: true` it is the take-up whose jump is the first stage.
 * - `fuzzy`: fuzzy RD (local Wald ratio, rdrobust's `fuzzy =`). __Default value:__ false.
 * - `p` / `q`: polynomial order of the estimate and of the bias correction. __Default value:__ 1 (deriv + 1 when
 *   `deriv` is given) / p + 1.
 * - `deriv`: estimate the jump in the deriv-th derivative (1: regression kink design). __Default value:__ 0.
 * - `kernel`: __Default value:__ `"triangular"`. `support`: `"closed"` (|u| ≤ 1, rdrobust) or `"open"`
 *   (c − h < x < c + h, the tutorial's slice). __Default value:__ `"closed"`.
 * - `bandwidth`: a fixed h (both sides), or `{h, b}` each a number or `[below, above]`; b defaults to h.
 *   __Default value:__ data-driven by `bwselect` (__Default value:__ `"mserd"`).
 * - `vce`: `"nn"` (nearest neighbours, `nnmatch` __Default value:__ 3) or `"hc0"`–`"hc3"`. __Default value:__
 *   `"nn"`. `cluster`: a column whose groups' scores are summed (CR1 factor per side).
 * - `masspoints`, `bwcheck`, `bwrestrict`, `scaleregul`: rdrobust's bandwidth-selection options.
 *   __Default value:__ `"adjust"`, none, true, 1.
 * - `alpha`: __Default value:__ 0.05.
 * - `sweep`: bandwidths for the sensitivity table. __Default value:__ 0.5, 0.75, 1, 1.5 and 2 times h.
 * - `covariates`: pre-determined columns tested for a jump at the cutoff (same bandwidths).
 * - `placebo`: fake cutoffs, each fitted on its own side only. __Default value:__ the median of x on each side;
 *   `false` skips them. `donut`: radii r of the donut-hole re-estimates (rows with |x − c| < r dropped).
 *   __Default value:__ 10% and 25% of h; `false` skips them.
 * - `density`: run the manipulation test of the running variable. __Default value:__ true.
 * - `rdplot`: compute the RD plot (binned means in rdplot's IMSE-optimal evenly-spaced bins, and global
 *   polynomial fits). __Default value:__ true.
 * - `bootstrap`: `{reps, seed}` percentile intervals (rows resampled within each window, as the tutorial does) for
 *   the headline, the sweep and the quadratic check. __Default value:__ false; reps 500.
 */
export type RddSpec = z.input<typeof RDD_SPEC_SCHEMA>;

/** A {@link RddSpec} that passed validation. */
export type ValidRddSpec = z.output<typeof RDD_SPEC_SCHEMA>;

/**
 * Validates a {@link RddSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseRddSpec } from "truelift";
 * parseRddSpec({ outcome: "y", running: "x", cutoff: 0.85, treated: "below" }).treated; // "below"
 * ```
 */
export function parseRddSpec(spec: unknown): ValidRddSpec {
  const s = parseSpec(RDD_SPEC_SCHEMA, spec, { what: "RD" });
  const p = s.p ?? (s.deriv ?? 0) + 1;
  if (s.deriv !== undefined && s.deriv > p) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Invalid RD spec: spec.deriv: must be at most p (${p}); got ${s.deriv}.`,
      {
        details: { issues: [{ path: "deriv", message: "deriv > p" }] },
      },
    );
  }
  if (s.q !== undefined && s.q < p) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Invalid RD spec: spec.q: must be at least p (${p}); got ${s.q}.`,
      {
        details: { issues: [{ path: "q", message: "q < p" }] },
      },
    );
  }
  if (s.fuzzy && !s.treatment) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      "Invalid RD spec: spec.treatment: a fuzzy design needs the take-up column in `treatment`.",
      { details: { issues: [{ path: "treatment", message: "required when fuzzy is true" }] } },
    );
  }
  return s;
}
