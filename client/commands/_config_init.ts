/**
 * `wats config init`: writes a new configuration file from flags, asking for what is missing when
 * standard input is a terminal (never otherwise: a script gets exit 2 naming the flag). The file
 * names its JSON Schema in `$schema`, holds no token, and is checked as the service would load it
 * before it is written.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { exists, writeFileDurable } from "../_fs.ts";
import { defaultStationName } from "../config/_sources.ts";
import { loadConfig } from "../config/config.ts";
import { CONFIG_SCHEMA_URL } from "../config/json_schema.ts";
import { ConfigError } from "../errors.ts";
import { EXIT_CODES } from "../exit_codes.ts";
import { CommandError, type CommonOptions, configFileFrom, instanceFrom } from "./_context.ts";
import type { CliIo } from "./_io.ts";

/** The flags of `wats config init`. */
export interface InitOptions extends CommonOptions {
  /** `server.url`; asked for on a terminal, required otherwise. */
  "server-url"?: string;
  /** `station.name`; the host name upper-cased by default. */
  station?: string;
  /** `station.location`. */
  location?: string;
  /** `station.purpose`. */
  purpose?: string;
  /** The drop folders, one `watch` entry each. */
  watch?: string[];
  /** `server.tokenFile`: a file holding the API token, readable by the service account only. */
  "token-file"?: string;
  /** Replace an existing file. */
  force?: boolean;
}

function envOf(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Runs `wats config init`.
 *
 * @param values The parsed flags.
 * @param io Output, and the questions when standard input is a terminal.
 * @returns The exit code.
 */
export async function configInit(values: InitOptions, io: CliIo): Promise<number> {
  const file = resolve(configFileFrom(values));
  if (!values.force && await exists(file)) {
    throw new CommandError(
      `${file} exists; --force replaces it, \`wats config set KEY VALUE\` changes one key`,
      EXIT_CODES.error,
    );
  }
  const { ask } = io;
  function answer(flag: string | undefined, question: string, fallback = ""): string {
    if (flag !== undefined || ask === undefined) return flag ?? fallback;
    return ask(fallback ? `${question} [${fallback}]:` : `${question}:`)?.trim() || fallback;
  }
  const url = answer(values["server-url"], "WATS server URL (https://...)");
  if (!url) {
    throw new CommandError(
      ask ? "No server URL given" : "--server-url is required (standard input is not a terminal)",
      2,
    );
  }
  const name = answer(values.station, "Station name", defaultStationName(envOf));
  const location = answer(values.location, "Location");
  const purpose = answer(values.purpose, "Purpose (ICT, FCT, ...)");
  const watch = values.watch ?? [answer(undefined, "Drop folder to watch (blank: none yet)")];
  const tokenFile = answer(values["token-file"], "Token file (blank: WATS_TOKEN gives the token)");

  // Paths from flags and answers are relative to where the command runs, not to the file.
  const content: Record<string, unknown> = {
    $schema: CONFIG_SCHEMA_URL,
    server: { url, ...tokenFile ? { tokenFile: resolve(tokenFile) } : {} },
    station: { name, location, purpose },
    ...values["data-dir"] ? { dataDir: resolve(values["data-dir"]) } : {},
    watch: watch.filter((path) => path !== "").map((path) => ({ path: resolve(path) })),
  };
  try {
    await loadConfig({ file, content, env: {}, instance: instanceFrom(values) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new CommandError(
      `Not written: ${file} would be invalid:\n  ${error.problems.join("\n  ")}`,
      EXIT_CODES.configInvalid,
    );
  }
  await Deno.mkdir(dirname(file), { recursive: true });
  await writeFileDurable(file, new TextEncoder().encode(JSON.stringify(content, null, 2) + "\n"));
  const instanceArgs = values.instance ? ` --instance ${values.instance}` : "";
  const installArgs = instanceArgs + (values.config ? ` --config ${file}` : "") +
    (values["data-dir"] ? ` --data-dir ${resolve(values["data-dir"])}` : "");
  io.out(
    `Wrote ${file}\n` +
      (tokenFile ? "" : "The service reads the API token from WATS_TOKEN (or from a file named " +
        "in server.tokenFile: wats config set server.tokenFile FILE).\n") +
      `Next: wats doctor${instanceArgs} --config ${file}, then wats service install${installArgs}\n`,
  );
  return EXIT_CODES.ok;
}
