/**
 * OData list paging (`$filter`, `$orderby`, `$top`, `$skip`) as an async iterator, and the reading
 * of the bare success flags many WATS routes answer; shared by the asset, production and report
 * services.
 *
 * @module
 */

import type { QueryValue, Transport } from "../http/transport.ts";
import type { Schema } from "../models/report/schema.ts";
import type { ODataExpr } from "../odata.ts";
import { parseResponse } from "./_parse.ts";

/** Paging of one list query. */
export interface PageOptions {
  /** A `$filter` expression or text. */
  filter?: ODataExpr | string;
  /** `$orderby`. */
  orderBy?: string;
  /** The most rows to yield in all. */
  top?: number;
  /** Rows to skip at the start. */
  skip?: number;
  /** Rows asked for per request. Default 500. */
  pageSize?: number;
  /** Cancels the query between and during pages. */
  signal?: AbortSignal;
}

/** The `$filter` text of an expression or text. */
export function filterText(filter: ODataExpr | string | undefined): string | undefined {
  if (filter === undefined) return undefined;
  return typeof filter === "string" ? filter : filter.text;
}

/**
 * Reads a success flag: `false` (or the text `false`) is a refusal; `true`, other answers and an
 * empty 2xx body are success.
 */
export function isConfirmed(data: unknown): boolean {
  if (data === false) return false;
  return !(typeof data === "string" && data.trim().toLowerCase() === "false");
}

/**
 * Yields the rows of a list route page by page; stops at a short page or after `top` rows.
 * `consumed(n)` is asked after each page how many of its rows left the list meanwhile (for a
 * queue whose rows are acknowledged while it is read), so the next `$skip` does not jump over rows.
 */
export async function* pages<T>(
  transport: Transport,
  spec: {
    path: string;
    operation: string;
    schema: Schema<T[]>;
    query?: Record<string, QueryValue>;
    defaultOrder?: string;
    consumed?: () => number;
  },
  options: PageOptions,
): AsyncGenerator<T> {
  const pageSize = Math.max(1, options.pageSize ?? 500);
  const limit = options.top ?? Infinity;
  let skip = options.skip ?? 0;
  let yielded = 0;
  while (yielded < limit) {
    const want = Math.min(pageSize, limit - yielded);
    const data = await transport.send({
      method: "GET",
      path: spec.path,
      query: {
        ...spec.query,
        $filter: filterText(options.filter),
        $orderby: options.orderBy ?? spec.defaultOrder,
        $top: want,
        $skip: skip || undefined,
      },
      operation: spec.operation,
      signal: options.signal,
    }, { allowEmpty: true });
    const page = parseResponse(spec.schema, data ?? [], spec.operation);
    for (const row of page) {
      if (yielded >= limit) return;
      yield row;
      yielded++;
    }
    if (page.length < want) return;
    skip += page.length - (spec.consumed?.() ?? 0);
  }
}
