import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { isTrueliftError } from "../../src/core/errors.js";
import type { Frame } from "../../src/core/frame.js";
import {
  type ClusterSpec,
  cluster,
  type DidSpec,
  did,
  loadFrame,
  type PropensitySpec,
  propensity,
  type RddSpec,
  rdd,
  rdplot,
  type SynthSpec,
  synth,
  wildClusterBootstrap,
} from "../../src/index.js";
import { runCli } from "../cli/run-cli.js";
import { nonFinitePaths } from "./finite.js";
import { clusterCols, didCols, frame, psCols, rddCols, synthCols, withCol } from "./fixtures.js";

/** What a bad input must produce: a coded TrueliftError, or a result with only finite numbers and nulls. */
type Expected = "accepted" | `E_${string}`;

interface Row {
  readonly name: string;
  readonly run: () => unknown;
  readonly expected: Expected;
}

/** A spec that deliberately breaks the static type (wrong types, extra keys): the runtime must reject it. */
const loose = <T>(o: unknown): T => o as T;

const dir = mkdtempSync(join(tmpdir(), "truelift-robust-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` to a temp file and returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// ── loader ──────────────────────────────────────────────────────────────────────────────────────────────────
const GOOD_CSV = "a,b\n1,2\n3,4\n";
const load =
  (name: string, content: string | Buffer, opts = {}) =>
  () =>
    loadFrame(file(name, content), opts);

/** A gzip signature followed by bytes that do not inflate. */
const CORRUPT_GZ = Buffer.concat([
  Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]),
  Buffer.from("garbage!garbage!"),
]);

/** Loads a 4-cluster trial whose second row's outcome is `cell`, then analyses it. */
const loadThenCluster = (name: string, cell: string) => async () => {
  const rows = ["g,d,y", "a,1,1", `a,1,${cell}`, "b,1,2", "b,1,3", "c,0,1", "c,0,0", "d,0,2", "d,0,1"];
  const f = await loadFrame(file(name, `${rows.join("\n")}\n`));
  return cluster(f, {
    outcome: "y",
    treatment: "d",
    cluster: "g",
    inference: { seed: 1, wild: false, randomization: false },
  });
};

/** Loads a small DiD panel whose first time cell is `inf`, then analyses it. */
const loadThenDid = (name: string) => async () => {
  const rows = [
    "u,t,g,y",
    "0,inf,1,1",
    "0,2,1,3",
    "1,1,1,2",
    "1,2,1,5",
    "2,1,0,1",
    "2,2,0,1.5",
    "3,1,0,2",
    "3,2,0,2.2",
  ];
  const f = await loadFrame(file(name, `${rows.join("\n")}\n`));
  return did(f, { outcome: "y", time: "t", unit: "u", treatment: { column: "g", start: 2 } });
};

const loaderRows: Row[] = [
  { name: "loader: empty file", run: load("empty.csv", ""), expected: "E_READ_FAILED" },
  { name: "loader: header only", run: load("header.csv", "a,b\n"), expected: "E_EMPTY_DATA" },
  { name: "loader: UTF-8 BOM", run: load("bom.csv", `\uFEFF${GOOD_CSV}`), expected: "accepted" },
  { name: "loader: CRLF line ends", run: load("crlf.csv", "a,b\r\n1,2\r\n3,4\r\n"), expected: "accepted" },
  { name: "loader: quoted commas", run: load("quoted.csv", 'a,b\n"1,5",2\n"x,y",4\n'), expected: "accepted" },
  // The loader is faithful: ±Infinity in the file (or a number that overflows a double) reaches the Frame, and
  // the design refuses it before computing. These rows load and then analyse.
  {
    name: "loader+cluster: inf in the outcome",
    run: loadThenCluster("inf.csv", "inf"),
    expected: "E_NONFINITE_VALUES",
  },
  {
    name: "loader+cluster: -Infinity in the outcome",
    run: loadThenCluster("ninf.csv", "-Infinity"),
    expected: "E_NONFINITE_VALUES",
  },
  {
    name: "loader+cluster: 1e400 overflows in the outcome",
    run: loadThenCluster("huge.csv", "1e400"),
    expected: "E_NONFINITE_VALUES",
  },
  {
    name: "loader+cluster: NaN string in the outcome",
    run: loadThenCluster("nanc.csv", "NaN"),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "loader+did: inf in the time column",
    run: loadThenDid("inft.csv"),
    expected: "E_NONFINITE_VALUES",
  },
  {
    name: "loader: NaN string in a numeric column",
    run: load("nan.csv", "a,b\n1,NaN\n3,4\n"),
    expected: "accepted",
  },
  { name: "loader: 'nan' lower case", run: load("nan2.csv", "a,b\n1,nan\n3,4\n"), expected: "accepted" },
  { name: "loader: NA strings", run: load("na.csv", "a,b\n1,NA\n3,4\n"), expected: "accepted" },
  { name: "loader: empty cells", run: load("blank.csv", "a,b\n1,\n,4\n"), expected: "accepted" },
  {
    name: "loader: duplicate column names",
    run: load("dup.csv", "a,a\n1,2\n3,4\n"),
    expected: "E_DUPLICATE_COLUMN",
  },
  { name: "loader: empty column name", run: load("noname.csv", "a,\n1,2\n3,4\n"), expected: "accepted" },
  {
    name: "loader: wrong extension .xlsx",
    run: load("data.xlsx", GOOD_CSV),
    expected: "E_UNSUPPORTED_FORMAT",
  },
  { name: "loader: no extension", run: load("data", GOOD_CSV), expected: "E_UNSUPPORTED_FORMAT" },
  { name: "loader: missing file", run: () => loadFrame(join(dir, "nope.csv")), expected: "E_FILE_NOT_FOUND" },
  { name: "loader: a directory", run: () => loadFrame(dir), expected: "E_READ_FAILED" },
  // Compression is decided from the content: plain text named .gz reads as plain CSV (here: a header only).
  {
    name: "loader: plain text named .csv.gz",
    run: load("plain.csv.gz", "not gzip at all"),
    expected: "E_EMPTY_DATA",
  },
  {
    name: "loader: corrupt gzip (signature, garbage body)",
    run: load("bad.csv.gz", CORRUPT_GZ),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: gzip of an empty file",
    run: load("empty.csv.gz", gzipSync(Buffer.alloc(0))),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: gzip of blank lines",
    run: load("blank.csv.gz", gzipSync(Buffer.from("\n\n"))),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: truncated gzip",
    run: load("trunc.csv.gz", gzipSync(Buffer.from(GOOD_CSV.repeat(200))).subarray(0, 40)),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: valid gzip",
    run: load("ok.csv.gz", gzipSync(Buffer.from(GOOD_CSV))),
    expected: "accepted",
  },
  {
    name: "loader: ';'-delimited without option",
    run: load("semi.csv", "a;b\n1;2\n3;4\n"),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: ';'-delimited with delimiter option",
    run: load("semi2.csv", "a;b\n1;2\n3;4\n", { delimiter: ";" }),
    expected: "accepted",
  },
  { name: "loader: ragged rows", run: load("ragged.csv", "a,b\n1,2,3\n4\n"), expected: "E_READ_FAILED" },
  {
    name: "loader: unterminated quote",
    run: load("quote.csv", 'a,b\n"1,2\n3,4\n'),
    expected: "E_READ_FAILED",
  },
  {
    name: "loader: binary garbage",
    run: load("garbage.csv", Buffer.from([0, 1, 2, 255, 254, 0, 10])),
    expected: "E_UNSUPPORTED_FORMAT",
  },
  { name: "loader: only newlines", run: load("nl.csv", "\n\n\n"), expected: "E_READ_FAILED" },
  { name: "loader: only spaces and CRLF", run: load("sp.csv", "  \r\n \t\r\n"), expected: "E_READ_FAILED" },
  {
    name: "loader: decimal commas quoted",
    run: load("deccomma.csv", 'a,b\n"1,5","2,5"\n'),
    expected: "accepted",
  },
  {
    name: "loader: columns option names a missing column",
    run: load("cols.csv", GOOD_CSV, { columns: ["z"] }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "loader: columns option duplicates",
    run: load("cols2.csv", GOOD_CSV, { columns: ["a", "a"] }),
    expected: "E_INVALID_ARGUMENT",
  },
  { name: "loader: empty JSON array", run: load("empty.json", "[]"), expected: "E_EMPTY_DATA" },
  { name: "loader: malformed JSON", run: load("bad.json", "{not json"), expected: "E_READ_FAILED" },
  { name: "loader: fake parquet", run: load("fake.parquet", GOOD_CSV), expected: "E_UNSUPPORTED_FORMAT" },
  { name: "loader: empty parquet file", run: load("empty.parquet", ""), expected: "E_READ_FAILED" },
  { name: "loader: TSV with commas", run: load("t.tsv", "a\tb\n1,5\t2\n"), expected: "accepted" },
  { name: "loader: mixed numbers and text", run: load("mixed.csv", "a,b\n1,2\nx,4\n"), expected: "accepted" },
  { name: "loader: whitespace-only header", run: load("ws.csv", "  ,  \n1,2\n"), expected: "accepted" },
  { name: "loader: path with a quote", run: load("it's.csv", GOOD_CSV), expected: "accepted" },
  { name: "loader: empty path string", run: () => loadFrame(""), expected: "E_FILE_NOT_FOUND" },
];

// ── designs ─────────────────────────────────────────────────────────────────────────────────────────────────
const DID: DidSpec = { outcome: "y", time: "t", unit: "u", treatment: { column: "g", start: 3 } };
const RDD: RddSpec = { outcome: "y", running: "x", cutoff: 0, density: false, rdplot: false };
const SYNTH: SynthSpec = {
  outcome: "y",
  unit: "u",
  time: "t",
  treated: [0],
  treatmentStart: 7,
  placebo: false,
  inTimePlacebo: false,
};
const PS: PropensitySpec = { treatment: "d", outcome: "y", covariates: ["x1", "x2"] };
const CL: ClusterSpec = {
  outcome: "y",
  treatment: "d",
  cluster: "g",
  inference: { seed: 1, wild: false, randomization: false },
};

const runDid =
  (f: Frame, s: DidSpec = DID) =>
  () =>
    did(f, s);
const runRdd =
  (f: Frame, s: RddSpec = RDD) =>
  () =>
    rdd(f, s);
const runSynth =
  (f: Frame, s: SynthSpec = SYNTH) =>
  () =>
    synth(f, s);
const runPs =
  (f: Frame, s: PropensitySpec = PS) =>
  () =>
    propensity(f, s);
const runCl =
  (f: Frame, s: ClusterSpec = CL) =>
  () =>
    cluster(f, s);
const nanAt = (i: number) => (v: (number | string | null)[]) => v.map((x, j) => (j === i ? Number.NaN : x));
const nullAt = (i: number) => (v: (number | string | null)[]) => v.map((x, j) => (j === i ? null : x));
const constant = (c: number) => (v: (number | string | null)[]) => v.map(() => c);
const asText = (v: (number | string | null)[]) => v.map((x) => `v${x}`);

const designRows: Row[] = [
  // did
  { name: "did: baseline", run: runDid(frame(didCols())), expected: "accepted" },
  {
    name: "did: outcome column missing",
    run: runDid(frame(didCols()), { ...DID, outcome: "zz" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "did: time column missing",
    run: runDid(frame(didCols()), { ...DID, time: "zz" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "did: outcome is text",
    run: runDid(frame(withCol(didCols(), "y", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    name: "did: time is text",
    run: runDid(frame(withCol(didCols(), "t", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    name: "did: NaN in outcome",
    run: runDid(frame(withCol(didCols(), "y", nanAt(5)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "did: NaN in time",
    run: runDid(frame(withCol(didCols(), "t", nanAt(5)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "did: null in group",
    run: runDid(frame(withCol(didCols(), "g", nullAt(5)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "did: Infinity in outcome",
    run: runDid(
      frame(withCol(didCols(), "y", (v) => v.map((x, j) => (j === 2 ? Number.POSITIVE_INFINITY : x)))),
    ),
    expected: "E_NONFINITE_VALUES",
  },
  {
    name: "did: constant outcome",
    run: runDid(frame(withCol(didCols(), "y", constant(1)))),
    expected: "E_OUTCOME_CONSTANT",
  },
  {
    name: "did: single group (all treated)",
    run: runDid(frame(withCol(didCols(), "g", constant(1)))),
    expected: "E_CONSTANT_TREATMENT",
  },
  {
    name: "did: single group (none treated)",
    run: runDid(frame(withCol(didCols(), "g", constant(0)))),
    expected: "E_CONSTANT_TREATMENT",
  },
  {
    name: "did: one period",
    run: runDid(frame(withCol(didCols(), "t", constant(3)))),
    expected: "E_TOO_FEW_PERIODS",
  },
  {
    name: "did: start after last period",
    run: runDid(frame(didCols()), { ...DID, treatment: { column: "g", start: 99 } }),
    expected: "E_TOO_FEW_PERIODS",
  },
  {
    name: "did: start before first period",
    run: runDid(frame(didCols()), { ...DID, treatment: { column: "g", start: -5 } }),
    expected: "E_TOO_FEW_PERIODS",
  },
  { name: "did: alpha 0", run: runDid(frame(didCols()), { ...DID, alpha: 0 }), expected: "E_INVALID_SPEC" },
  {
    name: "did: alpha 1.5",
    run: runDid(frame(didCols()), { ...DID, alpha: 1.5 }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: alpha NaN",
    run: runDid(frame(didCols()), { ...DID, alpha: Number.NaN }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: bad inference enum",
    run: runDid(frame(didCols()), loose<DidSpec>({ ...DID, inference: "bogus" })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: extra spec key",
    run: runDid(frame(didCols()), loose<DidSpec>({ ...DID, colour: "red" })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: outcome not a string",
    run: runDid(frame(didCols()), loose<DidSpec>({ ...DID, outcome: 3 })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: spec is null",
    run: runDid(frame(didCols()), loose<DidSpec>(null)),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "did: tiny sample (4 rows)",
    run: runDid(frame({ u: [0, 0, 1, 1], t: [1, 3, 1, 3], g: [1, 1, 0, 0], y: [1, 2, 3, 5] })),
    expected: "E_TOO_FEW_OBSERVATIONS",
  },
  { name: "did: empty frame", run: runDid(frame({ u: [], t: [], g: [], y: [] })), expected: "E_EMPTY_DATA" },
  {
    name: "did: startColumn with all never-treated",
    run: runDid(frame(withCol(didCols(), "start", constant(0))), {
      outcome: "y",
      time: "t",
      unit: "u",
      treatment: { startColumn: "start" },
    }),
    expected: "E_CONSTANT_TREATMENT",
  },
  {
    name: "did: cluster column missing",
    run: runDid(frame(didCols()), { ...DID, cluster: "nope" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "did: negative anticipation",
    run: runDid(frame(didCols()), { ...DID, anticipation: -1 }),
    expected: "E_INVALID_SPEC",
  },
  {
    // The fuzzer's shrunk counterexample: a denormal-small variance made the naive Welch df 0/0 = NaN.
    name: "did: denormal-small outcome variance (was a NaN Welch df)",
    run: runDid(
      frame({
        u: [0, 0, 0, 1, 1, 1, 0],
        t: [1, 2, 3, 1, 2, 3, 1],
        g: [1, 1, 1, 0, 0, 0, 1],
        y: [0, 0, 0, 0, -3.8499310870764165e-162, 0, 0],
      }),
      { ...DID, treatment: { column: "g", start: 2 } },
    ),
    expected: "accepted",
  },
  // rdd
  { name: "rdd: baseline", run: runRdd(frame(rddCols())), expected: "accepted" },
  {
    name: "rdd: running column missing",
    run: runRdd(frame(rddCols()), { ...RDD, running: "zz" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "rdd: running is text",
    run: runRdd(frame(withCol(rddCols(), "x", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    name: "rdd: NaN in running",
    run: runRdd(frame(withCol(rddCols(), "x", nanAt(3)))),
    expected: "accepted",
  },
  {
    name: "rdd: NaN in outcome",
    run: runRdd(frame(withCol(rddCols(), "y", nanAt(3)))),
    expected: "accepted",
  },
  {
    name: "rdd: constant outcome",
    run: runRdd(frame(withCol(rddCols(), "y", constant(2)))),
    expected: "E_OUTCOME_CONSTANT",
  },
  {
    name: "rdd: cutoff above all data",
    run: runRdd(frame(rddCols()), { ...RDD, cutoff: 5 }),
    expected: "E_RDD_CUTOFF_OUT_OF_RANGE",
  },
  {
    name: "rdd: cutoff Infinity",
    run: runRdd(frame(rddCols()), { ...RDD, cutoff: Number.POSITIVE_INFINITY }),
    expected: "E_INVALID_SPEC",
  },
  { name: "rdd: tiny sample (6 rows)", run: runRdd(frame(rddCols(6))), expected: "E_RDD_TOO_FEW_OBS" },
  {
    name: "rdd: constant running variable",
    run: runRdd(frame(withCol(rddCols(), "x", constant(0.5)))),
    expected: "E_RDD_CUTOFF_OUT_OF_RANGE",
  },
  {
    name: "rdd: alpha -0.1",
    run: runRdd(frame(rddCols()), { ...RDD, alpha: -0.1 }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "rdd: bad kernel enum",
    run: runRdd(frame(rddCols()), loose<RddSpec>({ ...RDD, kernel: "gaussian" })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "rdd: negative bandwidth",
    run: runRdd(frame(rddCols()), { ...RDD, bandwidth: -1 }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "rdd: huge bandwidth",
    run: runRdd(frame(rddCols()), { ...RDD, bandwidth: 1e9 }),
    expected: "accepted",
  },
  {
    name: "rdd: tiny bandwidth",
    run: runRdd(frame(rddCols()), { ...RDD, bandwidth: 1e-6 }),
    expected: "E_RDD_NO_OBS_SIDE",
  },
  { name: "rdd: p = 11", run: runRdd(frame(rddCols()), { ...RDD, p: 11 }), expected: "E_INVALID_SPEC" },
  {
    name: "rdd: extra spec key",
    run: runRdd(frame(rddCols()), loose<RddSpec>({ ...RDD, bw: 1 })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "rdd: fuzzy without treatment",
    run: runRdd(frame(rddCols()), { ...RDD, fuzzy: true }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "rdd: fuzzy with no first stage",
    run: runRdd(frame(withCol(rddCols(), "d", constant(1))), { ...RDD, fuzzy: true, treatment: "d" }),
    expected: "E_RDD_NO_FIRST_STAGE",
  },
  // synth
  { name: "synth: baseline", run: runSynth(frame(synthCols())), expected: "accepted" },
  {
    name: "synth: unit column missing",
    run: runSynth(frame(synthCols()), { ...SYNTH, unit: "zz" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "synth: treated unit unknown",
    run: runSynth(frame(synthCols()), { ...SYNTH, treated: [42] }),
    expected: "E_SYNTH_UNKNOWN_UNIT",
  },
  { name: "synth: no donors (one unit)", run: runSynth(frame(synthCols(1))), expected: "E_SYNTH_NO_DONORS" },
  {
    name: "synth: empty donor list",
    run: runSynth(frame(synthCols()), { ...SYNTH, donors: [] }),
    expected: "E_SYNTH_NO_DONORS",
  },
  {
    name: "synth: all units treated",
    run: runSynth(frame(synthCols(3)), { ...SYNTH, treated: [0, 1, 2] }),
    expected: "E_SYNTH_NO_DONORS",
  },
  {
    name: "synth: treatment at first period",
    run: runSynth(frame(synthCols()), { ...SYNTH, treatmentStart: 1 }),
    expected: "E_SYNTH_TOO_FEW_PRE",
  },
  {
    name: "synth: treatment after last period",
    run: runSynth(frame(synthCols()), { ...SYNTH, treatmentStart: 99 }),
    expected: "E_TOO_FEW_PERIODS",
  },
  {
    name: "synth: one period",
    run: runSynth(frame(synthCols(6, 1)), { ...SYNTH, treatmentStart: 1 }),
    expected: "E_SYNTH_TOO_FEW_PRE",
  },
  {
    name: "synth: NaN in outcome",
    run: runSynth(frame(withCol(synthCols(), "y", nanAt(4)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "synth: NaN in time",
    run: runSynth(frame(withCol(synthCols(), "t", nanAt(4)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "synth: constant outcome",
    run: runSynth(frame(withCol(synthCols(), "y", constant(5)))),
    expected: "E_OUTCOME_CONSTANT",
  },
  {
    name: "synth: outcome is text",
    run: runSynth(frame(withCol(synthCols(), "y", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    name: "synth: treated list empty",
    run: runSynth(frame(synthCols()), { ...SYNTH, treated: [] }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "synth: alpha 1",
    run: runSynth(frame(synthCols()), { ...SYNTH, alpha: 1 }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "synth: extra spec key",
    run: runSynth(frame(synthCols()), loose<SynthSpec>({ ...SYNTH, extra: 1 })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "synth: duplicated unit-period rows",
    run: runSynth(
      frame(
        ((c) => ({ u: [...(c.u ?? []), 1], t: [...(c.t ?? []), 2], y: [...(c.y ?? []), 9] }))(synthCols()),
      ),
    ),
    expected: "accepted",
  },
  {
    name: "synth: bad predictor column",
    run: runSynth(frame(synthCols()), { ...SYNTH, predictors: [{ column: "nope" }] }),
    expected: "E_COLUMN_MISSING",
  },
  // propensity
  { name: "propensity: baseline", run: runPs(frame(psCols())), expected: "accepted" },
  {
    name: "propensity: covariate missing",
    run: runPs(frame(psCols()), { ...PS, covariates: ["nope"] }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "propensity: no covariates",
    run: runPs(frame(psCols()), { ...PS, covariates: [] }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "propensity: treatment not binary",
    run: runPs(frame(withCol(psCols(), "d", (v) => v.map((_, i) => i % 3)))),
    expected: "E_NOT_BINARY",
  },
  {
    name: "propensity: treatment constant",
    run: runPs(frame(withCol(psCols(), "d", constant(1)))),
    expected: "E_CONSTANT_TREATMENT",
  },
  {
    name: "propensity: NaN in treatment",
    run: runPs(frame(withCol(psCols(), "d", nanAt(2)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "propensity: NaN in covariate",
    run: runPs(frame(withCol(psCols(), "x1", nanAt(2)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "propensity: NaN in outcome",
    run: runPs(frame(withCol(psCols(), "y", nanAt(2)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "propensity: constant outcome",
    run: runPs(frame(withCol(psCols(), "y", constant(3)))),
    expected: "accepted",
  },
  {
    name: "propensity: constant covariate",
    run: runPs(frame(withCol(psCols(), "x2", constant(3)))),
    expected: "E_SINGULAR_DESIGN",
  },
  {
    name: "propensity: perfect separation",
    run: runPs(
      frame(withCol(psCols(), "x1", (v) => v.map((_, i) => (psCols().d?.[i] === 1 ? 1 + i : -1 - i)))),
    ),
    expected: "E_PERFECT_SEPARATION",
  },
  {
    name: "propensity: tiny sample (4 rows)",
    run: runPs(frame({ d: [0, 1, 0, 1], y: [1, 2, 3, 4], x1: [0.1, 0.5, 0.3, 0.2], x2: [1, 0, 1, 0] })),
    expected: "E_PERFECT_SEPARATION",
  },
  {
    name: "propensity: categorical covariate",
    run: runPs(frame(psCols()), { ...PS, covariates: ["x1", "seg"] }),
    expected: "accepted",
  },
  {
    name: "propensity: bad estimator enum",
    run: runPs(frame(psCols()), loose<PropensitySpec>({ ...PS, estimator: "magic" })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "propensity: bad estimand enum",
    run: runPs(frame(psCols()), loose<PropensitySpec>({ ...PS, estimand: "XYZ" })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "propensity: bounds trim out of range",
    run: runPs(frame(psCols()), { ...PS, trim: { rule: "bounds", lower: 0.6, upper: 0.9 } }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "propensity: extra spec key",
    run: runPs(frame(psCols()), loose<PropensitySpec>({ ...PS, seed: 1 })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "propensity: treatment is text",
    run: runPs(frame(withCol(psCols(), "d", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    // The fuzzer's shrunk counterexample: one control x1 of 6e-162 made a variance ratio overflow to Infinity.
    name: "propensity: denormal-small control variance (was an Infinity variance ratio)",
    run: runPs(
      frame({
        d: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
        y: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        x1: [0, 0, 6.120300728322094e-162, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, -1, 0],
        x2: [
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0.00012560009182535853, 0, 0.00012202632778773478, 0, 0, 0,
          -0.000026371368314953476,
        ],
      }),
      { ...PS, estimator: "ipw" },
    ),
    expected: "accepted",
  },
  // cluster
  { name: "cluster: baseline", run: runCl(frame(clusterCols())), expected: "accepted" },
  {
    name: "cluster: cluster column missing",
    run: runCl(frame(clusterCols()), { ...CL, cluster: "nope" }),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "cluster: single cluster",
    run: runCl(frame(withCol(clusterCols(), "g", (v) => v.map(() => "k0")))),
    expected: "E_CLUSTER_SINGLE",
  },
  {
    name: "cluster: one arm",
    run: runCl(frame(withCol(clusterCols(), "d", constant(0)))),
    expected: "E_CLUSTER_ONE_ARM",
  },
  {
    name: "cluster: NaN cluster id",
    run: runCl(frame(withCol(clusterCols(), "g", nullAt(0)))),
    expected: "E_NAN_IN_CLUSTER",
  },
  {
    name: "cluster: NaN in outcome",
    run: runCl(frame(withCol(clusterCols(), "y", nanAt(0)))),
    expected: "E_MISSING_VALUES",
  },
  {
    name: "cluster: constant outcome (was a NaN wild statistic, se 0)",
    run: runCl(frame(withCol(clusterCols(), "y", constant(1))), {
      ...CL,
      inference: { seed: 1, wild: { reps: 99 }, randomization: false },
    }),
    expected: "E_OUTCOME_CONSTANT",
  },
  {
    name: "cluster: outcome constant within each arm",
    run: runCl(frame(withCol(clusterCols(), "y", (v) => v.map((_, i) => (i < 30 ? 2 : 1))))),
    expected: "E_OUTCOME_CONSTANT",
  },
  {
    name: "cluster: treatment varies in cluster",
    run: runCl(frame(withCol(clusterCols(), "d", (v) => v.map((x, i) => (i === 0 ? 0 : x))))),
    expected: "E_TREATMENT_VARIES_IN_CLUSTER",
  },
  { name: "cluster: two clusters", run: runCl(frame(clusterCols(2, 5))), expected: "accepted" },
  {
    name: "cluster: every cluster id missing (was a RangeError)",
    run: runCl(frame(withCol(clusterCols(), "g", (v) => v.map(() => null)))),
    expected: "E_NAN_IN_CLUSTER",
  },
  {
    name: "cluster: numeric cluster ids all NaN",
    run: runCl(
      frame(
        withCol(
          withCol(clusterCols(), "g", (v) => v.map(() => Number.NaN)),
          "y",
          (v) => v,
        ),
      ),
    ),
    expected: "E_NAN_IN_CLUSTER",
  },
  { name: "cluster: clusters of one row", run: runCl(frame(clusterCols(6, 1))), expected: "accepted" },
  {
    name: "cluster: alpha 0",
    run: runCl(frame(clusterCols()), { ...CL, alpha: 0 }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cluster: bad smallK enum",
    run: runCl(frame(clusterCols()), loose<ClusterSpec>({ ...CL, inference: { smallK: "nope" } })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cluster: wild reps too few",
    run: runCl(frame(clusterCols()), { ...CL, inference: { wild: { reps: 5 } } }),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cluster: extra spec key",
    run: runCl(frame(clusterCols()), loose<ClusterSpec>({ ...CL, foo: 1 })),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cluster: outcome is text",
    run: runCl(frame(withCol(clusterCols(), "y", asText))),
    expected: "E_COLUMN_TYPE",
  },
  {
    name: "cluster: treatment not binary",
    run: runCl(frame(withCol(clusterCols(), "d", (v) => v.map((x) => (x === 1 ? 2 : 0))))),
    expected: "E_NOT_BINARY",
  },
];

// ── CLI (in-process, through the same main() as bin/truelift.js) ───────────────────────────────────────────
const didCsv = () => {
  const c = didCols();
  const keys = Object.keys(c);
  const n = c.u?.length ?? 0;
  const lines = [keys.join(",")];
  for (let i = 0; i < n; i++) lines.push(keys.map((k) => String(c[k]?.[i])).join(","));
  return file("did.csv", `${lines.join("\n")}\n`);
};
const DID_ARGS = () => [
  "did",
  didCsv(),
  "--outcome",
  "y",
  "--time",
  "t",
  "--group",
  "g",
  "--start",
  "3",
  "--unit",
  "u",
];

interface CliOutcome {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}
const cli = (args: () => string[]) => async (): Promise<CliOutcome> => {
  const r = await runCli([...args(), "--format", "json"], { cwd: dir });
  return { exit: r.code, stdout: r.stdout, stderr: r.stderr };
};

const cliRows: Row[] = [
  { name: "cli: did baseline", run: cli(DID_ARGS), expected: "accepted" },
  { name: "cli: unknown flag", run: cli(() => [...DID_ARGS(), "--frobnicate"]), expected: "E_USAGE" },
  { name: "cli: unknown command", run: cli(() => ["frobnicate"]), expected: "E_USAGE" },
  {
    name: "cli: missing --outcome",
    run: cli(() => ["did", didCsv(), "--time", "t", "--group", "g", "--start", "3"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: missing data file argument",
    run: cli(() => ["did", "--outcome", "y", "--time", "t"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: --start not a number",
    run: cli(() => ["did", didCsv(), "--outcome", "y", "--time", "t", "--group", "g", "--start", "soon"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: --anticipation -1",
    run: cli(() => [...DID_ARGS(), "--anticipation", "-1"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --anticipation 1.5",
    run: cli(() => [...DID_ARGS(), "--anticipation", "1.5"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --bootstrap 1e9",
    run: cli(() => [...DID_ARGS(), "--bootstrap", "1e9", "--seed", "1"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --bootstrap abc",
    run: cli(() => [...DID_ARGS(), "--bootstrap", "abc", "--seed", "1"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --bootstrap without --seed",
    run: cli(() => [...DID_ARGS(), "--bootstrap", "99"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: --bootstrap 1",
    run: cli(() => [...DID_ARGS(), "--bootstrap", "1", "--seed", "1"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --inference bogus",
    run: cli(() => [...DID_ARGS(), "--inference", "bogus"]),
    expected: "E_INVALID_ARGUMENT",
  },
  { name: "cli: --window garbage", run: cli(() => [...DID_ARGS(), "--window", "a:b"]), expected: "E_USAGE" },
  {
    name: "cli: --format xml",
    run: async () => {
      const r = await runCli([...DID_ARGS(), "--format", "xml"], { cwd: dir });
      return { exit: r.code, stdout: r.stdout, stderr: r.stderr };
    },
    expected: "E_USAGE",
  },
  {
    name: "cli: --seed not an integer",
    run: cli(() => [...DID_ARGS(), "--seed", "1.5"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --fail-on bogus",
    run: cli(() => [...DID_ARGS(), "--fail-on", "bogus"]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: --out under a file",
    run: cli(() => [...DID_ARGS(), "--out", join(file("plain.txt", "x"), "sub", "out.json")]),
    expected: "E_WRITE_FAILED",
  },
  { name: "cli: --out empty", run: cli(() => [...DID_ARGS(), "--out", ""]), expected: "E_USAGE" },
  {
    name: "cli: data file missing",
    run: cli(() => [
      "did",
      join(dir, "absent.csv"),
      "--outcome",
      "y",
      "--time",
      "t",
      "--group",
      "g",
      "--start",
      "3",
    ]),
    expected: "E_FILE_NOT_FOUND",
  },
  {
    name: "cli: outcome column missing",
    run: cli(() => ["did", didCsv(), "--outcome", "zz", "--time", "t", "--group", "g", "--start", "3"]),
    expected: "E_COLUMN_MISSING",
  },
  {
    name: "cli: rdd --cutoff nan",
    run: cli(() => ["rdd", didCsv(), "--outcome", "y", "--running", "t", "--cutoff", "nan"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: rdd --cutoff Infinity",
    run: cli(() => ["rdd", didCsv(), "--outcome", "y", "--running", "t", "--cutoff", "Infinity"]),
    expected: "E_USAGE",
  },
  {
    name: "cli: rdd --kernel bogus",
    run: cli(() => [
      "rdd",
      didCsv(),
      "--outcome",
      "y",
      "--running",
      "t",
      "--cutoff",
      "2",
      "--kernel",
      "bogus",
    ]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: rdd --bw -1",
    run: cli(() => ["rdd", didCsv(), "--outcome", "y", "--running", "t", "--cutoff", "2", "--bw", "-1"]),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cli: synth --treated-units missing",
    run: cli(() => [
      "synth",
      didCsv(),
      "--outcome",
      "y",
      "--unit",
      "u",
      "--time",
      "t",
      "--treatment-start",
      "3",
    ]),
    expected: "E_USAGE",
  },
  {
    name: "cli: propensity --penalty-c 0",
    run: cli(() => [
      "propensity",
      didCsv(),
      "--treatment",
      "g",
      "--outcome",
      "y",
      "--covariates",
      "u",
      "--penalty-c",
      "0",
    ]),
    expected: "E_INVALID_SPEC",
  },
  {
    name: "cli: cluster --wild-reps 10",
    run: cli(() => [
      "cluster",
      didCsv(),
      "--outcome",
      "y",
      "--treatment",
      "g",
      "--cluster",
      "cl",
      "--wild-reps",
      "10",
    ]),
    expected: "E_INVALID_ARGUMENT",
  },
  {
    name: "cli: corrupt gzip data",
    run: cli(() => [
      "did",
      file("cli-bad.csv.gz", CORRUPT_GZ),
      "--outcome",
      "y",
      "--time",
      "t",
      "--group",
      "g",
      "--start",
      "3",
    ]),
    expected: "E_READ_FAILED",
  },
  {
    name: "cli: rdd on a 4-value running variable",
    run: cli(() => ["rdd", didCsv(), "--outcome", "y", "--running", "t", "--cutoff", "2.5", "--no-density"]),
    expected: "E_RDD_TOO_FEW_OBS",
  },
  {
    name: "cli: synth --treated-units unknown",
    run: cli(() => [
      "synth",
      didCsv(),
      "--outcome",
      "y",
      "--unit",
      "u",
      "--time",
      "t",
      "--treated-units",
      "99",
      "--treatment-start",
      "3",
    ]),
    expected: "E_SYNTH_UNKNOWN_UNIT",
  },
  {
    name: "cli: did with an xlsx file",
    run: cli(() => [
      "did",
      file("cli.xlsx", "a,b\n1,2\n"),
      "--outcome",
      "y",
      "--time",
      "t",
      "--group",
      "g",
      "--start",
      "3",
    ]),
    expected: "E_UNSUPPORTED_FORMAT",
  },
  {
    name: "cli: --covariates names a missing column",
    run: cli(() => [...DID_ARGS(), "--covariates", "nope"]),
    expected: "E_COLUMN_MISSING",
  },
  { name: "cli: --leads 0", run: cli(() => [...DID_ARGS(), "--leads", "0"]), expected: "E_INVALID_ARGUMENT" },
];

// ── the runner ───────────────────────────────────────────────────────────────────────────────────────────────
interface Outcome {
  readonly code: string; // "accepted" or the error code
  readonly message: string;
  readonly hint: string;
  readonly value?: unknown;
}

const CLI_ERROR = /^error\[(E_[A-Z0-9_]+)\]: (.*?) {2}Fix: (.*)$/m;

async function outcome(row: Row): Promise<Outcome> {
  let value: unknown;
  try {
    value = await row.run();
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    return { code: e.code, message: e.message, hint: e.hint };
  }
  if (row.name.startsWith("cli:")) {
    const r = value as CliOutcome;
    expect(r.stderr, "no stack trace").not.toMatch(/\n\s+at /);
    if (r.exit === 0) return { code: "accepted", message: "", hint: "", value: JSON.parse(r.stdout) };
    const m = CLI_ERROR.exec(r.stderr);
    if (m === null) throw new Error(`exit ${r.exit} without a coded error line: ${r.stderr}`);
    return { code: m[1] ?? "", message: m[2] ?? "", hint: m[3] ?? "" };
  }
  return { code: "accepted", message: "", hint: "", value };
}

const ROWS = [...loaderRows, ...designRows, ...cliRows];

describe("robustness: every bad input gives a coded error or a finite result", () => {
  it.each(ROWS.map((r) => [r.name, r] as const))(
    "%s",
    async (_name, row) => {
      const got = await outcome(row);
      if (got.code === "accepted") expect(nonFinitePaths(got.value)).toEqual([]);
      else {
        expect(got.message.trim()).not.toBe("");
        expect(got.hint.trim()).not.toBe("");
      }
      expect(got.code).toBe(row.expected);
    },
    60_000,
  );
});

describe("robustness: former fuzzer defects", () => {
  it("cluster: the wild bootstrap of a zero-SE fit has a null statistic, p-value and interval (never 0/0)", () => {
    // Constant outcome: every cluster score is 0, so the CR1 SE is exactly 0 (the design refuses this earlier).
    const G = 6;
    const gram = new Float64Array(G * 4);
    const xty = new Float64Array(G * 2);
    for (let g = 0; g < G; g++) {
      const d = g < 3 ? 1 : 0;
      gram.set([5, 5 * d, 5 * d, 5 * d], g * 4);
      xty.set([5, 5 * d], g * 2);
    }
    const stats = { k: 2, count: G, n: 5 * G, gram, xty, names: ["(Intercept)", "d"] };
    const w = wildClusterBootstrap(stats, 1, { seed: 1, reps: 99, weights: "webb" });
    expect(w.statistic).toBeNull();
    expect(w.pValue).toBeNull();
    expect(w.ci).toBeNull();
    expect(w.minPValue).toBeNull();
    expect(nonFinitePaths(w)).toEqual([]);
  });

  it("rdd: denormal-small running values (the fuzzer's 5e-324 case) give a coded error, not a NaN estimate", async () => {
    // The fuzzer's shrunk counterexample: the running variable spans 7.6e-30 below the cutoff.
    const x = [
      0,
      3.1201476972993642e-43,
      Number.NaN,
      -9.00687663850145e-96,
      0,
      0,
      -7.4e-323,
      -7.634404842071772e-30,
      0,
      0,
      -7.4e-323,
      0,
      -7.4e-323,
      0,
      -7.4e-323,
      -2.5736272049429748e-82,
      0,
    ];
    const y = x.map((_, i) => (i >= 15 ? 0.01 : 0));
    const got = await outcome({
      name: "rdd",
      run: runRdd(frame({ x, y })),
      expected: "E_RDD_DEGENERATE_SCALE",
    });
    expect(got.code).toBe("E_RDD_DEGENERATE_SCALE");
    expect(got.hint).toMatch(/Rescale/);
    const tiny = await outcome({
      name: "rdd",
      run: runRdd(frame(withCol(rddCols(), "x", (v) => v.map((u) => Number(u) * 5e-324)))),
      expected: "E_RDD_DEGENERATE_SCALE",
    });
    expect(tiny.code).toBe("E_RDD_DEGENERATE_SCALE");
    const tinyY = await outcome({
      name: "rdd",
      run: runRdd(frame(withCol(rddCols(), "y", (v) => v.map((u) => Number(u) * 5e-324)))),
      expected: "E_RDD_DEGENERATE_SCALE",
    });
    expect(tinyY.code).toBe("E_RDD_DEGENERATE_SCALE");
  });
});

describe("robustness: rdplot bins stay finite (fixed fuzzer finding)", () => {
  // Found by the fuzzer: with evenly-spaced bins, c + J·((max − c)/J) can round below max (0 + 3·(0.894/3) <
  // 0.894), and with a 5e-324 cutoff x = 0 sits below the cutoff but above the last left edge (−0.931 + 0.931).
  // Those values fell outside every bin, giving a bin with upper = mid = NaN.
  const cases = [
    {
      name: "many running values tied at the cutoff 0",
      cutoff: 0,
      x: [
        -0.496,
        0.709,
        0,
        0,
        0,
        -0.594,
        -0.858,
        0,
        -0.605,
        -0.837,
        0,
        0.618,
        0,
        0,
        0,
        -0.202,
        0,
        0.973,
        0,
        -0.784,
        0.734,
        0,
        434 / 1000 /* 0.434, not log10(e) */,
        0,
        -0.997,
        -0.18,
        -0.955,
        -0.247,
        0.588,
        -0.336,
        0.308,
        0,
        0,
        0.285,
        0,
        0,
        0.172,
      ],
      y: [
        -0.16, 3.87, -4.18, -1.37, -3.99, -2.01, 3.42, 4.13, 3.28, 4.7, 3.13, 2.98, 3.4, -0.51, 1.42, 1.94,
        3.16, -0.32, -3.06, -0.98, 4.31, -0.33, -1.22, 0.18, -2.72, 3.99, 4.86, -3.63, -0.42, 1.89, -2.21,
        -0.91, 2.4, -4.69, -1.96, -3.07, 3.13,
      ],
    },
    {
      name: "a 5e-324 cutoff with running values at 0",
      cutoff: 5e-324,
      x: [
        -0.675, -0.931, 0, 0.894, 0, -0.335, 0.67, -0.117, -0.882, 0.289, -0.582, 0.378, -0.266, -0.753, 0, 0,
        0.466, 0.099, 0.414, 0.442, 0.411, -0.236, -0.631, -0.392, 0.4, -0.019, -0.642, 0, 0.055, -0.322, 0,
        0.193,
      ],
      y: [
        3.21, -0.77, -4.48, 3.45, -3.61, 4.24, 3.56, 3.2, -4.78, 4.75, -2.24, 2.36, -4.01, 3.29, 2.82, -4.88,
        2.97, 1.05, -4.83, 0.47, 1.27, -4.71, -1.88, 0.77, -1.79, 1.52, 3.14, 2.36, 2.37, 1.87, -3.7, 2.54,
      ],
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const x = Float64Array.from(c.x);
    const y = Float64Array.from(c.y);
    const plot = rdplot(y, x, { cutoff: c.cutoff });
    expect(nonFinitePaths(plot.binRows)).toEqual([]);
    // every observation is in a bin, and each bin holds its observations' mean x
    expect(plot.binRows.reduce((s, b) => s + b.n, 0)).toBe(x.length);
    for (const b of plot.binRows) {
      expect(b.meanX).toBeGreaterThanOrEqual(b.lower);
      expect(b.meanX).toBeLessThanOrEqual(b.upper);
    }
  });
});

describe("robustness table", () => {
  it("covers at least 100 inputs, most of them refused with a code", () => {
    const coded = ROWS.filter((r) => r.expected !== "accepted").length;
    expect(ROWS.length).toBeGreaterThanOrEqual(100);
    expect(coded).toBeGreaterThan(ROWS.length / 2);
  });
});
