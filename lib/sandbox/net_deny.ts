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
