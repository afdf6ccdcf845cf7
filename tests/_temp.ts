/**
 * Temp folders for tests, removed with everything in them when the test ends: `await using temp =
 * await tempDir("wats-queue-")`, then work under `temp.path`.
 */

/** A temp folder that removes itself, recursively, when disposed. */
export interface TempDir extends AsyncDisposable {
  /** The folder, with symbolic links resolved (macOS `/var` is `/private/var`). */
  readonly path: string;
}

/** Options for {@linkcode tempDir}. */
export interface TempDirOptions {
  /** The folder to make it in; the system's temp folder when absent. */
  dir?: string;
}

/** Makes a temp folder named `prefix` plus a random suffix, removed when disposed. */
export async function tempDir(prefix: string, options: TempDirOptions = {}): Promise<TempDir> {
  // Resolved once here, because watchers and `Deno.realPath` callers see the resolved path.
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix, dir: options.dir }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      try {
        await Deno.remove(path, { recursive: true });
      } catch (error) {
        // A test that removed the folder itself has nothing left to clean.
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
  };
}
