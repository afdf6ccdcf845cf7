import assert from "node:assert/strict";
import { toHex } from "../../util/hex.ts";

Deno.test("toHex writes two lowercase digits a byte, leading zeros kept", () => {
  assert.equal(toHex(new Uint8Array([0, 1, 0x0f, 0x10, 0xab, 0xff])), "00010f10abff");
  assert.equal(toHex(new Uint8Array()), "");
});
