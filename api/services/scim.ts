/**
 * SCIM 2.0 provisioning (`/api/SCIM/v2`): users and groups.
 *
 * Lists page with `startIndex` (1-based) and `count`; the iterators ask page after page and stop
 * on a short page or once `totalResults` items were yielded. Creating and patching send the
 * JSON bodies SCIM prescribes (pyWATS could not: it passed an argument its HTTP client does not
 * take); patches are `PatchOp` requests.
 *
 * @module
 */

import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import type { Schema } from "../models/report/schema.ts";
import {
  SCIM_GROUP_SCHEMA,
  SCIM_PATCH_SCHEMA,
  SCIM_USER_SCHEMA,
  type ScimGroup,
  ScimGroupListSchema,
  ScimGroupSchema,
  type ScimListResponse,
  type ScimPatchOperation,
  type ScimToken,
  ScimTokenSchema,
  type ScimUser,
  ScimUserListSchema,
  ScimUserSchema,
} from "../models/scim.ts";
import { checkInput, requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

/**
 * One page to ask for.
 *
 * @category SCIM
 */
export interface ScimPageQuery {
  /** 1-based index of the first item. Default 1. */
  startIndex?: number;
  /** Items per page. Default 100. */
  count?: number;
  /** A SCIM filter, e.g. `userName eq "kari"`. */
  filter?: string;
}

/**
 * Options of the list iterators.
 *
 * @category SCIM
 */
export interface ScimIterateOptions {
  /** Items per request. Default 100. */
  pageSize?: number;
  /** A SCIM filter. */
  filter?: string;
  /** Cancels between and during pages. */
  signal?: AbortSignal;
}

const USERS = "/api/SCIM/v2/Users";
const GROUPS = "/api/SCIM/v2/Groups";

/**
 * SCIM users and groups, reached as `wats.scim`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Provision a user, then deactivate them
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const user = await wats.scim.createUser({ userName: "kari", displayName: "Kari N." });
 * await wats.scim.deactivate(user.id!);
 * const users = [];
 * for await (const u of wats.scim.users()) users.push([u.userName, u.active]);
 * assert.deepEqual(users, [["kari", false]]);
 * ```
 *
 * @category SCIM
 */
export class ScimService<M extends ErrorMode = ErrorMode> {
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
   * Issues a provisioning token for an identity provider.
   *
   * @param durationDays Its lifetime. Default 90.
   * @returns The token and when it expires.
   */
  async token(durationDays = 90): Promise<ScimToken> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/SCIM/v2/Token",
      query: { duration: durationDays },
      operation: "scim.token",
    });
    return parseResponse(ScimTokenSchema, data, "scim.token");
  }

  async #page<T>(
    path: string,
    schema: Schema<ScimListResponse<T>>,
    query: ScimPageQuery,
    operation: string,
    signal?: AbortSignal,
  ): Promise<ScimListResponse<T>> {
    const data = await this.#transport.send({
      method: "GET",
      path,
      query: { startIndex: query.startIndex ?? 1, count: query.count ?? 100, filter: query.filter },
      operation,
      signal,
    }, { allowEmpty: true });
    return parseResponse(schema, data ?? { totalResults: 0, Resources: [] }, operation);
  }

  async *#iterate<T>(
    path: string,
    schema: Schema<ScimListResponse<T>>,
    options: ScimIterateOptions,
    operation: string,
  ): AsyncGenerator<T> {
    const count = Math.max(1, options.pageSize ?? 100);
    let startIndex = 1;
    let yielded = 0;
    while (true) {
      const page = await this.#page(
        path,
        schema,
        { startIndex, count, filter: options.filter },
        operation,
        options.signal,
      );
      for (const item of page.Resources) {
        yield item;
        yielded++;
      }
      if (page.Resources.length < count || yielded >= page.totalResults) return;
      startIndex += page.Resources.length;
    }
  }

  /**
   * One page of users.
   *
   * @param query Start index, page size, filter.
   * @returns The page, with `totalResults`.
   */
  userPage(query: ScimPageQuery = {}): Promise<ScimListResponse<ScimUser>> {
    return this.#page(USERS, ScimUserListSchema, query, "scim.userPage");
  }

  /**
   * Every user, page by page.
   *
   * @param options Page size, filter, cancellation.
   * @returns The users, lazily.
   */
  users(options: ScimIterateOptions = {}): AsyncGenerator<ScimUser> {
    return this.#iterate(USERS, ScimUserListSchema, options, "scim.users");
  }

  /**
   * One user by id.
   *
   * @param id The user id.
   * @returns The user, or `null` in lenient mode when there is none.
   * @throws {NotFoundError} In strict mode when there is none.
   */
  async user(id: string): Promise<Found<ScimUser, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: `${USERS}/{id}`,
      params: { id: requireText(id, "a user id", "scim.user") },
      operation: "scim.user",
    });
    return (data === null ? null : parseResponse(ScimUserSchema, data, "scim.user")) as Found<
      ScimUser,
      M
    >;
  }

  /**
   * One user by login name.
   *
   * @param userName The login name.
   * @returns The user, or `null` in lenient mode when there is none.
   */
  async userByName(userName: string): Promise<Found<ScimUser, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: `${USERS}/userName={userName}`,
      params: { userName: requireText(userName, "a user name", "scim.userByName") },
      operation: "scim.userByName",
    });
    return (data === null ? null : parseResponse(ScimUserSchema, data, "scim.userByName")) as Found<
      ScimUser,
      M
    >;
  }

  /**
   * Creates a user.
   *
   * @param user The user; `userName` is required, `active` defaults to `true`.
   * @returns The created user, with its id.
   * @throws {TypeError} When the user does not fit the model; nothing is sent.
   */
  async createUser(user: ScimUser): Promise<ScimUser> {
    const body = checkInput(ScimUserSchema, {
      schemas: [SCIM_USER_SCHEMA],
      active: true,
      ...user,
    }, "scim.createUser");
    const data = await this.#transport.send({
      method: "POST",
      path: USERS,
      json: body,
      operation: "scim.createUser",
    });
    return parseResponse(ScimUserSchema, data, "scim.createUser");
  }

  /**
   * Applies patch operations to a user.
   *
   * @param id The user id.
   * @param operations The operations, e.g. `{ op: "replace", path: "active", value: false }`.
   * @returns The patched user.
   */
  async patchUser(id: string, operations: readonly ScimPatchOperation[]): Promise<ScimUser> {
    const data = await this.#patch(USERS, id, operations, "scim.patchUser");
    return parseResponse(ScimUserSchema, data, "scim.patchUser");
  }

  /**
   * Activates or deactivates a user.
   *
   * @param id The user id.
   * @param active Whether the user may sign in.
   * @returns The patched user.
   */
  setActive(id: string, active: boolean): Promise<ScimUser> {
    return this.patchUser(id, [{ op: "replace", path: "active", value: active }]);
  }

  /**
   * Deactivates a user (they stay, but cannot sign in).
   *
   * @param id The user id.
   * @returns The patched user.
   */
  deactivate(id: string): Promise<ScimUser> {
    return this.setActive(id, false);
  }

  /**
   * Renames a user for display.
   *
   * @param id The user id.
   * @param displayName The new display name.
   * @returns The patched user.
   */
  setDisplayName(id: string, displayName: string): Promise<ScimUser> {
    return this.patchUser(id, [{ op: "replace", path: "displayName", value: displayName }]);
  }

  /**
   * Deletes a user.
   *
   * @param id The user id.
   * @returns Nothing; in lenient mode a missing user is not an error.
   */
  async deleteUser(id: string): Promise<void> {
    await this.#transport.send({
      method: "DELETE",
      path: `${USERS}/{id}`,
      params: { id: requireText(id, "a user id", "scim.deleteUser") },
      operation: "scim.deleteUser",
    }, { allowEmpty: true });
  }

  /**
   * One page of groups.
   *
   * @param query Start index, page size, filter.
   * @returns The page, with `totalResults`.
   */
  groupPage(query: ScimPageQuery = {}): Promise<ScimListResponse<ScimGroup>> {
    return this.#page(GROUPS, ScimGroupListSchema, query, "scim.groupPage");
  }

  /**
   * Every group, page by page.
   *
   * @param options Page size, filter, cancellation.
   * @returns The groups, lazily.
   */
  groups(options: ScimIterateOptions = {}): AsyncGenerator<ScimGroup> {
    return this.#iterate(GROUPS, ScimGroupListSchema, options, "scim.groups");
  }

  /**
   * One group by id.
   *
   * @param id The group id.
   * @returns The group, or `null` in lenient mode when there is none.
   */
  async group(id: string): Promise<Found<ScimGroup, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: `${GROUPS}/{id}`,
      params: { id: requireText(id, "a group id", "scim.group") },
      operation: "scim.group",
    });
    return (data === null ? null : parseResponse(ScimGroupSchema, data, "scim.group")) as Found<
      ScimGroup,
      M
    >;
  }

  /**
   * Creates a group.
   *
   * @param group The group; `displayName` is required.
   * @returns The created group, with its id.
   */
  async createGroup(group: ScimGroup): Promise<ScimGroup> {
    const body = checkInput(
      ScimGroupSchema,
      { schemas: [SCIM_GROUP_SCHEMA], ...group },
      "scim.createGroup",
    );
    const data = await this.#transport.send({
      method: "POST",
      path: GROUPS,
      json: body,
      operation: "scim.createGroup",
    });
    return parseResponse(ScimGroupSchema, data, "scim.createGroup");
  }

  /**
   * Applies patch operations to a group.
   *
   * @param id The group id.
   * @param operations The operations, e.g. `{ op: "add", path: "members", value: [{ value: id }] }`.
   * @returns The patched group.
   */
  async patchGroup(id: string, operations: readonly ScimPatchOperation[]): Promise<ScimGroup> {
    const data = await this.#patch(GROUPS, id, operations, "scim.patchGroup");
    return parseResponse(ScimGroupSchema, data, "scim.patchGroup");
  }

  /**
   * Adds users to a group.
   *
   * @param groupId The group id.
   * @param userIds The users' ids.
   * @returns The patched group.
   */
  addMembers(groupId: string, userIds: readonly string[]): Promise<ScimGroup> {
    const value = userIds.map((id) => ({ value: id }));
    return this.patchGroup(groupId, [{ op: "add", path: "members", value }]);
  }

  /**
   * Removes users from a group.
   *
   * @param groupId The group id.
   * @param userIds The users' ids.
   * @returns The patched group.
   */
  removeMembers(groupId: string, userIds: readonly string[]): Promise<ScimGroup> {
    return this.patchGroup(
      groupId,
      userIds.map((id) => ({ op: "remove", path: `members[value eq "${id}"]` })),
    );
  }

  /**
   * Deletes a group.
   *
   * @param id The group id.
   * @returns Nothing; in lenient mode a missing group is not an error.
   */
  async deleteGroup(id: string): Promise<void> {
    await this.#transport.send({
      method: "DELETE",
      path: `${GROUPS}/{id}`,
      params: { id: requireText(id, "a group id", "scim.deleteGroup") },
      operation: "scim.deleteGroup",
    }, { allowEmpty: true });
  }

  #patch(
    base: string,
    id: string,
    operations: readonly ScimPatchOperation[],
    operation: string,
  ): Promise<unknown> {
    if (operations.length === 0) throw new TypeError(`${operation} needs at least one operation`);
    for (const op of operations) {
      if (op.op !== "add" && op.op !== "remove" && op.op !== "replace") {
        throw new TypeError(`${operation} refused the operation "${String(op.op)}"`);
      }
    }
    return this.#transport.send({
      method: "PATCH",
      path: `${base}/{id}`,
      params: { id: requireText(id, "an id", operation) },
      json: { schemas: [SCIM_PATCH_SCHEMA], Operations: operations },
      operation,
    });
  }
}
