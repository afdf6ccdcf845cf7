/**
 * Component reference designators to the component kind, for grouping in-circuit test steps
 * into sequences (`R101` → "Resistors", `U7_VCC` → "ICs"). The longest matching letter prefix
 * wins (`RN3` is a resistor network, not a resistor).
 *
 * @module
 */

const KINDS: ReadonlyMap<string, string> = new Map([
  ["R", "Resistors"],
  ["RN", "Resistor networks"],
  ["RP", "Resistor packs"],
  ["RA", "Resistor arrays"],
  ["RT", "Thermistors"],
  ["RV", "Varistors"],
  ["VR", "Variable resistors"],
  ["POT", "Potentiometers"],
  ["C", "Capacitors"],
  ["CP", "Capacitors"],
  ["EC", "Electrolytic capacitors"],
  ["VC", "Variable capacitors"],
  ["L", "Inductors"],
  ["FB", "Ferrite beads"],
  ["FL", "Filters"],
  ["T", "Transformers"],
  ["TR", "Transformers"],
  ["D", "Diodes"],
  ["CR", "Diodes"],
  ["LED", "LEDs"],
  ["DS", "Displays and lamps"],
  ["Z", "Zener diodes"],
  ["ZD", "Zener diodes"],
  ["TVS", "TVS diodes"],
  ["Q", "Transistors"],
  ["QN", "Transistors"],
  ["QP", "Transistors"],
  ["FET", "FETs"],
  ["U", "ICs"],
  ["IC", "ICs"],
  ["N", "ICs"],
  ["AR", "Amplifiers"],
  ["VU", "Voltage regulators"],
  ["VREG", "Voltage regulators"],
  ["PS", "Power supplies"],
  ["OSC", "Oscillators"],
  ["X", "Crystals and oscillators"],
  ["XTAL", "Crystals and oscillators"],
  ["Y", "Crystals and oscillators"],
  ["G", "Generators"],
  ["K", "Relays"],
  ["RL", "Relays"],
  ["RLY", "Relays"],
  ["S", "Switches"],
  ["SW", "Switches"],
  ["F", "Fuses"],
  ["FU", "Fuses"],
  ["PTC", "Resettable fuses"],
  ["J", "Connectors"],
  ["P", "Connectors"],
  ["CN", "Connectors"],
  ["CON", "Connectors"],
  ["JP", "Jumpers"],
  ["JMP", "Jumpers"],
  ["W", "Wires and jumpers"],
  ["TP", "Test points"],
  ["B", "Batteries"],
  ["BT", "Batteries"],
  ["BAT", "Batteries"],
  ["BZ", "Buzzers"],
  ["LS", "Speakers"],
  ["SP", "Speakers"],
  ["MK", "Microphones"],
  ["M", "Motors"],
  ["H", "Hardware"],
  ["MH", "Mounting holes"],
  ["E", "Miscellaneous"],
  ["A", "Assemblies"],
  ["HS", "Heat sinks"],
  ["OK", "Optocouplers"],
  ["OC", "Optocouplers"],
  ["ISO", "Isolators"],
  ["V", "Tubes and voltages"],
]);

/**
 * The component kind of a reference designator.
 *
 * @param ref E.g. `R101`, `u7_vcc`, `RN3`.
 * @returns The kind ("Resistors"), or `"Other"` when the prefix is unknown.
 */
export function componentKind(ref: string): string {
  const start = ref.length - ref.trimStart().length;
  let end = start;
  while (end < ref.length && end - start < 8) {
    const c = ref.charCodeAt(end) | 0x20;
    if (c < 97 || c > 122) break;
    end++;
  }
  const letters = ref.slice(start, end).toUpperCase();
  let kind = SEEN.get(letters);
  if (kind === undefined) {
    kind = "Other";
    for (let n = letters.length; n > 0; n--) {
      const found = KINDS.get(letters.slice(0, n));
      if (found !== undefined) {
        kind = found;
        break;
      }
    }
    if (SEEN.size < 1000) SEEN.set(letters, kind);
  }
  return kind;
}

/** Kinds already looked up, by prefix letters. */
const SEEN = new Map<string, string>();
