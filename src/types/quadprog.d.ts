// Types for the `quadprog` npm package (a JavaScript port of R's quadprog, Goldfarb–Idnani dual active set).
// Arrays are 1-based, as in the Fortran original: index 0 is unused. `Dmat`, `dvec`, `Amat` and `bvec` are
// overwritten. Only the parts truelift uses are declared.
declare module "quadprog" {
  /** 1-based array: element 0 is ignored. */
  type OneBased<T> = T[];
  interface SolveQpOutput {
    /** The minimiser (1-based). */
    solution: OneBased<number>;
    /** Lagrange multipliers, one per constraint (1-based). */
    Lagrangian: OneBased<number>;
    /** `value[1]` is the objective at the solution. */
    value: OneBased<number>;
    /** The unconstrained minimiser, when not factorised (1-based). */
    unconstrained_solution: OneBased<number>;
    /** `iterations[1]` iterations, `iterations[2]` constraints deleted from the active set. */
    iterations: OneBased<number>;
    /** Indices (1-based) of the active constraints in `iact[1..nact]`, 0-padded. */
    iact: OneBased<number>;
    /** Empty on success; otherwise why it failed. */
    message: string;
  }
  /** min −dvecᵀb + ½ bᵀ Dmat b subject to Amatᵀ b ≥ bvec, the first `meq` rows as equalities. */
  function solveQP(
    Dmat: OneBased<OneBased<number>>,
    dvec: OneBased<number>,
    Amat: OneBased<OneBased<number>>,
    bvec: OneBased<number>,
    meq?: number,
    factorized?: number[],
  ): SolveQpOutput;
  const quadprog: { solveQP: typeof solveQP };
  export default quadprog;
}
