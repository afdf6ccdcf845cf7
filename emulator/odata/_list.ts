/**
 * OData list queries (`$filter`, `$orderby`, `$skip`, `$top`) over plain records, for the list
 * routes other than report headers (assets, asset types, asset log). Default `$top` is 1000.
 *
 * @module
 */
import type { Context } from "hono";
import type { EmulatorEnv } from "../_context.ts";
import { EmulatorHttpError, queryInt, queryParam } from "../_http.ts";
import { ODataError } from "./odata.ts";
import { compareByKeys, compileFilter, type FilterSchema, parseOrderBy } from "./_query.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

/** Apply `$filter`, `$orderby`, `$skip`, `$top` from the query string to records. */
export function odataList(c: C, records: Rec[], schema: FilterSchema): Rec[] {
  try {
    const filter = queryParam(c, "$filter");
    const orderBy = queryParam(c, "$orderby");
    const selected = filter ? records.filter(compileFilter(filter, schema)) : records;
    if (orderBy) {
      const keys = parseOrderBy(orderBy, schema);
      selected.sort((a, b) => compareByKeys(keys, a, b));
    }
    const skip = queryInt(c, "$skip", { min: 0 }) ?? 0;
    const top = queryInt(c, "$top", { min: 0 }) ?? 1000;
    return selected.slice(skip, skip + top);
  } catch (error) {
    if (error instanceof ODataError) {
      throw new EmulatorHttpError(400, `Invalid query: ${error.message}`, {
        position: error.position,
      });
    }
    throw error;
  }
}
