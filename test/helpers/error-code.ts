import { TrueliftError } from "../../src/core/errors.js";

/** Runs `f` and returns the code of the TrueliftError it throws, or undefined if it returns; rethrows others. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof TrueliftError) return e.code;
    throw e;
  }
  return undefined;
}

/** Runs `f` and returns the TrueliftError it throws (code, message, hint, details); fails if it returns. */
export function thrown(f: () => unknown): TrueliftError {
  try {
    f();
  } catch (e) {
    if (e instanceof TrueliftError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

/** Awaits `p` (or calls and awaits it) and returns the code of the TrueliftError it rejects with, or "no error". */
export async function asyncErrorCode(p: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof TrueliftError) return e.code;
    throw e;
  }
  return "no error";
}
