/**
 * Serial-number pool administration: import numbers into a type's pool and export them
 * (`/api/Production/SerialNumbers`, CSV or XML), and the internal admin routes
 * (`/api/internal/Production/SerialNumbers`): list, count, free taken numbers, drop free ones,
 * runs (ranges) and statistics. Reached as `wats.production.serialNumbers`.
 *
 * Imported numbers are handed out by `production.takeSerialNumbers` before new ones are made.
 * `dropFree` sends its ranges as a DELETE body, which WATS needs and pyWATS leaves out.
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import {
  type SerialNumberRange,
  SerialNumberRangeListSchema,
  type SerialNumberRecord,
  SerialNumberRecordListSchema,
  type SerialNumberStatistics,
  SerialNumberStatisticsListSchema,
} from "../models/production.ts";
import { parseResponse } from "./_parse.ts";

/** A selection of serial numbers of one type for the admin look-ups. */
export interface SerialNumberSelection {
  /** The serial-number type's name. */
  type: string;
  /** The first number (inclusive). */
  startAddress?: string;
  /** The last number (inclusive). */
  endAddress?: string;
  /** Only numbers taken at or after this instant. */
  from?: Date;
  /** Only numbers taken at or before this instant. */
  to?: Date;
}

/** A range of one type, as `free` and `dropFree` take it. */
export interface SerialNumberSpan {
  /** The serial-number type's name. */
  serialNumberType: string;
  /** The first number (inclusive). */
  startAddress: string;
  /** The last number (inclusive). */
  endAddress: string;
}

/** Options of {@linkcode SerialNumberAdmin.exportNumbers}. */
export interface ExportSerialNumbersOptions {
  /** Only numbers in this state: `Free` or `Taken`. */
  state?: "Free" | "Taken";
  /** `csv` (default) or `xml`. */
  format?: "csv" | "xml";
}

function requireType(type: string, operation: string): string {
  if (typeof type !== "string" || !type.trim()) {
    throw new TypeError(`${operation} needs a serial-number type`);
  }
  return type.trim();
}

function count(data: unknown, operation: string): number {
  const n = Number(data);
  if (!Number.isInteger(n)) throw new TypeError(`${operation}: the server answered no count`);
  return n;
}

/** Serial-number pool administration (see the module notes). */
export class SerialNumberAdmin {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Imports serial numbers into a type's pool, where they wait to be taken.
   *
   * @param content CSV with a header row (`SerialNumber`, optionally `Type`) or XML
   *   `<SerialNumbers type="…"><SN id="…"/>…</SerialNumbers>`.
   * @param options The type, for rows that do not name one.
   * @returns `true` when the server took them all.
   * @throws {ValidationError} When a number does not fit its type.
   * @throws {ConflictError} When a number exists already.
   */
  async importNumbers(content: string, options: { type?: string } = {}): Promise<boolean> {
    const isXml = content.trimStart().startsWith("<");
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Production/SerialNumbers",
      query: { typeName: options.type },
      body: content,
      contentType: isXml ? "application/xml" : "text/csv",
      operation: "production.serialNumbers.importNumbers",
    }, { allowEmpty: true });
    return data !== false;
  }

  /**
   * Exports the serial numbers of a type.
   *
   * @param type The serial-number type's name.
   * @param options A state to keep, and the format.
   * @returns The CSV or XML bytes.
   */
  async exportNumbers(
    type: string,
    options: ExportSerialNumbersOptions = {},
  ): Promise<Uint8Array> {
    const operation = "production.serialNumbers.exportNumbers";
    const data = await this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/Production/SerialNumbers",
      query: {
        typeName: requireType(type, operation),
        state: options.state,
        format: options.format,
      },
      responseType: "bytes",
      operation,
    }, { allowEmpty: true });
    return data ?? new Uint8Array();
  }

  /**
   * The serial numbers of a type, by address range and the time they were taken.
   *
   * @param selection The type, and optionally a range of numbers and of dates.
   * @returns The records, in serial-number order.
   */
  async list(selection: SerialNumberSelection): Promise<SerialNumberRecord[]> {
    const operation = "production.serialNumbers.list";
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Production/SerialNumbers",
      query: {
        serialNumberType: requireType(selection.type, operation),
        startAddress: selection.startAddress,
        endAddress: selection.endAddress,
        startDate: selection.from?.toISOString(),
        endDate: selection.to?.toISOString(),
      },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(SerialNumberRecordListSchema, data ?? [], operation);
  }

  /**
   * How many serial numbers of a type a selection holds.
   *
   * @param selection The type, and optionally a range of numbers and of dates.
   * @returns The count.
   */
  async count(selection: SerialNumberSelection): Promise<number> {
    const operation = "production.serialNumbers.count";
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Production/SerialNumbers/Count",
      query: {
        serialNumberType: requireType(selection.type, operation),
        startAddress: selection.startAddress,
        endAddress: selection.endAddress,
        fromDate: selection.from?.toISOString(),
        toDate: selection.to?.toISOString(),
      },
      internal: true,
      operation,
    });
    return count(data, operation);
  }

  /**
   * Returns taken serial numbers to the pool, so they can be taken again.
   *
   * @param ranges The ranges to free.
   * @returns How many numbers were freed.
   */
  async free(ranges: readonly SerialNumberSpan[]): Promise<number> {
    return await this.#ranges("PUT", ranges, "production.serialNumbers.free");
  }

  /**
   * Drops free (never taken) serial numbers from the pool.
   *
   * @param ranges The ranges to drop.
   * @returns How many numbers were dropped.
   */
  async dropFree(ranges: readonly SerialNumberSpan[]): Promise<number> {
    return await this.#ranges("DELETE", ranges, "production.serialNumbers.dropFree");
  }

  /**
   * The runs of consecutive numbers of a type in one state.
   *
   * @param type The serial-number type's name.
   * @returns The runs, in serial-number order.
   */
  async ranges(type: string): Promise<SerialNumberRange[]> {
    const operation = "production.serialNumbers.ranges";
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Production/SerialNumbers/Ranges",
      query: { serialNumberType: requireType(type, operation) },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(SerialNumberRangeListSchema, data ?? [], operation);
  }

  /**
   * How many numbers each type's pool holds, and how many are taken.
   *
   * @param type Only this type.
   * @returns One row a type.
   */
  async statistics(type?: string): Promise<SerialNumberStatistics[]> {
    const operation = "production.serialNumbers.statistics";
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Production/SerialNumbers/Statistics",
      query: { serialNumberType: type },
      internal: true,
      operation,
    }, { allowEmpty: true });
    return parseResponse(SerialNumberStatisticsListSchema, data ?? [], operation);
  }

  async #ranges(
    method: "PUT" | "DELETE",
    ranges: readonly SerialNumberSpan[],
    operation: string,
  ): Promise<number> {
    if (ranges.length === 0) throw new TypeError(`${operation} needs at least one range`);
    const data = await this.#transport.send({
      method,
      path: "/api/internal/Production/SerialNumbers/Free",
      json: ranges,
      internal: true,
      operation,
    });
    return count(data, operation);
  }
}
