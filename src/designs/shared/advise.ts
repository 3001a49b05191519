import type { Rollout } from "./rollouts.js";

/** What the user told the advisor (flags or interactive answers); absent fields become placeholders. */
export interface AdviseAnswers {
  readonly rollout: Rollout;
  readonly data?: string;
  readonly outcome?: string;
  /** ab: a pre-period measurement of the outcome (enables CUPED). */
  readonly preMetric?: string;
  /** ab: the assignment column (0/1). toggle: the opt-in flag. shared: the treated-cluster column. */
  readonly treatment?: string;
  /** waves/global: the period column. */
  readonly time?: string;
  /** waves: each row's treatment start. */
  readonly startColumn?: string;
  /** waves: how many waves (3 or more: staggered adoption). */
  readonly waves?: number;
  /** waves (staggered) / global: the unit column (user, workspace, market). */
  readonly unit?: string;
  /** toggle: what drives opting in. */
  readonly covariates?: readonly string[];
  /** threshold: the score and its cutoff, and which side is treated. */
  readonly running?: string;
  readonly cutoff?: number;
  readonly treatedSide?: "above" | "below";
  /** global: the treated units, the donor units ("none" when there are none) and the launch period. */
  readonly treatedUnits?: string;
  readonly donors?: string;
  readonly treatmentStart?: number;
  /** ab/waves/shared: the cluster column (workspace) when assignment or outcomes are correlated within it. */
  readonly cluster?: string;
  /** shared: a 0/1 column marking untreated users exposed through treated colleagues. */
  readonly exposure?: string;
  /** shared: the number of clusters (fewer than 30 → small-K inference). */
  readonly clusters?: number;
}

/** A column the recommended analysis needs: its role, the name (or `<placeholder>`) and whether it was given. */
export interface AdviceColumn {
  readonly role: string;
  readonly name: string;
  readonly given: boolean;
  readonly description: string;
}

/** An assumption the design rests on, how truelift checks it, and the diagnostic code that reports it. */
export interface AdviceAssumption {
  readonly assumption: string;
  readonly check: string;
  readonly diagnostic: string | null;
}

/** The advisor's answer. */
export interface Advice {
  readonly rollout: Rollout;
  /** Stable id of the design: `ab`, `did`, `did-staggered`, `propensity`, `rdd`, `synth`, `cluster`, or `none`. */
  readonly design: string;
  readonly designName: string;
  /** Why this design fits the rollout, and the trap of the naive comparison. */
  readonly why: string;
  readonly columns: readonly AdviceColumn[];
  readonly assumptions: readonly AdviceAssumption[];
  /** The exact command to run (placeholders in angle brackets for what was not given). */
  readonly command: string;
  /** For a plain A/B test: the analysis step by step. */
  readonly steps: readonly string[];
  readonly notes: readonly string[];
}

/** Quotes a shell word when it needs it. */
export const shellQuote = (s: string): string =>
  /^[\w./:,=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;

/**
 * One column of an advice: its role, the given name or a `<placeholder>`, and what it holds.
 *
 * @example
 * ```ts
 * adviceColumn("outcome", undefined, "outcome", "the metric").name; // "<outcome>"
 * ```
 */
export function adviceColumn(
  role: string,
  value: string | undefined,
  placeholder: string,
  description: string,
): AdviceColumn {
  return { role, name: value ?? `<${placeholder}>`, given: value !== undefined, description };
}

/**
 * Joins the non-empty parts of a command line.
 *
 * @example
 * ```ts
 * commandLine(["truelift did", null, "--outcome y"]); // "truelift did --outcome y"
 * ```
 */
export function commandLine(parts: readonly (string | null | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
}

/**
 * A `--flag value` pair (value shell-quoted unless it is a placeholder), or null when absent.
 *
 * @example
 * ```ts
 * adviceFlag("--outcome", "task completed"); // "--outcome 'task completed'"
 * ```
 */
export function adviceFlag(name: string, c: AdviceColumn | string | number | undefined): string | null {
  if (c === undefined) return null;
  const v = typeof c === "object" ? c.name : String(c);
  return `${name} ${v.startsWith("<") ? v : shellQuote(v)}`;
}

/**
 * The data-file argument of an advised command, or the `<data.csv>` placeholder.
 *
 * @example
 * ```ts
 * adviceData({ rollout: "waves" }); // "<data.csv>"
 * ```
 */
export function adviceData(a: AdviseAnswers): string {
  return a.data === undefined ? "<data.csv>" : shellQuote(a.data);
}

/**
 * The outcome column every advice asks for: the given `--outcome`, or the `<outcome>` placeholder.
 *
 * @example
 * ```ts
 * outcomeColumn({ rollout: "waves", outcome: "task_completed" }).name; // "task_completed"
 * ```
 */
export function outcomeColumn(a: AdviseAnswers): AdviceColumn {
  return adviceColumn("outcome", a.outcome, "outcome", "the metric the feature should move");
}
