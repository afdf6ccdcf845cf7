/**
 * SCIM 2.0 models (`/api/SCIM/v2`, RFC 7643/7644): users, groups, list pages, patch operations
 * and the provisioning token.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * The schema URN of a user.
 *
 * @category SCIM
 */
export const SCIM_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
/**
 * The schema URN of a group.
 *
 * @category SCIM
 */
export const SCIM_GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
/**
 * The schema URN of a patch request.
 *
 * @category SCIM
 */
export const SCIM_PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/**
 * The schema URN of a list page.
 *
 * @category SCIM
 */
export const SCIM_LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/**
 * A person's name parts.
 *
 * @category SCIM
 */
export interface ScimName {
  /** The whole name, formatted for display. */
  formatted?: string | null;
  /** Given name. */
  givenName?: string | null;
  /** Family name. */
  familyName?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * An e-mail address of a user.
 *
 * @category SCIM
 */
export interface ScimEmail {
  /** The address. */
  value: string;
  /** Kind, e.g. `work`. */
  type?: string | null;
  /** The primary address. */
  primary?: boolean | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * Resource metadata the server keeps.
 *
 * @category SCIM
 */
export interface ScimMeta {
  /** `User` or `Group`. */
  resourceType?: string | null;
  /** Created (UTC). */
  created?: string | null;
  /** Last modified (UTC). */
  lastModified?: string | null;
  /** The resource's URL. */
  location?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A user.
 *
 * @category SCIM
 */
export interface ScimUser {
  /** Id (server-assigned). */
  id?: string | null;
  /** Login name; unique. */
  userName: string;
  /** Display name. */
  displayName?: string | null;
  /** Whether the user may sign in. */
  active?: boolean | null;
  /** The id in the identity provider. */
  externalId?: string | null;
  /** Name parts. */
  name?: ScimName | null;
  /** E-mail addresses. */
  emails?: ScimEmail[] | null;
  /** Schema URNs. */
  schemas?: string[] | null;
  /** Server metadata. */
  meta?: ScimMeta | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A member of a group.
 *
 * @category SCIM
 */
export interface ScimMember {
  /** The member's id. */
  value: string;
  /** The member's display name. */
  display?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A group.
 *
 * @category SCIM
 */
export interface ScimGroup {
  /** Id (server-assigned). */
  id?: string | null;
  /** Display name; unique. */
  displayName: string;
  /** The id in the identity provider. */
  externalId?: string | null;
  /** Members. */
  members?: ScimMember[] | null;
  /** Schema URNs. */
  schemas?: string[] | null;
  /** Server metadata. */
  meta?: ScimMeta | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * One page of a list.
 *
 * @category SCIM
 */
export interface ScimListResponse<T> {
  /** Matches in all pages. */
  totalResults: number;
  /** Items on this page. */
  itemsPerPage?: number | null;
  /** 1-based index of this page's first item. */
  startIndex?: number | null;
  /** The items. */
  Resources: T[];
  /** Schema URNs. */
  schemas?: string[] | null;
}

/**
 * One operation of a patch request.
 *
 * @category SCIM
 */
export interface ScimPatchOperation {
  /** What to do. */
  op: "add" | "remove" | "replace";
  /** The attribute, e.g. `active`, `displayName`, `members`; absent to patch several. */
  path?: string;
  /** The new value. */
  value?: unknown;
}

/**
 * A provisioning token.
 *
 * @category SCIM
 */
export interface ScimToken {
  /** The bearer token for the identity provider. */
  token: string;
  /** When it expires (UTC). */
  expiresUtc?: string | null;
  /** Its lifetime in days. */
  durationDays?: number | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const meta: z.ZodType<ScimMeta> = z.looseObject({
  resourceType: z.string().nullish(),
  created: z.string().nullish(),
  lastModified: z.string().nullish(),
  location: z.string().nullish(),
});

const name: z.ZodType<ScimName> = z.looseObject({
  formatted: z.string().nullish(),
  givenName: z.string().nullish(),
  familyName: z.string().nullish(),
});

const email: z.ZodType<ScimEmail> = z.looseObject({
  value: z.string(),
  type: z.string().nullish(),
  primary: z.boolean().nullish(),
});

const user: z.ZodType<ScimUser> = z.looseObject({
  id: z.string().nullish(),
  userName: z.string().trim().min(1, "userName must not be blank"),
  displayName: z.string().nullish(),
  active: z.boolean().nullish(),
  externalId: z.string().nullish(),
  name: name.nullish(),
  emails: z.array(email).nullish(),
  schemas: z.array(z.string()).nullish(),
  meta: meta.nullish(),
});

const member: z.ZodType<ScimMember> = z.looseObject({
  value: z.string(),
  display: z.string().nullish(),
});

const group: z.ZodType<ScimGroup> = z.looseObject({
  id: z.string().nullish(),
  displayName: z.string().trim().min(1, "displayName must not be blank"),
  externalId: z.string().nullish(),
  members: z.array(member).nullish(),
  schemas: z.array(z.string()).nullish(),
  meta: meta.nullish(),
});

function listOf<T>(item: z.ZodType<T>): z.ZodType<ScimListResponse<T>> {
  return z.object({
    totalResults: z.number().int().nonnegative(),
    itemsPerPage: z.number().int().nullish(),
    startIndex: z.number().int().nullish(),
    Resources: z.array(item).nullish().transform((v) => v ?? []),
    schemas: z.array(z.string()).nullish(),
  });
}

/**
 * Validates a {@linkcode ScimUser}.
 *
 * @category SCIM
 */
export const ScimUserSchema: Schema<ScimUser> = user;
/**
 * Validates a {@linkcode ScimGroup}.
 *
 * @category SCIM
 */
export const ScimGroupSchema: Schema<ScimGroup> = group;
/**
 * Validates a page of users.
 *
 * @category SCIM
 */
export const ScimUserListSchema: Schema<ScimListResponse<ScimUser>> = listOf(user);
/**
 * Validates a page of groups.
 *
 * @category SCIM
 */
export const ScimGroupListSchema: Schema<ScimListResponse<ScimGroup>> = listOf(group);
/**
 * Validates a {@linkcode ScimToken}.
 *
 * @category SCIM
 */
export const ScimTokenSchema: Schema<ScimToken> = z.looseObject({
  token: z.string().min(1),
  expiresUtc: z.string().nullish(),
  durationDays: z.number().nullish(),
});
