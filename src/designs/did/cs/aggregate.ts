import type { CsCell } from "./att-gt.js";
import type { Param } from "./influence.js";
import type { CsDynamicOptions } from "./types.js";

/** An aggregation as parameters on the influence-function basis (see `IfBasis`). *
 * @example
 * ```ts
 * aggregateGroup(ctx).rows.map((r) => r.param.estimate); // θ(g) per group
 * ```
 */
export interface AggPlan {
  readonly type: "simple" | "dynamic" | "group" | "calendar";
  readonly overall: Param | null;
  readonly rows: readonly { readonly key: number; readonly param: Param }[];
  readonly options?: CsDynamicOptions;
}

/** What the aggregations need to know about the cells and the basis. *
 * @example
 * ```ts
 * aggregateSimple({ cells, usable, glist, pg, K, J }).overall?.estimate;
 * ```
 */
export interface AggContext {
  readonly cells: readonly CsCell[];
  /** Cells usable in aggregations (did's `na.rm = TRUE`: failed cells are left out). */
  readonly usable: readonly boolean[];
  readonly glist: readonly number[];
  /** P(G = g) per treated group: units of g / all units (did's `pg`, unweighted). */
  readonly pg: readonly number[];
  /** Basis columns: K cells, then one indicator per group, then ones. */
  readonly K: number;
  readonly J: number;
}

interface Item {
  readonly att: number;
  readonly coef: Float64Array;
  readonly pg: number;
  readonly gIdx: number;
}

function unit(J: number, k: number): Float64Array {
  const c = new Float64Array(J);
  c[k] = 1;
  return c;
}

/**
 * did's `get_agg_inf_func`: Σ wⱼ ψⱼ plus, when the weights are estimated group shares, `wif` (the influence
 * function of P(G = g) / Σ P(G = g) over the items), expressed on the basis' group-indicator and ones columns.
 */
function combine(
  ctx: AggContext,
  items: readonly Item[],
  weights: readonly number[],
  withWif: boolean,
): Param {
  const { K, J } = ctx;
  const coef = new Float64Array(J);
  let estimate = 0;
  items.forEach((it, m) => {
    estimate += weights[m] * it.att;
    for (let j = 0; j < J; j++) if (it.coef[j] !== 0) coef[j] += weights[m] * it.coef[j];
  });
  if (withWif) {
    const one = J - 1;
    let S = 0;
    let attPg = 0;
    for (const it of items) {
      S += it.pg;
      attPg += it.att * it.pg;
    }
    const A = attPg / (S * S);
    for (const it of items) {
      // (1{G = g_k} − pg_k) / S weighted by att_k …
      coef[K + it.gIdx] += it.att / S;
      coef[one] -= (it.att * it.pg) / S;
      // … minus (Σ_j 1{G = g_j} − pg_j) · Σ_k att_k pg_k / S².
      coef[K + it.gIdx] -= A;
      coef[one] += A * it.pg;
    }
  }
  return { estimate, coef };
}

function cellItem(ctx: AggContext, k: number): Item {
  const c = ctx.cells[k];
  const gIdx = ctx.glist.indexOf(c.group);
  return { att: c.estimate as number, coef: unit(ctx.J, k), pg: ctx.pg[gIdx], gIdx };
}

function pgWeighted(ctx: AggContext, ks: readonly number[]): Param {
  const items = ks.map((k) => cellItem(ctx, k));
  const S = items.reduce((a, it) => a + it.pg, 0);
  return combine(
    ctx,
    items,
    items.map((it) => it.pg / S),
    true,
  );
}

function mean(ctx: AggContext, params: readonly Param[]): Param {
  const items = params.map((p) => ({ att: p.estimate, coef: p.coef, pg: 0, gIdx: 0 }));
  return combine(
    ctx,
    items,
    items.map(() => 1 / items.length),
    false,
  );
}

function usableCells(ctx: AggContext): number[] {
  const out: number[] = [];
  ctx.cells.forEach((_, k) => {
    if (ctx.usable[k]) out.push(k);
  });
  return out;
}

/**
 * did's `aggte(type = "simple")`: post-treatment ATT(g,t) averaged with weights P(G = g), including the
 * estimated-weights term in the influence function.
 *
 * @example
 * ```ts
 * aggregateSimple(ctx).overall?.estimate; // on mpdta (reg): −0.0400
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), Section 3.1 (θ^O_W).
 */
export function aggregateSimple(ctx: AggContext): AggPlan {
  const keep = usableCells(ctx).filter((k) => ctx.cells[k].group <= ctx.cells[k].time);
  return { type: "simple", overall: keep.length > 0 ? pgWeighted(ctx, keep) : null, rows: [] };
}

/**
 * did's `aggte(type = "dynamic")`: θ(e) = Σ_g 1{t − g = e} P(G = g | …) ATT(g, g + e) for every event time e
 * (pre-treatment ones included), with optional `minE` / `maxE` and `balanceE` (only groups observed e periods
 * after treatment); the overall summary is the mean of θ(e) over e ≥ 0.
 *
 * @example
 * ```ts
 * aggregateDynamic(ctx, {}).rows.map((r) => r.key); // [-3, -2, -1, 0, 1, 2, 3] on mpdta
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), eq. (3.4)–(3.5).
 */
export function aggregateDynamic(ctx: AggContext, options: CsDynamicOptions): AggPlan {
  const ks = usableCells(ctx);
  const cells = ctx.cells;
  const times = ks.map((k) => cells[k].time);
  const maxT = Math.max(...times);
  const minT = Math.min(...times);
  let eseq = [...new Set(ks.map((k) => cells[k].time - cells[k].group))].sort((a, b) => a - b);
  let included = (_k: number) => true;
  if (options.balanceE !== undefined) {
    const be = options.balanceE;
    eseq = eseq.filter((e) => e <= be && e >= be - maxT + minT);
    included = (k: number) => maxT - cells[k].group >= be;
  }
  const minE = options.minE ?? Number.NEGATIVE_INFINITY;
  const maxE = options.maxE ?? Number.POSITIVE_INFINITY;
  eseq = eseq.filter((e) => e >= minE && e <= maxE);
  const rows: { key: number; param: Param }[] = [];
  for (const e of eseq) {
    const which = ks.filter((k) => cells[k].time - cells[k].group === e && included(k));
    if (which.length === 0) continue;
    rows.push({ key: e, param: pgWeighted(ctx, which) });
  }
  const pos = rows.filter((r) => r.key >= 0).map((r) => r.param);
  return { type: "dynamic", overall: pos.length > 0 ? mean(ctx, pos) : null, rows, options };
}

/**
 * did's `aggte(type = "group")`: θ(g) = mean of the post-treatment ATT(g,t) of group g; the overall summary
 * weights θ(g) by P(G = g) (with the estimated-weights term).
 *
 * @example
 * ```ts
 * aggregateGroup(ctx).rows.map((r) => r.key); // [2004, 2006, 2007] on mpdta
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), eq. (3.2)–(3.3).
 */
export function aggregateGroup(ctx: AggContext): AggPlan {
  const ks = usableCells(ctx);
  const rows: { key: number; param: Param }[] = [];
  const items: Item[] = [];
  ctx.glist.forEach((grp, gIdx) => {
    const which = ks.filter((k) => ctx.cells[k].group === grp && grp <= ctx.cells[k].time);
    if (which.length === 0) return;
    const param = combine(
      ctx,
      which.map((k) => cellItem(ctx, k)),
      which.map(() => 1 / which.length),
      false,
    );
    rows.push({ key: grp, param });
    items.push({ att: param.estimate, coef: param.coef, pg: ctx.pg[gIdx], gIdx });
  });
  if (items.length === 0) return { type: "group", overall: null, rows };
  const S = items.reduce((a, it) => a + it.pg, 0);
  const overall = combine(
    ctx,
    items,
    items.map((it) => it.pg / S),
    true,
  );
  return { type: "group", overall, rows };
}

/**
 * did's `aggte(type = "calendar")`: θ(t) = Σ_g P(G = g | g ≤ t) ATT(g, t) for each period from the first
 * treatment on; the overall summary is their mean.
 *
 * @example
 * ```ts
 * aggregateCalendar(ctx).rows.map((r) => r.key); // [2004, 2005, 2006, 2007] on mpdta
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), eq. (3.6)–(3.7).
 */
export function aggregateCalendar(ctx: AggContext): AggPlan {
  const ks = usableCells(ctx);
  const cells = ctx.cells;
  if (ks.length === 0) return { type: "calendar", overall: null, rows: [] };
  const minG = Math.min(...ks.map((k) => cells[k].group));
  const tlist = [...new Set(ks.map((k) => cells[k].time))].filter((t) => t >= minG).sort((a, b) => a - b);
  const rows: { key: number; param: Param }[] = [];
  for (const t1 of tlist) {
    const which = ks.filter((k) => cells[k].time === t1 && cells[k].group <= t1);
    if (which.length === 0) continue;
    rows.push({ key: t1, param: pgWeighted(ctx, which) });
  }
  return {
    type: "calendar",
    overall:
      rows.length > 0
        ? mean(
            ctx,
            rows.map((r) => r.param),
          )
        : null,
    rows,
  };
}
