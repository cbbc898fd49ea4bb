/**
 * Turns a skill's permission requests into concrete Deno permission values in two steps:
 * {@linkcode expandPermissionRequests} replaces `{ fromArg }` references by the argument values
 * (it runs in the permission-less inspection child, next to the parsed arguments), and
 * {@linkcode resolvePermissions} turns those values into hosts and absolute paths, confining
 * argument-derived paths to the workspace (it runs in the harness).
 *
 * @module
 */
import { isAbsolute, relative, resolve } from "node:path";
import { SkillError } from "../errors.ts";
import type { PermissionRequest, SkillPermissions } from "./define.ts";
import { toKebabCase } from "./flags.ts";

/** One requested value; `fromArg` names the argument it came from. */
export interface PermissionValue {
  /** The literal request, or the argument's value. */
  readonly value: string;
  /** The argument the value came from, when it was a `{ fromArg }` reference. */
  readonly fromArg?: string;
}

/** Permission requests with argument references replaced by the arguments' values. */
export interface RequestedPermissions {
  /** Hosts, or URLs taken from arguments. */
  readonly net: readonly PermissionValue[];
  /** Paths to read. */
  readonly read: readonly PermissionValue[];
  /** Paths to write. */
  readonly write: readonly PermissionValue[];
  /** Environment variable names. */
  readonly env: readonly string[];
}

/** Concrete permissions: what the harness turns into `--allow-*` flags. */
export interface ResolvedPermissions {
  /** `host` or `host:port` entries for `--allow-net`. */
  readonly net: readonly string[];
  /** Absolute paths for `--allow-read`. */
  readonly read: readonly string[];
  /** Absolute paths for `--allow-write`. */
  readonly write: readonly string[];
  /** Variable names for `--allow-env`. */
  readonly env: readonly string[];
}

function invalid(message: string): SkillError {
  return new SkillError("SKILL_INVALID", message);
}

function expandList(
  kind: string,
  list: readonly PermissionRequest[] | undefined,
  args: Record<string, unknown>,
  fields: readonly string[],
): PermissionValue[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid(`permissions.${kind} must be an array.`);
  return list.flatMap((entry): PermissionValue[] => {
    if (typeof entry === "string") return [{ value: entry }];
    const field = (entry as { fromArg?: unknown })?.fromArg;
    if (typeof field !== "string" || !fields.includes(field)) {
      throw invalid(
        `permissions.${kind} has ${JSON.stringify(entry)}: entries are strings or ` +
          `{ fromArg: "<argument>" } naming one of: ${fields.join(", ") || "(no arguments)"}.`,
      );
    }
    const value = args[field];
    const values = value === undefined || value === null ? [] : [value].flat();
    return values.map((v) => ({ value: String(v), fromArg: field }));
  });
}

/**
 * Replaces `{ fromArg }` references by the values of those arguments (an array argument gives
 * one entry per element; an absent optional argument gives none). Throws `SkillError`
 * (`SKILL_INVALID`) when a reference names no argument or an entry has the wrong shape.
 */
export function expandPermissionRequests(
  permissions: SkillPermissions | undefined,
  args: Record<string, unknown>,
  fields: readonly string[],
): RequestedPermissions {
  const p = permissions ?? {};
  const env = p.env ?? [];
  if (!Array.isArray(env) || env.some((name) => typeof name !== "string")) {
    throw invalid("permissions.env must be an array of variable names (strings).");
  }
  return {
    net: expandList("net", p.net, args, fields),
    read: expandList("read", p.read, args, fields),
    write: expandList("write", p.write, args, fields),
    env: [...env],
  };
}

/** Options of {@linkcode resolvePermissions}. */
export interface ResolvePermissionsOptions {
  /** Absolute workspace path: relative paths resolve against it; argument paths stay in it. */
  readonly workspace: string;
  /** Extra roots the user widened on the command line, where argument paths may also point. */
  readonly widened?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
}

function netHost(entry: PermissionValue): string {
  if (entry.fromArg === undefined) return entry.value;
  let host = "";
  try {
    host = new URL(entry.value).host;
  } catch {
    // Not a URL; a bare host or host:port is tried below.
  }
  // "b.example:81" parses as a URL with scheme "b.example:" and no host.
  if (host === "" && /^[\w.-]+(:\d+)?$|^\[[\da-fA-F:.]+\](:\d+)?$/.test(entry.value)) {
    host = entry.value;
  }
  if (host === "") {
    throw new SkillError(
      "INVALID_ARGUMENTS",
      `--${toKebabCase(entry.fromArg)}: ${JSON.stringify(entry.value)} is not a URL with a ` +
        `host, so no network access can be derived from it; pass a URL like https://example.com/.`,
    );
  }
  return host;
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function resolvePath(
  kind: "read" | "write",
  entry: PermissionValue,
  options: ResolvePermissionsOptions,
): string {
  const path = resolve(options.workspace, entry.value);
  if (entry.fromArg === undefined) return path;
  const roots = [options.workspace, ...(options.widened?.[kind] ?? [])];
  if (!roots.some((root) => inside(path, resolve(options.workspace, root)))) {
    throw new SkillError(
      "INVALID_ARGUMENTS",
      `--${toKebabCase(entry.fromArg)}: ${JSON.stringify(entry.value)} resolves to ${path}, ` +
        `outside the workspace ${options.workspace}; use a path inside it, or widen with ` +
        `mcpx exec --allow-${kind}=<dir> before the skill path.`,
    );
  }
  return path;
}

/**
 * Resolves requested permissions into hosts and absolute paths. Argument-derived paths must lie
 * inside the workspace or a widened root; otherwise, and for an argument that is not a URL where
 * a host is needed, throws `SkillError` (`INVALID_ARGUMENTS`) naming the flag.
 *
 * @example
 * ```ts
 * import { resolvePermissions } from "./permissions.ts";
 * const resolved = resolvePermissions(
 *   { net: [{ value: "http://127.0.0.1:8080/a", fromArg: "url" }], read: [], write: [], env: [] },
 *   { workspace: "/tmp/ws" },
 * );
 * console.assert(resolved.net[0] === "127.0.0.1:8080");
 * ```
 */
export function resolvePermissions(
  requested: RequestedPermissions,
  options: ResolvePermissionsOptions,
): ResolvedPermissions {
  const unique = (values: string[]) => [...new Set(values)];
  return {
    net: unique(requested.net.map(netHost)),
    read: unique(requested.read.map((entry) => resolvePath("read", entry, options))),
    write: unique(requested.write.map((entry) => resolvePath("write", entry, options))),
    env: unique([...requested.env]),
  };
}
