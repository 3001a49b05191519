import { TrueliftError } from "../core/errors.js";

/** Options of {@link auc}. */
export interface AucOptions {
  /** Non-negative case weights (as scikit-learn's `sample_weight`). __Default value:__ all 1. */
  readonly weights?: ArrayLike<number>;
}

/**
 * Area under the ROC curve as the exact Mann–Whitney statistic: the probability that a random positive scores
 * above a random negative, ties counted ½ — the same number as scikit-learn's `roc_auc_score` (which integrates
 * the ROC curve by the trapezoidal rule; the two agree exactly, including with ties and weights).
 *
 * Computed in O(n log n). Unit weights: sort the positives' and the negatives' scores and merge-count, for each
 * positive, the negatives below it plus ½ of those tied with it — every partial sum is an integer or a
 * half-integer, so the numerator is exact up to 2⁵³. Weights: sort by score and walk the tie groups accumulating
 * Σ_g w⁺_g · (W⁻_below + ½ w⁻_g) / (W⁺ W⁻).
 *
 * Errors: lengths differ → `E_LENGTH_MISMATCH`; a label other than 0/1 → `E_NOT_BINARY`; a non-finite score →
 * `E_MISSING_VALUES`; bad weights → `E_BAD_WEIGHTS`; only one class (with positive weight) → `E_CONSTANT_OUTCOME`.
 *
 * @example
 * ```ts
 * import { auc } from "truelift";
 * auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * auc([0, 1], [0.5, 0.5]);                  // 0.5 (a tie counts ½)
 * ```
 * @see Hanley & McNeil (1982), "The meaning and use of the area under a receiver operating characteristic (ROC)
 *   curve", Radiology 143, 29–36; Mann & Whitney (1947).
 */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>, options: AucOptions = {}): number {
  const n = labels.length;
  const w = options.weights;
  if (scores.length !== n || (w && w.length !== n)) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `auc: labels (${n}), scores (${scores.length})${w ? ` and weights (${w.length})` : ""} must have the same length.`,
    );
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) {
      throw new TrueliftError("E_NOT_BINARY", `auc: label at row ${i} is ${y}; labels must be 0 or 1.`, {
        details: { row: i, value: Number.isNaN(y) ? null : y },
      });
    }
    if (!Number.isFinite(scores[i])) {
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `auc: score at row ${i} is ${scores[i]}; scores must be finite.`,
        {
          details: { row: i },
        },
      );
    }
    if (w && !(w[i] >= 0 && Number.isFinite(w[i]))) {
      throw new TrueliftError("E_BAD_WEIGHTS", `auc: weight at row ${i} is ${w[i]}.`, {
        details: { row: i },
      });
    }
  }
  if (!w) return unweightedAuc(labels, scores);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a] - scores[b]);

  let negBelow = 0;
  let numerator = 0;
  let totalPos = 0;
  let i = 0;
  while (i < n) {
    const s = scores[order[i]];
    let pos = 0;
    let neg = 0;
    let j = i;
    for (; j < n && scores[order[j]] === s; j++) {
      const r = order[j];
      if (labels[r] === 1) pos += w[r];
      else neg += w[r];
    }
    numerator += pos * (negBelow + 0.5 * neg);
    negBelow += neg;
    totalPos += pos;
    i = j;
  }
  const totalNeg = negBelow;
  checkBothClasses(totalPos, totalNeg);
  return numerator / totalPos / totalNeg;
}

/** Unit weights: sort the two classes' scores separately (native numeric sort) and merge-count. */
function unweightedAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) nPos++;
  const nNeg = labels.length - nPos;
  checkBothClasses(nPos, nNeg);
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  pos.sort();
  neg.sort();
  let below = 0; // negatives < s
  let atOrBelow = 0; // negatives ≤ s
  let numerator = 0; // Σ (below + ½ tied): integers and halves, exact
  for (let p = 0; p < nPos; p++) {
    const s = pos[p];
    while (below < nNeg && neg[below] < s) below++;
    if (atOrBelow < below) atOrBelow = below;
    while (atOrBelow < nNeg && neg[atOrBelow] <= s) atOrBelow++;
    numerator += below + 0.5 * (atOrBelow - below);
  }
  return numerator / nPos / nNeg;
}

function checkBothClasses(pos: number, neg: number): void {
  if (!(pos > 0) || !(neg > 0)) {
    throw new TrueliftError(
      "E_CONSTANT_OUTCOME",
      `auc: needs both classes; got ${pos > 0 ? "only positives" : "only negatives"}.`,
    );
  }
}
