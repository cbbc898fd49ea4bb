/**
 * Builds the grant of a battery run the way the harness would: the workspace readable and
 * writable, plus what a test widens. Shared by the fast and strict battery runners.
 *
 * @module
 */
import { type Grant, makeGrant, type RunLimits } from "../../lib/sandbox/grant.ts";
import { parseNetGrant } from "../../lib/sandbox/permissions.ts";
import { ROOT } from "../helpers/paths.ts";

/** What a battery run may widen beyond the workspace. */
export interface GrantRequest {
  /** Hosts (`host[:port]`) the skill declared. */
  net?: string[];
  /** Hosts the user granted explicitly (`--allow-net`); may repeat entries of `net`. */
  explicitNet?: string[];
  /** Extra readable paths. */
  read?: string[];
  /** Extra writable paths. */
  write?: string[];
  /** Environment variable names. */
  env?: string[];
  /** Extra code roots (read-only mounts, not readable through Deno). */
  code?: string[];
}

/** The grant of a battery run in `workspace`; the repository is its code root. */
export function batteryGrant(
  workspace: string,
  request: GrantRequest,
  limits: Partial<RunLimits>,
): Grant {
  const explicit = request.explicitNet ?? [];
  const declared = (request.net ?? []).filter((entry) => !explicit.includes(entry));
  return makeGrant({
    code: [ROOT, ...(request.code ?? [])],
    read: [workspace, ...(request.read ?? [])],
    write: [workspace, ...(request.write ?? [])],
    net: [
      ...declared.map((entry) => parseNetGrant(entry, false)),
      ...explicit.map((entry) => parseNetGrant(entry, true)),
    ],
    env: request.env ?? [],
    limits,
  });
}
