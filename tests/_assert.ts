/**
 * Thin helpers over `node:assert/strict` for the project's tests.
 */
import assertNode from "node:assert/strict";

/** Fails unless `value` is truthy. */
export function assert(value: unknown, message?: string): asserts value {
  assertNode.ok(value, message);
}

/** Fails unless `actual` deep-equals `expected` (strict). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.deepStrictEqual(actual, expected, message);
}

/** Fails unless `value` is an instance of `cls`. */
export function assertInstanceOf<T>(
  value: unknown,
  cls: abstract new (...args: never[]) => T,
  message?: string,
): asserts value is T {
  assertNode.ok(
    value instanceof cls,
    message ?? `expected an instance of ${cls.name}, got ${value}`,
  );
}

/** Awaits `fn`, fails unless it rejects (with an instance of `cls` when given); answers the error. */
export async function assertRejects<T = unknown>(
  fn: () => Promise<unknown>,
  cls?: abstract new (...args: never[]) => T,
  message?: string,
): Promise<T> {
  try {
    await fn();
  } catch (error) {
    if (cls && !(error instanceof cls)) {
      throw new assertNode.AssertionError({
        message: message ??
          `expected ${cls.name}, got ${(error as Error)?.constructor?.name}: ${
            (error as Error)?.message
          }`,
      });
    }
    return error as T;
  }
  throw new assertNode.AssertionError({ message: message ?? "expected a rejection" });
}

/** Calls `fn`, fails unless it throws (an instance of `cls` when given); answers the error. */
export function assertThrows<T = unknown>(
  fn: () => unknown,
  cls?: abstract new (...args: never[]) => T,
  message?: string,
): T {
  try {
    fn();
  } catch (error) {
    if (cls && !(error instanceof cls)) {
      throw new assertNode.AssertionError({
        message: message ?? `expected ${cls.name}, got ${(error as Error)?.message}`,
      });
    }
    return error as T;
  }
  throw new assertNode.AssertionError({ message: message ?? "expected a throw" });
}
