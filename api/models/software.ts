/**
 * Software distribution models (`/api/Software`): packages, their files and folders, virtual
 * folders, downloads, and the package lifecycle.
 *
 * A package is created as `Draft`, submitted for review (`Pending`), `Released` to stations and
 * finally `Revoked`; a pending package may go back to `Draft`. Only a draft's content changes.
 *
 * @module
 */

import { z } from "zod";
import type { Schema } from "./report/schema.ts";

/**
 * Where a package is in its lifecycle.
 *
 * @category Software
 */
export type PackageStatus = "Draft" | "Pending" | "Released" | "Revoked";

/**
 * The moves the lifecycle allows, from each status.
 *
 * @category Software
 */
export const PACKAGE_TRANSITIONS: Readonly<Record<PackageStatus, readonly PackageStatus[]>> = Object
  .freeze({
    Draft: Object.freeze(["Pending"] as PackageStatus[]),
    Pending: Object.freeze(["Released", "Draft"] as PackageStatus[]),
    Released: Object.freeze(["Revoked"] as PackageStatus[]),
    Revoked: Object.freeze([] as PackageStatus[]),
  });

/**
 * Whether the lifecycle allows moving a package from one status to another.
 *
 * @param from The current status.
 * @param to The wanted status.
 * @returns `true` for Draft → Pending, Pending → Released or Draft, Released → Revoked.
 *
 * @example Review comes before release
 * ```ts
 * import assert from "node:assert/strict";
 * import { canTransition } from "@wats/toolkit/models";
 *
 * assert.equal(canTransition("Draft", "Released"), false);
 * ```
 *
 * @category Software
 */
export function canTransition(from: PackageStatus, to: PackageStatus): boolean {
  return PACKAGE_TRANSITIONS[from]?.includes(to) ?? false;
}

/**
 * A key/value tag of a package.
 *
 * @category Software
 */
export interface PackageTag {
  /** Tag name. */
  key: string;
  /** Tag value. */
  value?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A file of a package.
 *
 * @category Software
 */
export interface PackageFile {
  /** File id. */
  fileId: string;
  /** File name. */
  filename?: string | null;
  /** Folder path inside the package, `/`-separated. */
  path?: string | null;
  /** Size in bytes. */
  size?: number | null;
  /** Checksum of the content (hex). */
  checksum?: string | null;
  /** Created (UTC). */
  createdUtc?: string | null;
  /** Modified (UTC). */
  modifiedUtc?: string | null;
  /** File attributes, e.g. `ReadOnly`. */
  attributes?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A software package.
 *
 * @category Software
 */
export interface SoftwarePackage {
  /** Package id (server-assigned). */
  packageId?: string | null;
  /** Package name; with `version` it names the package. */
  name: string;
  /** Description. */
  description?: string | null;
  /** Version; the server numbers versions of one name 1, 2, 3 … */
  version?: number | null;
  /** Lifecycle status. */
  status?: PackageStatus | null;
  /** Install at the root directory instead of a package folder. */
  installOnRoot?: boolean | null;
  /** Root directory on the station. */
  rootDirectory?: string | null;
  /** Install priority. */
  priority?: number | null;
  /** Tags stations select packages by. */
  tags?: PackageTag[] | null;
  /** Created (UTC). */
  createdUtc?: string | null;
  /** Modified (UTC). */
  modifiedUtc?: string | null;
  /** Who created it. */
  createdBy?: string | null;
  /** Who modified it last. */
  modifiedBy?: string | null;
  /** Its files. */
  files?: PackageFile[] | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/**
 * A virtual folder packages are organised in.
 *
 * @category Software
 */
export interface VirtualFolder {
  /** Folder id. */
  folderId: string;
  /** Folder name. */
  name?: string | null;
  /** Folder path. */
  path?: string | null;
  /** Description. */
  description?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

const tag: z.ZodType<PackageTag> = z.looseObject({
  key: z.string(),
  value: z.string().nullish(),
});

const packageFile: z.ZodType<PackageFile> = z.looseObject({
  fileId: z.string(),
  filename: z.string().nullish(),
  path: z.string().nullish(),
  size: z.number().nullish(),
  checksum: z.string().nullish(),
  createdUtc: z.string().nullish(),
  modifiedUtc: z.string().nullish(),
  attributes: z.string().nullish(),
});

const softwarePackage: z.ZodType<SoftwarePackage> = z.looseObject({
  packageId: z.string().nullish(),
  name: z.string().trim().min(1, "name must not be blank"),
  description: z.string().nullish(),
  version: z.number().int().nullish(),
  status: z.enum(["Draft", "Pending", "Released", "Revoked"]).nullish(),
  installOnRoot: z.boolean().nullish(),
  rootDirectory: z.string().nullish(),
  priority: z.number().int().nullish(),
  tags: z.array(tag).nullish(),
  createdUtc: z.string().nullish(),
  modifiedUtc: z.string().nullish(),
  createdBy: z.string().nullish(),
  modifiedBy: z.string().nullish(),
  files: z.array(packageFile).nullish(),
});

const virtualFolder: z.ZodType<VirtualFolder> = z.looseObject({
  folderId: z.string(),
  name: z.string().nullish(),
  path: z.string().nullish(),
  description: z.string().nullish(),
});

/**
 * Validates a {@linkcode SoftwarePackage}.
 *
 * @category Software
 */
export const SoftwarePackageSchema: Schema<SoftwarePackage> = softwarePackage;
/**
 * Validates a list of {@linkcode SoftwarePackage}s.
 *
 * @category Software
 */
export const SoftwarePackageListSchema: Schema<SoftwarePackage[]> = z.array(softwarePackage);
/**
 * Validates a list of {@linkcode PackageFile}s.
 *
 * @category Software
 */
export const PackageFileListSchema: Schema<PackageFile[]> = z.array(packageFile);
/**
 * Validates a list of {@linkcode VirtualFolder}s.
 *
 * @category Software
 */
export const VirtualFolderListSchema: Schema<VirtualFolder[]> = z.array(virtualFolder);

/** A folder of a package (internal routes); its files are those whose `path` is at or below it. */
export interface PackageFolder {
  /** Folder id (server-assigned). */
  packageFolderId: string;
  /** The package it belongs to. */
  packageId?: string | null;
  /** The folder it is in; `null` at the package root. */
  parentFolderId?: string | null;
  /** Folder name. */
  name: string;
  /** Path inside the package, `/`-separated, as a {@linkcode PackageFile}'s `path`. */
  path?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** Whether a station's copy of a file matches the package's (internal `CheckFile`). */
export interface FileCheck {
  /** The package has a file at that path. */
  exists: boolean;
  /** The package file's id, when it exists. */
  fileId?: string | null;
  /** The checksums agree; `null` when no checksum was given or there is no file. */
  checksumMatches?: boolean | null;
  /** The station's file is newer than the package's; `null` when no date was given. */
  isNewer?: boolean | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A logged package download (internal `Log`, `GetPackageDownloadHistory`). */
export interface PackageDownload {
  /** The package downloaded. */
  packageId: string;
  /** Its name. */
  name?: string | null;
  /** Its version. */
  version?: number | null;
  /** Who downloaded it. */
  clientId?: string | null;
  /** Bytes downloaded. */
  downloadSize?: number | null;
  /** When (UTC). */
  downloadedUtc?: string | null;
  /** Keys the server sent beyond these. */
  [key: string]: unknown;
}

/** A package with its folders and download count (internal `GetSoftwareEntityDetails`). */
export interface SoftwareEntityDetails extends SoftwarePackage {
  /** Its folders. */
  folders?: PackageFolder[] | null;
  /** How many downloads were logged. */
  downloadCount?: number | null;
}

const packageFolder: z.ZodType<PackageFolder> = z.looseObject({
  packageFolderId: z.string(),
  packageId: z.string().nullish(),
  parentFolderId: z.string().nullish(),
  name: z.string(),
  path: z.string().nullish(),
});

const entityDetails: z.ZodType<SoftwareEntityDetails> = z.intersection(
  softwarePackage,
  z.looseObject({
    folders: z.array(packageFolder).nullish(),
    downloadCount: z.number().int().nullish(),
  }),
);

/** Validates a {@linkcode PackageFolder}. */
export const PackageFolderSchema: Schema<PackageFolder> = packageFolder;
/** Validates a {@linkcode FileCheck}. */
export const FileCheckSchema: Schema<FileCheck> = z.looseObject({
  exists: z.boolean(),
  fileId: z.string().nullish(),
  checksumMatches: z.boolean().nullish(),
  isNewer: z.boolean().nullish(),
});
/** Validates a list of {@linkcode PackageDownload}s. */
export const PackageDownloadListSchema: Schema<PackageDownload[]> = z.array(
  z.looseObject({
    packageId: z.string(),
    name: z.string().nullish(),
    version: z.number().int().nullish(),
    clientId: z.string().nullish(),
    downloadSize: z.number().nullish(),
    downloadedUtc: z.string().nullish(),
  }),
);
/** Validates a {@linkcode SoftwareEntityDetails}. */
export const SoftwareEntityDetailsSchema: Schema<SoftwareEntityDetails> = entityDetails;
