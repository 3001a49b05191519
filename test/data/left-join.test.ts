import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { leftJoin } from "../../src/data/left-join.js";
import { errorCode } from "../helpers/error-code.js";

describe("leftJoin", () => {
  const users = Frame.fromObject({ user_id: [1, 2, 3, 4], arm: ["a", "b", "a", "b"] });
  const outcome = Frame.fromObject({
    user_id: [3, 1, 4],
    minutes: [12, 7, Number.NaN],
    tier: ["heavy", "light", null],
    arm: ["x", "y", "z"],
  });

  it("keeps every left row in order and fills unmatched rows with missing values", () => {
    const joined = leftJoin(users, outcome, "user_id");
    expect(joined.nrows).toBe(4);
    expect(joined.names).toEqual(["user_id", "arm", "minutes", "tier"]);
    expect(Array.from(joined.numeric("minutes"))).toEqual([7, Number.NaN, 12, Number.NaN]);
    expect([0, 1, 2, 3].map((i) => joined.value("tier", i))).toEqual(["light", null, "heavy", null]);
  });

  it("keeps the left frame's own columns (the right one's same-named column is not added)", () => {
    const joined = leftJoin(users, outcome, "user_id");
    expect([0, 1, 2, 3].map((i) => joined.value("arm", i))).toEqual(["a", "b", "a", "b"]);
  });

  it("matches keys as text and lets the last duplicate right row win", () => {
    const left = Frame.fromObject({ id: ["1", "2"] });
    const right = Frame.fromObject({ id: [1, 1, 2], v: [10, 11, 20] });
    expect(Array.from(leftJoin(left, right, "id").numeric("v"))).toEqual([11, 20]);
  });

  it("leaves its inputs unmodified", () => {
    leftJoin(users, outcome, "user_id");
    expect(users.names).toEqual(["user_id", "arm"]);
  });

  it("raises E_COLUMN_MISSING when either frame lacks the key", () => {
    expect(errorCode(() => leftJoin(users, outcome, "nope"))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => leftJoin(users, Frame.fromObject({ other: [1] }), "user_id"))).toBe(
      "E_COLUMN_MISSING",
    );
  });
});
