/**
 * The private and local networks the fast tier denies by default, as `--deny-net` entries.
 *
 * What Deno 2.9 enforces (verified by `tests/sandbox/fast_network_test.ts`): IPv4 CIDR entries
 * (`10.0.0.0/8`) and IPv6 addresses in brackets (`[::1]`); the check runs on the address a
 * hostname resolves to, before any packet is sent, so `localhost` and IPv4-mapped IPv6 forms
 * (`[::ffff:127.0.0.1]`) are refused too. IPv6 *ranges* cannot be written (`[fc00::]/7` is a
 * parse error), so IPv6 unique-local (fc00::/7) and link-local (fe80::/10) addresses are not
 * denied; `docs/exec.md` says so.
 *
 * @module
 */

/** One denied range and why. */
export interface DeniedRange {
  /** The `--deny-net` entry: an IPv4 CIDR or a bracketed IPv6 address. */
  readonly entry: string;
  /** What the range is. */
  readonly description: string;
}

/** The ranges denied unless the user allows an address in them with `--allow-net`. */
export const PRIVATE_NETWORKS: readonly DeniedRange[] = [
  { entry: "0.0.0.0/8", description: "this host (0.0.0.0)" },
  { entry: "10.0.0.0/8", description: "RFC 1918 private" },
  { entry: "100.64.0.0/10", description: "carrier-grade NAT" },
  { entry: "127.0.0.0/8", description: "IPv4 loopback" },
  { entry: "169.254.0.0/16", description: "link-local, incl. cloud metadata 169.254.169.254" },
  { entry: "172.16.0.0/12", description: "RFC 1918 private" },
  { entry: "192.168.0.0/16", description: "RFC 1918 private" },
  { entry: "[::1]", description: "IPv6 loopback" },
  { entry: "[::]", description: "IPv6 unspecified" },
];

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function parseIpv6(text: string): number[] | undefined {
  let body = text;
  const groups: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  let tail: number[] = [];
  if (v4) {
    const value = parseIpv4(v4[1]!);
    if (value === undefined) return undefined;
    tail = [Math.floor(value / 65536), value % 65536];
    body = body.slice(0, -v4[1]!.length);
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => part === "" ? [] : part.split(":").map((g) => parseInt(g, 16));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  groups.push(...head, ...Array<number>(missing).fill(0), ...rest, ...tail);
  return groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff) ? undefined : groups;
}

/**
 * Says which private or local network an IP literal (`10.1.2.3`, `[fd00::1]`, `::1`) belongs
 * to, or `undefined` for a public address or a hostname. Covers what `--deny-net` cannot
 * express: IPv6 unique-local and link-local ranges and IPv4-mapped IPv6 forms.
 *
 * @example
 * ```ts
 * import { privateRangeOf } from "./net_deny.ts";
 * console.assert(privateRangeOf("[::ffff:127.0.0.1]") === "IPv4 loopback");
 * console.assert(privateRangeOf("example.com") === undefined);
 * ```
 */
export function privateRangeOf(host: string): string | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return ipv4Range(v4);
  if (!bare.includes(":")) return undefined;
  const v6 = parseIpv6(bare.split("%")[0]!);
  if (v6 === undefined) return undefined;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = v6 as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && (g5 === 0xffff || g5 === 0) && (g6 !== 0 || g5 === 0xffff)) {
    // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms.
    return ipv4Range(g6 * 65536 + g7) ?? (g5 === 0 ? "IPv4-compatible IPv6" : undefined);
  }
  if (zeroPrefix && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) {
    return g7 === 1 ? "IPv6 loopback" : "IPv6 unspecified";
  }
  if ((g0 & 0xfe00) === 0xfc00) return "IPv6 unique-local (fc00::/7)";
  if ((g0 & 0xffc0) === 0xfe80) return "IPv6 link-local (fe80::/10)";
  if (g0 === 0x64 && g1 === 0xff9b) return ipv4Range(g6 * 65536 + g7); // NAT64
  return undefined;
}

function ipv4Range(value: number): string | undefined {
  for (const { entry, description } of PRIVATE_NETWORKS) {
    if (entry.startsWith("[")) continue;
    const [baseText, prefixText] = entry.split("/") as [string, string];
    const base = parseIpv4(baseText)!;
    if (value >= base && value < base + 2 ** (32 - Number(prefixText))) return description;
  }
  return undefined;
}

/** Splits `host[:port]` (IPv6 in brackets) into its host part. */
export function hostOf(entry: string): string {
  if (entry.startsWith("[")) {
    const end = entry.indexOf("]");
    return end === -1 ? entry : entry.slice(0, end + 1);
  }
  const colon = entry.lastIndexOf(":");
  return colon === -1 ? entry : entry.slice(0, colon);
}

/**
 * The CIDR blocks covering `base/prefix` except the single address `hole`: one block per bit
 * below the prefix (24 entries for a hole in a /8).
 */
function splitAround(prefix: number, hole: number): string[] {
  const blocks: string[] = [];
  for (let bits = prefix + 1; bits <= 32; bits++) {
    const size = 2 ** (32 - bits);
    const index = Math.floor(hole / size);
    // The other half of the parent block that holds the hole.
    const sibling = (index % 2 === 0 ? index + 1 : index - 1) * size;
    blocks.push(`${formatIpv4(sibling)}/${bits}`);
  }
  return blocks;
}

/**
 * The `--deny-net` entries for a run, given the hosts the user allowed explicitly on the command
 * line. An allowed IPv4 literal inside a denied range punches a hole for that one address (the
 * range is split around it, because Deno lets a deny entry win over any allow entry);
 * `localhost` counts as `127.0.0.1` and `[::1]`. Hostnames that merely resolve into a range get
 * no hole: allow the address itself.
 *
 * @example
 * ```ts
 * import { deriveNetDeny } from "./net_deny.ts";
 * const deny = deriveNetDeny(["127.0.0.1:8080"]);
 * console.assert(!deny.includes("127.0.0.0/8") && deny.includes("10.0.0.0/8"));
 * ```
 */
export function deriveNetDeny(explicitAllow: readonly string[]): string[] {
  const holes = new Set<string>();
  for (const entry of explicitAllow) {
    const host = hostOf(entry).toLowerCase();
    if (host === "localhost") {
      holes.add("127.0.0.1");
      holes.add("[::1]");
    } else {
      holes.add(host);
    }
  }
  const deny: string[] = [];
  for (const { entry } of PRIVATE_NETWORKS) {
    if (entry.startsWith("[")) {
      if (!holes.has(entry)) deny.push(entry);
      continue;
    }
    const [baseText, prefixText] = entry.split("/") as [string, string];
    const base = parseIpv4(baseText)!;
    const prefix = Number(prefixText);
    const size = 2 ** (32 - prefix);
    const inside = [...holes]
      .map(parseIpv4)
      .filter((ip): ip is number => ip !== undefined && ip >= base && ip < base + size)
      .sort((a, b) => a - b);
    if (inside.length === 0) {
      deny.push(entry);
      continue;
    }
    let blocks = [entry];
    for (const hole of inside) {
      blocks = blocks.flatMap((block) => {
        const [b, p] = block.split("/") as [string, string];
        const blockBase = parseIpv4(b)!;
        const bits = Number(p);
        const blockSize = 2 ** (32 - bits);
        if (hole < blockBase || hole >= blockBase + blockSize) return [block];
        return bits === 32 ? [] : splitAround(bits, hole);
      });
    }
    deny.push(...blocks);
  }
  return deny;
}
