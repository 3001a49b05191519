import { main } from "../../src/cli/main.js";

/** The result of one in-process CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `truelift <args>` in-process with captured output, NO_COLOR by default, in `cwd`. */
export async function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; tty?: boolean },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "truelift", ...args], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? { NO_COLOR: "1" },
    stderrIsTTY: options.tty ?? false,
    cwd: options.cwd,
  });
  return { code, stdout, stderr };
}
