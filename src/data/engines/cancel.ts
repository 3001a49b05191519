/**
 * The engine queries running now, each with a way to cancel it on its server, so that an interrupt (Ctrl-C) stops
 * the query where it runs instead of leaving it to finish there after the client is gone: PostgreSQL carries on
 * with a `GROUP BY` whose client disconnected until it tries to send the result, ClickHouse 18.16 until it ends.
 * Engines register each query while it runs; the CLI's signal handler cancels them all (see `cli/interrupt.ts`).
 */
const running = new Map<number, RunningQuery>();
let nextId = 0;
let onChange: ((running: number) => void) | null = null;

interface RunningQuery {
  /** Asks the server to stop the query (must not throw). */
  readonly cancel: () => Promise<void>;
  /** Settles once the query has ended on the client's side (its result, its error, or the cancel). */
  readonly settled: Promise<unknown>;
}

/**
 * Runs `query` as a cancellable engine query: while it runs, {@link cancelRunningQueries} calls `cancel`.
 *
 * @example
 * ```ts
 * const rows = await trackQuery(() => client.query(sql), () => sendCancelRequest(client));
 * ```
 */
export function trackQuery<T>(query: () => Promise<T>, cancel: () => Promise<void>): Promise<T> {
  const id = nextId++;
  const promise = query();
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  running.set(id, { cancel, settled });
  onChange?.(running.size);
  void settled.then(() => {
    running.delete(id);
    onChange?.(running.size);
  });
  return promise;
}

/**
 * Cancels every running engine query and waits until each has ended (or `waitMs` pass); resolves to the number of
 * queries it cancelled. A cancel that fails (the server is gone) is ignored: there is then nothing left to stop.
 *
 * @example
 * ```ts
 * process.once("SIGINT", async () => { await cancelRunningQueries(); process.exit(130); });
 * ```
 */
export async function cancelRunningQueries(waitMs = 5000): Promise<number> {
  const queries = [...running.values()];
  if (queries.length === 0) return 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([
    Promise.all(
      queries.map((q) =>
        q
          .cancel()
          .catch(() => undefined)
          .then(() => q.settled),
      ),
    ),
    deadline,
  ]);
  clearTimeout(timer);
  return queries.length;
}

/**
 * How many engine queries are running (for tests and the signal handler).
 *
 * @example
 * ```ts
 * runningQueries(); // 0 when no engine query runs
 * ```
 */
export function runningQueries(): number {
  return running.size;
}

/**
 * Calls `listener` with the number of running engine queries whenever a query starts or ends (the CLI installs its
 * signal handlers while queries run, see `cli/interrupt.ts`).
 *
 * @example
 * ```ts
 * onRunningQueriesChange((n) => (n > 0 ? installSignalHandlers() : removeSignalHandlers()));
 * ```
 */
export function onRunningQueriesChange(listener: ((running: number) => void) | null): void {
  onChange = listener;
}
