/**
 * Internal `/api/internal/Process` routes (PascalCase JSON): the detailed process rows with their
 * ids, and the repair-operation configurations with fail-code categories. Process ids are derived
 * from the code, so they are stable across restarts. `BomConstraint` and `ImageConstraint` are
 * text, as WATS answers them (pyWATS reads them as text or null and drops a configuration that
 * holds a number).
 *
 * @module
 */
import type { Hono } from "hono";
import type { EmulatorContext, EmulatorEnv, ProcessInfo } from "../_context.ts";
import { EmulatorHttpError, jsonResponse, queryInt } from "../_http.ts";
import type { Rec } from "../_records.ts";

/** The stable id of a process code. */
export function processId(code: number): string {
  return `00000000-0000-4000-8000-${code.toString(16).padStart(12, "0")}`;
}

function detail(process: ProcessInfo): Rec {
  return {
    Code: process.code,
    Name: process.name,
    Description: process.description,
    ProcessID: processId(process.code),
    ProcessIndex: process.processIndex,
    State: process.state,
    Properties: null,
    IsTestOperation: process.isTestOperation,
    IsRepairOperation: process.isRepairOperation,
    IsWIPOperation: process.isWipOperation,
  };
}

function failCode(guid: string, description: string, children: Rec[] = []): Rec {
  return {
    GUID: guid,
    Description: description,
    Selectable: true,
    SortOrder: 0,
    FailureType: 0,
    ImageConstraint: "0",
    Status: 1,
    Failcodes: children,
  };
}

/** The configuration every repair operation of the emulator has. */
function repairConfig(process: ProcessInfo): Rec {
  const id = (n: number) =>
    `${processId(process.code).slice(0, -4)}${n.toString(16).padStart(4, "0")}`;
  return {
    Description: process.description,
    UUTRequired: 1,
    CompRefMask: "^[A-Z]+\\d+$",
    CompRefMaskDescription: "A letter prefix and a number, e.g. R12",
    BomConstraint: "0",
    BOMRequired: 1,
    VendorRequired: 2,
    Categories: [
      {
        ...failCode(id(0x100), "Solder"),
        Selectable: false,
        Failcodes: [failCode(id(0x101), "Bridge"), failCode(id(0x102), "Open joint")],
      },
      {
        ...failCode(id(0x200), "Component"),
        Selectable: false,
        Failcodes: [
          failCode(id(0x201), "Missing"),
          failCode(id(0x202), "Damaged", [failCode(id(0x203), "Cracked")]),
        ],
      },
    ],
    MiscInfos: [],
  };
}

function byId(ctx: EmulatorContext, id: string): ProcessInfo {
  const found = ctx.processes.find((p) => processId(p.code) === id.toLowerCase());
  if (!found) throw new EmulatorHttpError(404, `Process '${id}' was not found`);
  return found;
}

/** Register the internal process routes. */
export function processRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/internal/Process/GetProcesses", () => jsonResponse(ctx.processes.map(detail)));
  app.get(
    "/api/internal/Process/GetProcess/:id",
    (c) => jsonResponse(detail(byId(ctx, c.req.param("id")))),
  );
  app.get("/api/internal/Process/GetRepairOperations", () =>
    jsonResponse(Object.fromEntries(
      ctx.processes.filter((p) => p.isRepairOperation).map((
        p,
      ) => [String(p.code), repairConfig(p)]),
    )));
  app.get("/api/internal/Process/GetRepairOperation/:id", (c) => {
    const process = byId(ctx, c.req.param("id"));
    const code = queryInt(c, "processCode");
    if (!process.isRepairOperation || (code !== undefined && code !== process.code)) {
      throw new EmulatorHttpError(404, `Repair operation '${c.req.param("id")}' was not found`);
    }
    return jsonResponse(repairConfig(process));
  });
}
