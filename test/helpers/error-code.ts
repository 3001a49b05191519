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
