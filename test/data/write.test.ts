import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { DATASET_DECIMALS, generateChunks, generateDataset } from "../../src/data/generate/dataset.js";
import { hashFile } from "../../src/data/hash.js";
import { loadFrame } from "../../src/data/load.js";
import { createDatasetWriter, writeDataset, writeFormatOf } from "../../src/data/write.js";
import { fixturePath } from "../helpers/fixture.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();

describe("writeDataset", () => {
  it("picks the format from the extension and rejects unknown ones as a usage error", () => {
    expect(writeFormatOf("a/b.csv")).toBe("csv");
    expect(writeFormatOf("b.CSV.GZ")).toBe("csv.gz");
    expect(writeFormatOf("b.tsv")).toBe("tsv");
    expect(writeFormatOf("b.parquet")).toBe("parquet");
    for (const bad of ["b.xlsx", "b", "b.gz", ".csv"]) {
      expect(() => writeFormatOf(bad), bad).toThrow(
        expect.objectContaining({ code: "E_UNSUPPORTED_OUTPUT", category: "usage" }),
      );
    }
  });

  it("reproduces the reference files byte for byte: load → write gives the published sha256", async () => {
    const cases = [
      ["saas_llm_logs_seed42.csv.gz", "4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6"],
      ["cluster_outcome_seed42.csv.gz", "a10a394ad938504aefc77c719dfc8ba5d5071f41fdf599d28615bccbef7a4c3d"],
    ] as const;
    for (const [name, sha] of cases) {
      const frame = await loadFrame(fixturePath(name));
      const fixed = await writeDataset(frame, join(dir, `re-${name}.csv`), { decimals: DATASET_DECIMALS });
      expect(fixed.sha256, name).toBe(sha);
      const shortest = await writeDataset(frame, join(dir, `re-shortest-${name}.csv`));
      expect(shortest.sha256, name).toBe(sha);
    }
  });

  it("writes gzipped CSV whose content is the plain CSV, and reports the file's own sha256", async () => {
    const frame = generateDataset({ seed: 3, users: 2000 });
    const plain = await writeDataset(frame, join(dir, "g.csv"), { decimals: DATASET_DECIMALS });
    const gz = await writeDataset(frame, join(dir, "g.csv.gz"), { decimals: DATASET_DECIMALS });
    expect(gunzipSync(readFileSync(gz.path)).equals(readFileSync(plain.path))).toBe(true);
    expect(gz.sha256).toBe(await hashFile(gz.path));
    expect(gz.bytes).toBeLessThan(plain.bytes);
    expect(gz.rows).toBe(2000);
  });

  it("writes Parquet with declared types, byte-identical across runs", async () => {
    const a = await writeDataset(
      generateChunks({ seed: 8, users: 5000, chunkSize: 1024 }),
      join(dir, "a.parquet"),
    );
    const b = await writeDataset(generateDataset({ seed: 8, users: 5000 }), join(dir, "b.parquet"));
    expect(a.sha256).toBe(b.sha256);
    expect(readFileSync(a.path).subarray(0, 4).toString()).toBe("PAR1");
    const back = await loadFrame(a.path, { columns: ["user_id", "engagement_tier", "cost_usd"] });
    expect(back.column("user_id").kind).toBe("i32");
    expect(back.column("engagement_tier").kind).toBe("str");
    expect(Array.from(back.numeric("cost_usd"))).toEqual(
      Array.from(generateDataset({ seed: 8, users: 5000 }).numeric("cost_usd")),
    );
  });

  it("never leaves a partial file: a failing chunk source keeps the old file and removes the temporary one", async () => {
    const sub = join(dir, "atomic");
    mkdirSync(sub);
    const target = join(sub, "out.csv");
    writeFileSync(target, "old contents\n");
    function* failing() {
      yield Frame.fromObject({ a: [1, 2] });
      throw new Error("source broke");
    }
    await expect(writeDataset(failing(), target)).rejects.toThrow("source broke");
    expect(readFileSync(target, "utf8")).toBe("old contents\n");
    expect(readdirSync(sub)).toEqual(["out.csv"]);
    const w = createDatasetWriter(join(sub, "aborted.parquet"));
    w.write(Frame.fromObject({ a: [1] }));
    w.abort();
    expect(readdirSync(sub)).toEqual(["out.csv"]);
  });

  it("E_WRITE_FAILED for a missing or read-only directory, E_EMPTY_DATA when nothing was written", async () => {
    const f = Frame.fromObject({ a: [1] });
    await expect(writeDataset(f, join(dir, "no-such-dir", "x.csv"))).rejects.toMatchObject({
      code: "E_WRITE_FAILED",
    });
    if (process.getuid?.() !== 0) {
      const ro = join(dir, "ro");
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      await expect(writeDataset(f, join(ro, "x.csv"))).rejects.toMatchObject({ code: "E_WRITE_FAILED" });
    }
    await expect(writeDataset([], join(dir, "empty.csv"))).rejects.toMatchObject({ code: "E_EMPTY_DATA" });
    expect(readdirSync(dir).filter((n) => n.startsWith("."))).toEqual([]);
  });
});
