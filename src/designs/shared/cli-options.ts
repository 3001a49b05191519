import type { DesignCliOption } from "./contract.js";

/**
 * The `--alpha` option every design command shares (1 − confidence level; the spec schemas default it to 0.05).
 *
 * @example
 * ```ts
 * options: { alpha: ALPHA_OPTION }
 * ```
 */
export const ALPHA_OPTION: DesignCliOption = {
  flags: "--alpha <a>",
  description: "1 − confidence level (default 0.05)",
};
