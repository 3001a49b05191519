import { TrueliftError } from "../core/errors.js";

/**
 * A factor of a model term: a numeric column (used as is) or a categorical column (dummy-coded).
 *
 * - `numeric`: the column must hold numbers (an `f64` or `i32` column); text raises `E_COLUMN_TYPE`.
 *   Unlike patsy, a bare text column is not silently turned into a categorical: wrap it in `C(...)`.
 * - `categorical`: any column; its levels are the distinct values among the rows the model uses, sorted
 *   (strings by code unit, numbers numerically; integer-valued numbers print without a decimal point).
 *   `reference` is the omitted level under treatment coding (__Default value:__ the first sorted level, as
 *   patsy). `label` is the text used in coefficient names (__Default value:__ `C(column)`, or
 *   `C(column, Treatment('ref'))` when `reference` is set); {@link parseFormula} sets it to the formula's own
 *   text so names match statsmodels exactly.
 */
export type Factor =
  | { readonly kind: "numeric"; readonly column: string }
  | {
      readonly kind: "categorical";
      readonly column: string;
      readonly reference?: string;
      readonly label?: string;
    };

/** One model term: a single factor (main effect) or the product of several (an interaction). */
export interface TermSpec {
  readonly factors: readonly Factor[];
}

/**
 * The canonical, structured form of a linear model's mean: outcome, terms and whether there is an intercept.
 * Term order is the user's; the design matrix re-orders columns exactly as patsy does (intercept, then terms
 * grouped by their set of numeric factors — the purely categorical group first, then groups in order of first
 * appearance — and by degree within a group).
 */
export interface ModelFormula {
  readonly outcome: string;
  readonly terms: readonly TermSpec[];
  /** __Default value:__ `true`. */
  readonly intercept: boolean;
}

/**
 * The text a factor contributes to coefficient names (patsy's factor name).
 *
 * @example
 * ```ts
 * import { factorLabel } from "truelift";
 * factorLabel({ kind: "categorical", column: "tier", reference: "heavy" }); // "C(tier, Treatment('heavy'))"
 * ```
 * @see patsy `EvalFactor.name()`, https://patsy.readthedocs.io/en/latest/API-reference.html
 */
export function factorLabel(f: Factor): string {
  if (f.kind === "numeric") return f.column;
  if (f.label !== undefined) return f.label;
  return f.reference === undefined ? `C(${f.column})` : `C(${f.column}, Treatment(${pyRepr(f.reference)}))`;
}

/**
 * A stable identity for a factor (two factors are the same when kind, column, reference and label agree), used
 * to de-duplicate terms as patsy does.
 *
 * @example
 * ```ts
 * import { factorKey } from "truelift";
 * factorKey({ kind: "numeric", column: "x" }); // "n:x"
 * ```
 * @see patsy `Term` equality (a term is a set of factors).
 */
export function factorKey(f: Factor): string {
  return f.kind === "numeric" ? `n:${f.column}` : `c:${f.column}:${f.reference ?? ""}:${factorLabel(f)}`;
}

/**
 * Parses a patsy / statsmodels formula into a {@link ModelFormula}.
 *
 * Supported: `y ~ a + b`, interactions `a:b`, crossing `a*b` (= `a + b + a:b`), parentheses, term removal
 * `- a`, intercept removal `- 1` / `+ 0` / `0 +` (and `+ 1` to restore it), categorical factors `C(x)`,
 * `C(x, Treatment('level'))` and `C(x, Treatment(reference='level'))`. Terms are de-duplicated as sets of
 * factors (`a:b` equals `b:a`; the first spelling wins), as in patsy. Factor text is normalised as patsy does
 * (`C( x,Treatment( 'a' ))` → `C(x, Treatment('a'))`), so coefficient names match statsmodels.
 * Throws `E_FORMULA_SYNTAX` (with the character position) on anything else.
 *
 * @example
 * ```ts
 * import { parseFormula } from "truelift";
 * const f = parseFormula("task_completed ~ treated*post + C(engagement_tier)");
 * f.outcome;        // "task_completed"
 * f.terms.length;   // 4: treated, post, treated:post, C(engagement_tier)
 * f.intercept;      // true
 * ```
 * @see Wilkinson & Rogers (1973), "Symbolic description of factorial models for analysis of variance";
 *   patsy's formula language, https://patsy.readthedocs.io/en/latest/formulas.html
 */
export function parseFormula(formula: string): ModelFormula {
  const tokens = tokenize(formula);
  const p = new Parser(formula, tokens);
  const outcomeTok = p.expect("name");
  p.expect("~");
  const rhs = p.parseSum();
  p.expect("end");
  return Object.freeze({
    outcome: outcomeTok.text,
    terms: Object.freeze(rhs.terms.map((t) => Object.freeze({ factors: Object.freeze(t) }))),
    intercept: rhs.intercept,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Tokenizer and recursive-descent parser. Precedence (patsy): `+ -` < `*` < `:`.

type TokKind = "name" | "number" | "string" | "~" | "+" | "-" | "*" | ":" | "(" | ")" | "," | "=" | "end";
interface Token {
  readonly kind: TokKind;
  readonly text: string;
  readonly pos: number;
}

function syntaxError(formula: string, pos: number, what: string): TrueliftError {
  return new TrueliftError("E_FORMULA_SYNTAX", `Formula error at character ${pos + 1}: ${what}.`, {
    details: { formula, position: pos },
  });
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if ("~+-*:(),=".includes(c)) {
      out.push({ kind: c as TokKind, text: c, pos: i });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[A-Za-z0-9_.]/.test(s[j])) j++;
      out.push({ kind: "name", text: s.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(s[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < s.length && /[0-9.eE]/.test(s[j])) j++;
      out.push({ kind: "number", text: s.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === "\\" ? 2 : 1;
      if (j >= s.length) throw syntaxError(s, i, "unterminated string");
      out.push({ kind: "string", text: s.slice(i, j + 1), pos: i });
      i = j + 1;
      continue;
    }
    throw syntaxError(s, i, `unexpected character '${c}'`);
  }
  out.push({ kind: "end", text: "", pos: s.length });
  return out;
}

/** An intermediate expression: an ordered list of terms (factor lists) and the intercept flag. */
interface Expr {
  terms: Factor[][];
  intercept: boolean;
  /** Set when the expression is the literal 0 or 1 (only meaningful inside sums). */
  literal?: 0 | 1;
}

function termSetKey(t: readonly Factor[]): string {
  return t
    .map(factorKey)
    .sort()
    .filter((k, i, a) => i === 0 || a[i - 1] !== k)
    .join("|");
}

function uniqueTerms(terms: Factor[][]): Factor[][] {
  const seen = new Set<string>();
  const out: Factor[][] = [];
  for (const t of terms) {
    const key = termSetKey(t);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

function uniqueFactors(fs: Factor[]): Factor[] {
  const seen = new Set<string>();
  return fs.filter((f) => {
    const k = factorKey(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  private peek(): Token {
    return this.toks[this.i];
  }

  expect(kind: TokKind): Token {
    const t = this.toks[this.i];
    if (t.kind !== kind) {
      const what =
        kind === "end" ? "unexpected text" : `expected '${kind === "name" ? "a column name" : kind}'`;
      throw syntaxError(this.src, t.pos, `${what}, found '${t.text || "end of formula"}'`);
    }
    this.i++;
    return t;
  }

  /** sum := product (('+' | '-') product)* ; a leading '-' or '0'/'1' is allowed. */
  parseSum(): Expr {
    let terms: Factor[][] = [];
    let intercept = true;
    let sign: "+" | "-" = "+";
    if (this.peek().kind === "-") {
      this.i++;
      sign = "-";
    }
    for (;;) {
      const start = this.peek().pos;
      const e = this.parseProduct();
      if (e.literal !== undefined) {
        intercept = sign === "+" ? e.literal === 1 : e.literal === 0;
      } else if (sign === "+") {
        terms = uniqueTerms([...terms, ...e.terms]);
      } else {
        const drop = new Set(e.terms.map(termSetKey));
        terms = terms.filter((t) => !drop.has(termSetKey(t)));
        if (e.terms.length === 0) throw syntaxError(this.src, start, "nothing to remove");
      }
      const t = this.peek();
      if (t.kind !== "+" && t.kind !== "-") break;
      sign = t.kind;
      this.i++;
    }
    return { terms, intercept };
  }

  /** product := inter ('*' inter)* ; a*b = a + b + a:b. */
  private parseProduct(): Expr {
    let left = this.parseInteraction();
    while (this.peek().kind === "*") {
      const pos = this.peek().pos;
      this.i++;
      const right = this.parseInteraction();
      if (left.literal !== undefined || right.literal !== undefined) {
        throw syntaxError(this.src, pos, "0 and 1 cannot be crossed with '*'");
      }
      left = {
        terms: uniqueTerms([...left.terms, ...right.terms, ...interact(left.terms, right.terms)]),
        intercept: true,
      };
    }
    return left;
  }

  /** inter := atom (':' atom)* */
  private parseInteraction(): Expr {
    let left = this.parseAtom();
    while (this.peek().kind === ":") {
      const pos = this.peek().pos;
      this.i++;
      const right = this.parseAtom();
      if (left.literal !== undefined || right.literal !== undefined) {
        throw syntaxError(this.src, pos, "0 and 1 cannot be interacted with ':'");
      }
      left = { terms: uniqueTerms(interact(left.terms, right.terms)), intercept: true };
    }
    return left;
  }

  private parseAtom(): Expr {
    const t = this.peek();
    if (t.kind === "(") {
      this.i++;
      const inner = this.parseSum();
      this.expect(")");
      if (!inner.intercept) throw syntaxError(this.src, t.pos, "intercept removal inside parentheses");
      return { terms: inner.terms, intercept: true };
    }
    if (t.kind === "number") {
      this.i++;
      if (t.text === "0" || t.text === "1")
        return { terms: [], intercept: true, literal: Number(t.text) as 0 | 1 };
      throw syntaxError(this.src, t.pos, `only 0 and 1 may appear as numbers, found '${t.text}'`);
    }
    if (t.kind === "name") {
      this.i++;
      if (this.peek().kind === "(") {
        if (t.text !== "C")
          throw syntaxError(this.src, t.pos, `unsupported function '${t.text}()'; only C() is`);
        return { terms: [[this.parseCategorical(t)]], intercept: true };
      }
      return { terms: [[{ kind: "numeric", column: t.text }]], intercept: true };
    }
    throw syntaxError(this.src, t.pos, `unexpected '${t.text || "end of formula"}'`);
  }

  /** C(col) | C(col, Treatment('lvl')) | C(col, Treatment(reference='lvl')) | C(col, Treatment(2)). */
  private parseCategorical(cTok: Token): Factor {
    this.expect("(");
    const col = this.expect("name").text;
    if (this.peek().kind === ")") {
      this.i++;
      return { kind: "categorical", column: col, label: `C(${col})` };
    }
    this.expect(",");
    const fn = this.expect("name");
    if (fn.text !== "Treatment") {
      throw syntaxError(this.src, fn.pos, `unsupported contrast '${fn.text}'; only Treatment is`);
    }
    this.expect("(");
    let kw = "";
    if (this.peek().kind === "name") {
      const k = this.expect("name");
      if (k.text !== "reference") throw syntaxError(this.src, k.pos, "expected 'reference='");
      this.expect("=");
      kw = "reference=";
    }
    const lit = this.peek();
    if (lit.kind !== "string" && lit.kind !== "number") {
      throw syntaxError(this.src, lit.pos, "expected the reference level as a quoted string or a number");
    }
    this.i++;
    this.expect(")");
    this.expect(")");
    const reference = lit.kind === "string" ? unquote(lit.text) : String(Number(lit.text));
    if (cTok.text !== "C") throw syntaxError(this.src, cTok.pos, "expected C()");
    return {
      kind: "categorical",
      column: col,
      reference,
      label: `C(${col}, Treatment(${kw}${lit.text}))`,
    };
  }
}

function interact(left: Factor[][], right: Factor[][]): Factor[][] {
  const out: Factor[][] = [];
  for (const l of left) for (const r of right) out.push(uniqueFactors([...l, ...r]));
  return out;
}

function unquote(lit: string): string {
  return lit.slice(1, -1).replace(/\\(.)/g, "$1");
}

/** Python's repr of a string (single quotes unless the text contains one). */
function pyRepr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------------------
// Patsy's column coding: term order and full-rank vs reduced (treatment) coding of each categorical factor.

/** Levels of a categorical factor (sorted labels) and the index of its reference level. */
export interface FactorLevels {
  readonly labels: readonly string[];
  readonly reference: number;
}

/** One factor of a coded column: a numeric factor (`level` null) or the indicator of one level. */
export interface CodedPart {
  readonly factor: number;
  readonly level: number | null;
}

/** One design-matrix column: its patsy name and the product of parts that defines it (empty = intercept). */
export interface CodedColumn {
  readonly name: string;
  readonly parts: readonly CodedPart[];
}

/**
 * Expands terms into design columns exactly as patsy does (`patsy.build._make_subterm_infos` and
 * `patsy.redundancy.pick_contrasts_for_term`): terms are bucketed by their set of numeric factors (the bucket
 * without numeric factors first, the rest in order of first appearance), sorted by degree within a bucket, and
 * each categorical factor is coded full-rank (`[level]`) or by treatment contrasts (`[T.level]`) so that no
 * column is redundant with lower-order terms of the same bucket. Columns of a multi-factor term vary the
 * left-most factor fastest. Returns the distinct factors (by {@link factorKey}) and the columns.
 *
 * @example
 * ```ts
 * import { codeTerms, parseFormula } from "truelift";
 * const f = parseFormula("y ~ x * C(g)");
 * const { columns } = codeTerms(f.terms, true, () => ({ labels: ["a", "b"], reference: 0 }));
 * columns.map((c) => c.name); // ["Intercept", "C(g)[T.b]", "x", "x:C(g)[T.b]"]
 * ```
 * @see patsy, "Coding categorical data" and "How formulas work",
 *   https://patsy.readthedocs.io/en/latest/formulas.html#redundancy-and-categorical-factors
 */
export function codeTerms(
  terms: readonly TermSpec[],
  intercept: boolean,
  levelsOf: (f: Factor) => FactorLevels,
): { factors: Factor[]; columns: CodedColumn[] } {
  const factors: Factor[] = [];
  const index = new Map<string, number>();
  const idOf = (f: Factor): number => {
    const k = factorKey(f);
    let id = index.get(k);
    if (id === undefined) {
      id = factors.length;
      index.set(k, id);
      factors.push(f);
    }
    return id;
  };
  const allTerms: number[][] = [];
  const seen = new Set<string>();
  if (intercept) {
    allTerms.push([]);
    seen.add("");
  }
  for (const t of terms) {
    const ids = [...new Set(t.factors.map(idOf))];
    const key = [...ids].sort((a, b) => a - b).join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    allTerms.push(ids);
  }
  const isNumeric = (id: number): boolean => factors[id].kind === "numeric";
  const levels = factors.map((f) => (f.kind === "categorical" ? levelsOf(f) : null));

  // Buckets by the set of numeric factors, the purely categorical bucket first.
  const buckets = new Map<string, number[][]>();
  for (const t of allTerms) {
    const key = t
      .filter(isNumeric)
      .sort((a, b) => a - b)
      .join(",");
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key)!.push(t);
  }
  const order = [...buckets.keys()];
  if (buckets.has("")) {
    order.splice(order.indexOf(""), 1);
    order.unshift("");
  }

  const columns: CodedColumn[] = [];
  for (const key of order) {
    const bucketTerms = [...buckets.get(key)!].sort((a, b) => a.length - b.length); // stable
    const used = new Set<string>();
    for (const term of bucketTerms) {
      for (const coding of pickContrasts(term, isNumeric, used)) {
        const subFactors = term.filter((id) => isNumeric(id) || coding.has(id));
        const choices = subFactors.map((id) => {
          if (isNumeric(id)) return [null];
          const lv = levels[id]!;
          const all = lv.labels.map((_, j) => j);
          return coding.get(id) ? all : all.filter((j) => j !== lv.reference);
        });
        for (const combo of combinations(choices.map((c) => c.length))) {
          const parts = subFactors.map((id, p) => ({ factor: id, level: choices[p][combo[p]] }));
          columns.push({ name: columnName(parts, factors, levels, coding), parts });
        }
      }
    }
  }
  return { factors, columns };
}

function columnName(
  parts: readonly CodedPart[],
  factors: readonly Factor[],
  levels: readonly (FactorLevels | null)[],
  coding: Map<number, boolean>,
): string {
  if (parts.length === 0) return "Intercept";
  return parts
    .map((p) => {
      const f = factors[p.factor];
      if (p.level === null) return factorLabel(f);
      const label = levels[p.factor]!.labels[p.level];
      return `${factorLabel(f)}[${coding.get(p.factor) ? "" : "T."}${label}]`;
    })
    .join(":");
}

/** Index combinations with the left-most position varying fastest (patsy `_column_combinations`). */
function combinations(sizes: readonly number[]): number[][] {
  const out: number[][] = [];
  if (sizes.some((s) => s === 0)) return out;
  const cur = sizes.map(() => 0);
  for (;;) {
    out.push([...cur]);
    let p = 0;
    while (p < sizes.length) {
      cur[p]++;
      if (cur[p] < sizes[p]) break;
      cur[p] = 0;
      p++;
    }
    if (p === sizes.length) return out;
  }
}

/** A subterm: categorical factor id → whether it is coded full-rank ("includes the intercept"). */
type Subterm = Map<number, boolean>;

function subtermKey(s: Subterm): string {
  return [...s.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, full]) => `${id}${full ? "+" : "-"}`)
    .join(",");
}

/** Port of `patsy.redundancy.pick_contrasts_for_term`. */
function pickContrasts(
  term: readonly number[],
  isNumeric: (id: number) => boolean,
  used: Set<string>,
): Subterm[] {
  const cats = term.filter((id) => !isNumeric(id));
  const subterms: Subterm[] = [];
  for (const subset of subsetsSorted(cats)) {
    const s: Subterm = new Map(subset.map((id) => [id, false]));
    if (!used.has(subtermKey(s))) subterms.push(s);
  }
  for (const s of subterms) used.add(subtermKey(s));
  // Greedy left-to-right simplification: a- + a-:b- → a-:b+.
  for (let changed = true; changed; ) {
    changed = false;
    outer: for (let si = 0; si < subterms.length; si++) {
      for (let li = si + 1; li < subterms.length; li++) {
        const short = subterms[si];
        const long = subterms[li];
        if (long.size - short.size !== 1) continue;
        if (![...short.entries()].every(([id, full]) => long.get(id) === full)) continue;
        const diff = [...long.keys()].find((id) => !short.has(id))!;
        if (long.get(diff)) continue;
        const merged: Subterm = new Map(short);
        merged.set(diff, true);
        subterms[li] = merged;
        subterms.splice(si, 1);
        changed = true;
        break outer;
      }
    }
  }
  return subterms;
}

/** All subsets, shortest first, ties in lexicographic order of positions (patsy `_subsets_sorted`). */
function subsetsSorted(items: readonly number[]): number[][] {
  const idx: number[][] = [];
  const n = items.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const s: number[] = [];
    for (let b = 0; b < n; b++) if (mask & (1 << b)) s.push(b);
    idx.push(s);
  }
  idx.sort((a, b) => {
    if (a.length !== b.length) return a.length - b.length;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  return idx.map((s) => s.map((p) => items[p]));
}
