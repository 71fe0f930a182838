// The failure type of the plain validators (publish options, API responses, callback
// reports): a fixed message and the path below the value checked. Each caller turns it into
// its own public error (`InvalidOptionError`, `QStashResponseError`, `CallbackParseError`),
// and the schemas entry into zod issues.

/** A value failed a check at `path` (relative to the value checked). */
export class Problem {
  constructor(
    readonly path: ReadonlyArray<string | number>,
    readonly message: string,
  ) {}
}

/** Throws a `Problem` at `path`. */
export function fail(message: string, path: ReadonlyArray<string | number> = []): never {
  throw new Problem(path, message);
}

/** Runs a nested check, putting `key` in front of the path of any `Problem` it throws. */
export function at<T>(key: string | number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Problem) throw new Problem([key, ...error.path], error.message);
    throw error;
  }
}
