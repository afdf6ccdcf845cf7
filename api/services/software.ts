/**
 * Software distribution (`/api/Software`): packages, their files and status, virtual folders.
 *
 * The lifecycle (Draft → Pending → Released → Revoked, Pending → Draft) is the server's to
 * enforce: an illegal move is answered with an error ({@linkcode ConflictError} on the emulator),
 * never silently skipped. {@linkcode canTransition} tells a UI which moves to offer.
 *
 * @module
 */

import type { ErrorMode, Found, Transport } from "../http/transport.ts";
import {
  type PackageFile,
  PackageFileListSchema,
  type PackageStatus,
  type SoftwarePackage,
  SoftwarePackageListSchema,
  SoftwarePackageSchema,
  type VirtualFolder,
  VirtualFolderListSchema,
} from "../models/software.ts";
import { checkInput, isSuccess, requireText, withDefaults } from "./_input.ts";
import { parseResponse } from "./_parse.ts";
import { SoftwareInternal } from "./software_internal.ts";

/**
 * How to pick a package by name.
 *
 * @category Software
 */
export interface PackageByNameQuery {
  /** Only a package in this status. */
  status?: PackageStatus;
  /** Only this version; the newest matching version when absent. */
  version?: number;
}

/**
 * Options of {@linkcode SoftwareService.uploadZip}.
 *
 * @category Software
 */
export interface UploadZipOptions {
  /** Remove the package's files first (default `false`: files of the same path are replaced). */
  cleanInstall?: boolean;
  /** Cancels the upload. */
  signal?: AbortSignal;
}

/**
 * Software packages, reached as `wats.software`.
 *
 * @typeParam M The client's error mode: look-ups return `T` in strict mode, `T | null` otherwise.
 *
 * @example Publish a package
 * ```ts
 * import assert from "node:assert/strict";
 * import { Wats } from "@wats/toolkit";
 * import { serveEmulator } from "@wats/toolkit/emulator";
 *
 * await using emulator = await serveEmulator({ port: 0 });
 * const wats = new Wats({ baseUrl: emulator.url, token: emulator.token });
 * const pkg = await wats.software.create({
 *   name: "TestStand-Seq",
 *   tags: [{ key: "line", value: "1" }],
 * });
 * await wats.software.submitForReview(pkg.packageId!);
 * await wats.software.release(pkg.packageId!);
 * const released = await wats.software.released("TestStand-Seq");
 * assert.equal(released?.packageId, pkg.packageId);
 * ```
 *
 * @category Software
 */
export class SoftwareService<M extends ErrorMode = ErrorMode> {
  #transport: Transport;
  /** The internal routes: folders, file checks, history, revoked and available packages. */
  readonly internal: SoftwareInternal;

  /**
   * Creates the service on a transport.
   *
   * @param transport The HTTP core.
   */
  constructor(transport: Transport) {
    this.#transport = transport;
    this.internal = new SoftwareInternal(transport);
  }

  /**
   * Every package.
   *
   * @returns The packages.
   */
  async packages(): Promise<SoftwarePackage[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/Packages",
      operation: "software.packages",
    }, { allowEmpty: true });
    return parseResponse(SoftwarePackageListSchema, data ?? [], "software.packages");
  }

  /**
   * One package by id.
   *
   * @param packageId The package id.
   * @returns The package, or `null` in lenient mode when there is none.
   * @throws {NotFoundError} In strict mode when there is none.
   */
  async get(packageId: string): Promise<Found<SoftwarePackage, M>> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/Package/{id}",
      params: { id: requireText(packageId, "a package id", "software.get") },
      operation: "software.get",
    });
    return (data === null
      ? null
      : parseResponse(SoftwarePackageSchema, data, "software.get")) as Found<SoftwarePackage, M>;
  }

  /**
   * A package by name: the newest version, or the one status and version pick.
   *
   * @param name The package name.
   * @param query Status and version.
   * @returns The package, or `null` when none matches (the server answers an empty body).
   */
  async byName(name: string, query: PackageByNameQuery = {}): Promise<SoftwarePackage | null> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/PackageByName",
      query: {
        name: requireText(name, "a package name", "software.byName"),
        status: query.status,
        version: query.version,
      },
      operation: "software.byName",
    }, { allowEmpty: true });
    return data === null ? null : parseResponse(SoftwarePackageSchema, data, "software.byName");
  }

  /**
   * The released package of a name (what stations install).
   *
   * @param name The package name.
   * @param version A released version; the newest when absent.
   * @returns The package, or `null` as {@linkcode SoftwareService.byName} answers it.
   */
  released(name: string, version?: number): Promise<SoftwarePackage | null> {
    return this.byName(name, { status: "Released", version });
  }

  /**
   * Packages carrying a tag.
   *
   * @param tag The tag key.
   * @param value The tag value; any value when absent.
   * @param status Only packages in this status.
   * @returns The packages.
   */
  async byTag(tag: string, value?: string, status?: PackageStatus): Promise<SoftwarePackage[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/PackagesByTag",
      query: { tag: requireText(tag, "a tag", "software.byTag"), value, status },
      operation: "software.byTag",
    }, { allowEmpty: true });
    return parseResponse(SoftwarePackageListSchema, data ?? [], "software.byTag");
  }

  /**
   * Creates a package; the server makes it a `Draft` with the next version of its name. The
   * documented defaults it leaves out are sent explicitly (`status` Draft, `installOnRoot` false).
   *
   * @param input The package; `name` is required.
   * @returns The created package, with its id.
   * @throws {TypeError} When the name is blank; nothing is sent.
   */
  async create(input: SoftwarePackage): Promise<SoftwarePackage> {
    const body = checkInput(SoftwarePackageSchema, input, "software.create");
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/Software/Package",
      json: withDefaults(body, { status: "Draft", installOnRoot: false }),
      operation: "software.create",
    });
    return parseResponse(SoftwarePackageSchema, data, "software.create");
  }

  /**
   * Saves a changed package (drafts only, on the server's side).
   *
   * @param pkg The package, with its `packageId`.
   * @returns The saved package.
   * @throws {TypeError} When `packageId` is missing; nothing is sent.
   */
  async update(pkg: SoftwarePackage): Promise<SoftwarePackage> {
    const body = checkInput(SoftwarePackageSchema, pkg, "software.update");
    const id = requireText(body.packageId, "the package's packageId", "software.update");
    const data = await this.#transport.send({
      method: "PUT",
      path: "/api/Software/Package/{id}",
      params: { id },
      json: body,
      operation: "software.update",
    });
    return parseResponse(SoftwarePackageSchema, data, "software.update");
  }

  /**
   * Deletes a package.
   *
   * @param packageId The package id.
   * @returns Whether the server deleted it.
   */
  async delete(packageId: string): Promise<boolean> {
    const data = await this.#transport.send({
      method: "DELETE",
      path: "/api/Software/Package/{id}",
      params: { id: requireText(packageId, "a package id", "software.delete") },
      operation: "software.delete",
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * Deletes a package by name.
   *
   * @param name The package name.
   * @param version The version; the server's choice when absent.
   * @returns Whether the server deleted it.
   */
  async deleteByName(name: string, version?: number): Promise<boolean> {
    const data = await this.#transport.send({
      method: "DELETE",
      path: "/api/Software/PackageByName",
      query: { name: requireText(name, "a package name", "software.deleteByName"), version },
      operation: "software.deleteByName",
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * Moves a package to another status.
   *
   * @param packageId The package id.
   * @param status The wanted status.
   * @returns Whether the server made the move.
   * @throws {ConflictError} (or another {@linkcode WatsError}) when the lifecycle forbids it.
   */
  async setStatus(packageId: string, status: PackageStatus): Promise<boolean> {
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/Software/PackageStatus/{id}",
      params: { id: requireText(packageId, "a package id", "software.setStatus") },
      query: { status },
      operation: "software.setStatus",
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * Draft → Pending.
   *
   * @param packageId The package id.
   * @returns Whether the server made the move.
   */
  submitForReview(packageId: string): Promise<boolean> {
    return this.setStatus(packageId, "Pending");
  }

  /**
   * Pending → Draft.
   *
   * @param packageId The package id.
   * @returns Whether the server made the move.
   */
  returnToDraft(packageId: string): Promise<boolean> {
    return this.setStatus(packageId, "Draft");
  }

  /**
   * Pending → Released.
   *
   * @param packageId The package id.
   * @returns Whether the server made the move.
   */
  release(packageId: string): Promise<boolean> {
    return this.setStatus(packageId, "Released");
  }

  /**
   * Released → Revoked.
   *
   * @param packageId The package id.
   * @returns Whether the server made the move.
   */
  revoke(packageId: string): Promise<boolean> {
    return this.setStatus(packageId, "Revoked");
  }

  /**
   * The files of a package.
   *
   * @param packageId The package id.
   * @returns The files.
   */
  async files(packageId: string): Promise<PackageFile[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/PackageFiles/{id}",
      params: { id: requireText(packageId, "a package id", "software.files") },
      operation: "software.files",
    }, { allowEmpty: true });
    return parseResponse(PackageFileListSchema, data ?? [], "software.files");
  }

  /**
   * Uploads files into a draft package as one zip; its folders become the files' paths.
   *
   * @param packageId The package id.
   * @param zip The zip archive.
   * @param options `cleanInstall` and cancellation.
   * @returns Whether the server took the files.
   */
  async uploadZip(
    packageId: string,
    zip: Uint8Array,
    options: UploadZipOptions = {},
  ): Promise<boolean> {
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/Software/Package/UploadZip/{id}",
      params: { id: requireText(packageId, "a package id", "software.uploadZip") },
      query: { cleanInstall: options.cleanInstall ?? false },
      body: zip,
      contentType: "application/zip",
      idempotent: true,
      operation: "software.uploadZip",
      signal: options.signal,
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * Sets the attributes of a package file.
   *
   * @param fileId The file id.
   * @param attributes The attributes, e.g. `ReadOnly`.
   * @returns Whether the server saved them.
   */
  async setFileAttributes(fileId: string, attributes: string): Promise<boolean> {
    const data = await this.#transport.send({
      method: "POST",
      path: "/api/Software/Package/FileAttribute/{fileId}",
      params: { fileId: requireText(fileId, "a file id", "software.setFileAttributes") },
      json: { attributes },
      idempotent: true,
      operation: "software.setFileAttributes",
    }, { allowEmpty: true });
    return isSuccess(data);
  }

  /**
   * The content of a package file (internal route).
   *
   * @param fileId The file id.
   * @returns The bytes, or `null` in lenient mode when there is no such file.
   */
  downloadFile(fileId: string): Promise<Found<Uint8Array, M>> {
    return this.#transport.send<Uint8Array>({
      method: "GET",
      path: "/api/internal/Software/File/{id}",
      params: { id: requireText(fileId, "a file id", "software.downloadFile") },
      internal: true,
      responseType: "bytes",
      operation: "software.downloadFile",
    }) as Promise<Found<Uint8Array, M>>;
  }

  /**
   * The virtual folders packages are organised in.
   *
   * @returns The folders.
   */
  async virtualFolders(): Promise<VirtualFolder[]> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/Software/VirtualFolders",
      operation: "software.virtualFolders",
    }, { allowEmpty: true });
    return parseResponse(VirtualFolderListSchema, data ?? [], "software.virtualFolders");
  }

  /**
   * Whether the software distribution module answers (internal route).
   *
   * @returns `true` when it does.
   */
  async isConnected(): Promise<boolean> {
    const data = await this.#transport.send({
      method: "GET",
      path: "/api/internal/Software/isConnected",
      internal: true,
      operation: "software.isConnected",
    }, { allowEmpty: true });
    return data === true || data === "true";
  }
}
