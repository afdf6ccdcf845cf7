/**
 * `/api/Production/SerialNumbers` routes with real state: the types, allocation (`Take`, answered
 * in XML as WATS does; a number is never handed out twice), and the look-ups of taken numbers by
 * range and by the unit they were taken for. Numbers imported into a pool (`serial_admin.ts`) are
 * handed out first, in order.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { EmulatorContext, EmulatorEnv } from "../_context.ts";
import { EmulatorHttpError, jsonResponse, queryInt, queryParam, requireParam } from "../_http.ts";
import { escapeXmlAttribute } from "../../util/xml_text.ts";
import type { Rec } from "../_records.ts";

type C = Context<EmulatorEnv>;

/** The serial-number types the emulator allocates from. */
export const SERIAL_TYPES: readonly Rec[] = [
  {
    name: "SerialNumber",
    description: "Sequential serial numbers",
    format: "SN{0:000000}",
    regEx: "^SN\\d{6}$",
    identifier: 0,
    identifierName: "SerialNumber",
  },
  {
    name: "MAC",
    description: "MAC addresses",
    format: "00-1B-44-XX-XX-XX",
    regEx: "^([0-9A-F]{2}-){5}[0-9A-F]{2}$",
    identifier: 1,
    identifierName: "MACAddress",
  },
];

/** The serial-number type of a name (any case); 404 when there is none. */
export function typeOf(name: string): Rec {
  const type = SERIAL_TYPES.find((t) => String(t.name).toLowerCase() === name.toLowerCase());
  if (!type) throw new EmulatorHttpError(404, `Serial number type '${name}' was not found`);
  return type;
}

function format(type: Rec, n: number): string {
  if (type.identifier === 1) {
    const bytes = [16, 8, 0].map((shift) =>
      ((n >> shift) & 0xff).toString(16).padStart(2, "0").toUpperCase()
    );
    return `00-1B-44-${bytes.join("-")}`;
  }
  return `SN${String(n).padStart(6, "0")}`;
}

async function take(c: C, ctx: EmulatorContext): Promise<Response> {
  const type = typeOf(requireParam(c, "serialNumberType"));
  const quantity = queryInt(c, "quantity", { min: 1, max: 10_000 }) ?? 1;
  const taken: string[] = [];
  // Imported numbers that are still free go first, in order; then new ones are made.
  const free = (await recordsOf(ctx, String(type.name))).filter((r) => r.state === "Free");
  for (let i = 0; i < quantity; i++) {
    let serialNumber: string;
    let sequence: number | null = null;
    const imported = free.shift();
    if (imported) serialNumber = String(imported.serialNumber);
    else {
      do {
        sequence = await ctx.entities.next(`serial:${type.name}`);
        serialNumber = format(type, sequence);
      } while (await ctx.entities.get("serialNumber", `${type.name}\u0000${serialNumber}`));
    }
    taken.push(serialNumber);
    await ctx.entities.put("serialNumber", `${type.name}\u0000${serialNumber}`, {
      ...imported,
      serialNumber,
      typeName: type.name,
      sequence: imported?.sequence ?? sequence,
      state: "Taken",
      referenceSerialNumber: queryParam(c, "refSN") ?? null,
      referencePartNumber: queryParam(c, "refPN") ?? null,
      stationName: queryParam(c, "stationName") ?? null,
      takenUtc: new Date(ctx.now()).toISOString(),
    });
  }
  const xml = `<SerialNumbers>${
    taken.map((sn) => `<SN id="${escapeXmlAttribute(sn)}"/>`).join("")
  }</SerialNumbers>`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
}

/** The records of a type, in serial-number order. */
export async function recordsOf(ctx: EmulatorContext, typeName: string): Promise<Rec[]> {
  const type = typeOf(typeName);
  return (await ctx.entities.list<Rec>("serialNumber"))
    .filter((r) => r.typeName === type.name)
    .map((r): Rec => ({ state: "Taken", ...r })) // records taken before pools had states
    .sort((a, b) => String(a.serialNumber).localeCompare(String(b.serialNumber)));
}

/** Register the serial-number routes. */
export function serialNumberRoutes(app: Hono<EmulatorEnv>, ctx: EmulatorContext): void {
  app.get("/api/Production/SerialNumbers/Types", () => jsonResponse(SERIAL_TYPES));
  app.post("/api/Production/SerialNumbers/Take", (c) => take(c, ctx));
  app.get("/api/Production/SerialNumbers/ByRange", async (c) => {
    const from = requireParam(c, "from").toUpperCase();
    const to = requireParam(c, "to").toUpperCase();
    const records = await recordsOf(ctx, requireParam(c, "typeName"));
    return jsonResponse(records.filter((r) => {
      const sn = String(r.serialNumber).toUpperCase();
      return sn >= from && sn <= to;
    }));
  });
  app.get("/api/Production/SerialNumbers/ByReference", async (c) => {
    const sn = queryParam(c, "referenceSerialNumber")?.toLowerCase();
    const pn = queryParam(c, "referencePartNumber")?.toLowerCase();
    if (!sn && !pn) {
      throw new EmulatorHttpError(
        400,
        "Give 'referenceSerialNumber' or 'referencePartNumber'",
      );
    }
    const records = await recordsOf(ctx, requireParam(c, "typeName"));
    return jsonResponse(
      records.filter((r) =>
        (!sn || String(r.referenceSerialNumber ?? "").toLowerCase() === sn) &&
        (!pn || String(r.referencePartNumber ?? "").toLowerCase() === pn)
      ),
    );
  });
}
