/**
 * Seeded pseudo-random numbers, reproducible bit-for-bit on any machine.
 *
 * Algorithm: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS
 * 2021), a 128-bit-state generator using only 32-bit integer operations (`Math.imul`, shifts, rotations), so the
 * stream does not depend on the platform's floating point. The state is filled from `(seed, stream)` by
 * SplitMix32-style hashing, so `createRng(seed, k)` for k = 0, 1, 2 … gives independent streams (used to give
 * every bootstrap replicate its own stream, making results independent of the number of worker threads).
 *
 * Derived variates: `uniform()` uses 53 random bits; `normal()` is Marsaglia's polar method (uses `Math.log` and
 * `Math.sqrt`; V8 implements `Math.log` with the fdlibm port, identical across platforms); `gamma()` is
 * Marsaglia & Tsang (2000); `beta(a, b)` is X/(X+Y) of two gammas.
 *
 * @example
 * ```ts
 * import { createRng } from "truelift";
 * const rng = createRng(42);
 * rng.uniform(); // same value on every machine
 * rng.int(10);   // integer in 0..9, unbiased
 * ```
 * @see https://prng.di.unimi.it/xoshiro128starstar.c
 */
export interface Rng {
  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform on [0, 1) with 53 bits of randomness. */
  uniform(): number;
  /** Uniform integer on 0..n−1 (rejection sampling, no modulo bias); n ≤ 2^32. */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** 1 with probability p, else 0. */
  bernoulli(p: number): number;
  /** Gamma(shape, 1). */
  gamma(shape: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
}

/**
 * Creates a generator for `(seed, stream)`; seed is any safe integer, stream a non-negative integer.
 *
 * @example
 * ```ts
 * const a = createRng(42);
 * const b = createRng(42, 1); // an independent stream for the same seed
 * a.normal();
 * ```
 */
export function createRng(seed: number, stream = 0): Rng {
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(stream) || stream < 0) {
    throw new RangeError(`createRng needs safe integers; got seed=${seed}, stream=${stream}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = mix32(lo ^ 0x9e3779b9);
  h = mix32(h ^ hi ^ 0x85ebca6b);
  h = mix32(h ^ (stream >>> 0) ^ 0xc2b2ae35);
  h = mix32(h ^ Math.floor(stream / 4294967296));
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    h = (h + 0x9e3779b9) >>> 0;
    s[i] = mix32(h);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return new Xoshiro128(s);
}

/**
 * The stream layouts of truelift's replicate loops: a purpose → how its replicates map onto `createRng` streams.
 * Two layouts exist (kept exactly as each loop has always drawn, so seeded results stay bit-identical):
 *
 * - `per-replicate`: replicate r draws from its own stream `first + r`, so results do not depend on the order or
 *   the thread in which replicates run.
 *   - `resample` (first 1): the bootstrap engine's row / cluster resamples (`models/bootstrap.ts`, its workers)
 *     and propensity's IPW bootstrap (full and collapsed refits, its workers).
 *   - `replicate` (first 0): synth's user bootstrap, the SDID placebo and bootstrap SEs, did's multiplier
 *     bootstrap (Callaway–Sant'Anna).
 * - `per-run`: a run of replicates is drawn one after another from one stream `first + k`, where k numbers the
 *   caller's runs (the rdd bootstrap's headline / sweep / quadratic runs; cluster's `CLUSTER_STREAMS`).
 *   - `sequence` (first 0): rdd's bootstrap, cluster's pairs bootstrap, the wild cluster bootstrap,
 *     randomization inference and the cluster assignment draw.
 *
 * @example
 * ```ts
 * import { RNG_PURPOSES } from "truelift";
 * RNG_PURPOSES.resample; // { layout: "per-replicate", first: 1 }
 * ```
 */
export const RNG_PURPOSES = {
  resample: { layout: "per-replicate", first: 1 },
  replicate: { layout: "per-replicate", first: 0 },
  sequence: { layout: "per-run", first: 0 },
} as const;

/** A key of {@link RNG_PURPOSES}. */
export type RngPurpose = keyof typeof RNG_PURPOSES;

/**
 * The generator a replicate loop draws from: `createRng(seed, first + index)` with `first` from
 * {@link RNG_PURPOSES} — for `per-replicate` purposes `index` is the replicate number, for `per-run` purposes the
 * caller's run number (the whole run then draws from the one generator). Every seeded loop in `models/` and
 * `designs/` derives its randomness here, so the stream layout is documented in one table.
 *
 * @example
 * ```ts
 * import { streamFor } from "truelift";
 * const rng = streamFor(42, "resample", 0); // replicate 0 of the bootstrap engine: createRng(42, 1)
 * rng.int(10);
 * ```
 * @see Blackman & Vigna (2021), "Scrambled linear pseudorandom number generators", ACM TOMS 47(4).
 */
export function streamFor(seed: number, purpose: RngPurpose, index = 0): Rng {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`streamFor needs a non-negative integer index; got ${index}`);
  }
  return createRng(seed, RNG_PURPOSES[purpose].first + index);
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = Number.NaN;

  constructor(s: Uint32Array) {
    this.s0 = s[0];
    this.s1 = s[1];
    this.s2 = s[2];
    this.s3 = s[3];
  }

  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`int(n) needs 1 <= n <= 2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * m;
        return u * m;
      }
    }
  }

  bernoulli(p: number): number {
    return this.uniform() < p ? 1 : 0;
  }

  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.uniform();
      return this.gamma(shape + 1) * u ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }
}
