import { loadDesigns } from "../designs/registry.js";
import type { RegisteredDesign } from "../designs/shared/contract.js";

/**
 * Every registered design, loaded: what `truelift run` specs and their JSON schema are built from. Importing
 * this module loads each design once (a top-level await over `loadDesigns`), which only `run` needs; the other
 * commands load the one design they run.
 *
 * @example
 * ```ts
 * import { RUN_DESIGNS } from "truelift";
 * RUN_DESIGNS.map((d) => d.name); // ["did", "propensity", "rdd", "synth", "cluster"]
 * ```
 */
export const RUN_DESIGNS: readonly RegisteredDesign[] = await loadDesigns();
