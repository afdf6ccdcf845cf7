/**
 * The internal software routes (`/api/internal/Software`), reached as `wats.software.internal`:
 * package folders, deleting files, the station's questions (is my file current, which packages
 * are revoked or available), package history and the download log.
 *
 * These routes are undocumented and may change (the WATS API spec §3.5 gives only their paths
 * and parameters). A folder's `path` is the form a package file's `path` takes, so a file belongs
 * to the folders its path is at or below; renaming a folder moves its files, deleting it deletes
 * them. Only a Draft package's folders and files change.
 *
 * @module
 */

import type { Transport } from "../http/transport.ts";
import {
  type FileCheck,
  FileCheckSchema,
  type PackageDownload,
  PackageDownloadListSchema,
  type PackageFolder,
  PackageFolderSchema,
  type PackageStatus,
  type SoftwareEntityDetails,
  SoftwareEntityDetailsSchema,
  type SoftwarePackage,
  SoftwarePackageListSchema,
} from "../models/software.ts";
import type { Schema } from "../models/report/schema.ts";
import { isSuccess, requireText } from "./_input.ts";
import { parseResponse } from "./_parse.ts";

type Query = Record<string, string | number | boolean | undefined>;

/** A folder to create with {@linkcode SoftwareInternal.createFolder}. */
export interface NewPackageFolder {
  /** The folder name; no `/` or `\`. */
  name: string;
  /** The folder it goes in; the package root when absent. */
  parentFolderId?: string | null;
}

/** A change to a folder for {@linkcode SoftwareInternal.updateFolder}. */
export interface PackageFolderChange {
  /** The folder's id. */
  packageFolderId: string;
  /** A new name. */
  name?: string;
  /** A new parent folder; `null` moves it to the package root. */
  parentFolderId?: string | null;
}

/** What a station knows of its copy of a file, for {@linkcode SoftwareInternal.checkFile}. */
export interface FileCheckQuery {
  /** The folder the path is relative to; the package root when absent. */
  parentFolderId?: string;
  /** The checksum (SHA-1 hex) of the station's copy. */
  checksum?: string;
  /** When the station's copy was last written. */
  fileDate?: Date;
}

/** Which packages {@linkcode SoftwareInternal.history} lists. */
export interface PackageHistoryQuery {
  /** Tags that must all match: `key` (any value) or `key=value`. */
  tags?: string[];
  /** Only packages in this status. */
  status?: PackageStatus;
  /** Every version; default `false`: the newest version of each name. */
  allVersions?: boolean;
}

/** A comma list of ids, or undefined for none (the parameter is then left out). */
function idList(ids: readonly string[], what: string, operation: string): string | undefined {
  if (!Array.isArray(ids)) throw new TypeError(`${operation} needs a list of ${what}`);
  const list = ids.map((id) => requireText(id, what, operation).trim());
  return list.length ? list.join(",") : undefined;
}

/**
 * The internal software routes (see the module notes).
 *
 * @example A station asks what to install and logs the download
 * ```ts ignore
 * import { Wats } from "@wats/toolkit";
 * const wats = Wats.fromEnv();
 * const installed = ["3f0c…"];
 * for (const pkg of await wats.software.internal.available(installed)) {
 *   await wats.software.internal.logDownload(pkg.packageId!);
 * }
 * ```
 */
export class SoftwareInternal {
  #transport: Transport;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async #send<T>(
    method: "GET" | "POST",
    route: string,
    query: Query,
    schema: Schema<T> | null,
    operation: string,
    json?: unknown,
  ): Promise<T | boolean> {
    const data = await this.#transport.send({
      method,
      path: `/api/internal/Software/${route}`,
      query,
      json,
      internal: true,
      operation,
    }, { allowEmpty: true });
    if (!schema) return isSuccess(data);
    return parseResponse(schema, data ?? [], operation);
  }

  async #list(route: string, query: Query, operation: string): Promise<SoftwarePackage[]> {
    return await this.#send(
      "GET",
      route,
      query,
      SoftwarePackageListSchema,
      operation,
    ) as SoftwarePackage[];
  }

  /**
   * Whether a station's copy of a package file is current.
   *
   * @param packageId The package id.
   * @param filePath The file's path, relative to `parentFolderId` or the package root.
   * @param query The folder, and the checksum and date of the station's copy.
   * @returns Whether the file exists, its id, and whether checksum and date agree.
   */
  async checkFile(
    packageId: string,
    filePath: string,
    query: FileCheckQuery = {},
  ): Promise<FileCheck> {
    const operation = "software.internal.checkFile";
    return await this.#send(
      "GET",
      "CheckFile",
      {
        packageId: requireText(packageId, "a package id", operation),
        parentFolderId: query.parentFolderId,
        filePath: requireText(filePath, "a file path", operation),
        checksum: query.checksum,
        fileDateEpoch: query.fileDate ? Math.floor(query.fileDate.getTime() / 1000) : undefined,
      },
      FileCheckSchema,
      operation,
    ) as FileCheck;
  }

  /**
   * Creates a folder in a draft package.
   *
   * @param packageId The package id.
   * @param folder The name and parent folder.
   * @returns The folder, with its id and path.
   * @throws {ConflictError} When the package is not a draft or has a folder of that path.
   */
  async createFolder(packageId: string, folder: NewPackageFolder): Promise<PackageFolder> {
    const operation = "software.internal.createFolder";
    const body = {
      name: requireText(folder?.name, "a folder name", operation),
      parentFolderId: folder.parentFolderId ?? null,
    };
    return await this.#send(
      "POST",
      "PostPackageFolder",
      { packageId: requireText(packageId, "a package id", operation) },
      PackageFolderSchema,
      operation,
      body,
    ) as PackageFolder;
  }

  /**
   * Renames or moves a folder of a draft package; the paths of its folders and files follow.
   *
   * @param change The folder's id and what changes; a field left out keeps its value.
   * @returns The folder as saved.
   */
  async updateFolder(change: PackageFolderChange): Promise<PackageFolder> {
    const operation = "software.internal.updateFolder";
    const body: Record<string, unknown> = {
      packageFolderId: requireText(change?.packageFolderId, "a folder id", operation),
    };
    if (change.name !== undefined) body.name = change.name;
    if (change.parentFolderId !== undefined) body.parentFolderId = change.parentFolderId;
    return await this.#send(
      "POST",
      "UpdatePackageFolder",
      {},
      PackageFolderSchema,
      operation,
      body,
    ) as PackageFolder;
  }

  /**
   * Deletes a folder of a draft package with its folders and files.
   *
   * @param packageFolderId The folder id.
   * @returns Whether the server deleted it.
   */
  async deleteFolder(packageFolderId: string): Promise<boolean> {
    const operation = "software.internal.deleteFolder";
    return await this.#send(
      "POST",
      "DeletePackageFolder",
      {
        packageFolderId: requireText(packageFolderId, "a folder id", operation),
      },
      null,
      operation,
    ) as boolean;
  }

  /**
   * Deletes files of draft packages.
   *
   * @param fileIds The file ids.
   * @returns Whether the server deleted them.
   */
  async deleteFiles(fileIds: readonly string[]): Promise<boolean> {
    const operation = "software.internal.deleteFiles";
    const ids = idList(fileIds, "file ids", operation);
    if (!ids) throw new TypeError(`${operation} needs at least one file id`);
    return await this.#send(
      "POST",
      "DeletePackageFolderFiles",
      {
        packageFolderFileIds: ids,
      },
      null,
      operation,
    ) as boolean;
  }

  /**
   * Packages by tags and status: the newest version of each name, or every version.
   *
   * @param query Tags, status, and whether to list every version.
   * @returns The packages, by name and then newest version first.
   */
  history(query: PackageHistoryQuery = {}): Promise<SoftwarePackage[]> {
    return this.#list("GetPackageHistory", {
      tags: query.tags?.length ? query.tags.join(",") : undefined,
      status: query.status,
      allVersions: query.allVersions,
    }, "software.internal.history");
  }

  /**
   * The logged downloads, newest first.
   *
   * @param clientId Only this client's; every client's when absent.
   * @returns The downloads.
   */
  async downloadHistory(clientId?: string): Promise<PackageDownload[]> {
    const operation = "software.internal.downloadHistory";
    return await this.#send(
      "GET",
      "GetPackageDownloadHistory",
      { clientId },
      PackageDownloadListSchema,
      operation,
    ) as PackageDownload[];
  }

  /**
   * Which installed packages a station should remove.
   *
   * @param installed The ids of the packages the station has.
   * @param revokedOnly Only the revoked ones; default `false`: also those a newer released
   * version replaces.
   * @returns The packages to remove.
   */
  revoked(installed: readonly string[], revokedOnly = false): Promise<SoftwarePackage[]> {
    const operation = "software.internal.revoked";
    return this.#list("GetRevokedPackages", {
      installedPackages: idList(installed, "package ids", operation),
      includeRevokedOnly: revokedOnly,
    }, operation);
  }

  /**
   * The newest released version of each package name that a station does not have.
   *
   * @param installed The ids of the packages the station has.
   * @returns The packages to install.
   */
  available(installed: readonly string[] = []): Promise<SoftwarePackage[]> {
    const operation = "software.internal.available";
    return this.#list("GetAvailablePackages", {
      installedPackages: idList(installed, "package ids", operation),
    }, operation);
  }

  /**
   * A package with its folders and download count.
   *
   * @param packageId The package id.
   * @returns The details.
   */
  async details(packageId: string): Promise<SoftwareEntityDetails> {
    const operation = "software.internal.details";
    return await this.#send(
      "GET",
      "GetSoftwareEntityDetails",
      {
        packageId: requireText(packageId, "a package id", operation),
      },
      SoftwareEntityDetailsSchema,
      operation,
    ) as SoftwareEntityDetails;
  }

  /**
   * Logs a download of a package by the caller.
   *
   * @param packageId The package id.
   * @param downloadSize The bytes downloaded; the package's size when absent.
   * @returns Whether the server logged it.
   */
  async logDownload(packageId: string, downloadSize?: number): Promise<boolean> {
    const operation = "software.internal.logDownload";
    return await this.#send(
      "GET",
      "Log",
      {
        packageId: requireText(packageId, "a package id", operation),
        downloadSize,
      },
      null,
      operation,
    ) as boolean;
  }
}
