/**
 * The resolved shape of `mcp_config.json` after validation, defaults and `${env:VAR}`
 * interpolation. Everything downstream (client, sandbox, codegen) reads these types, never the
 * raw JSON.
 *
 * @module
 */
import type { ServeConfig } from "./serve_schema.ts";
import type { DaemonConfig } from "./daemon_schema.ts";
import type { GovernanceConfig } from "./policy_schema.ts";
import type { PrivacyConfig } from "./privacy_schema.ts";

export type { DaemonConfig, PrivacyConfig, ServeConfig };

import type { Tier } from "../sandbox/registry.ts";

/** How result field names are rewritten for one server (see `lib/codegen/normalize.ts`). */
export type NormalizeStrategy =
  | "none"
  | "camelCase"
  | "pascal-prefix"
  | { readonly map: Readonly<Record<string, string>> };

/** Fields every server entry has. */
export interface ServerConfigBase {
  /** The key in `mcpServers`. */
  readonly name: string;
  /** `true` when the entry has `"disabled": true`; calls to it fail with `SERVER_DISABLED`. */
  readonly disabled: boolean;
  /** Per-call timeout in milliseconds for this server. */
  readonly timeoutMs: number;
  /** Field normalization applied to results. */
  readonly normalize: NormalizeStrategy;
  /** In the daemon: idle seconds after which the connection is closed (`keepAlive`); absent =
   * kept while the daemon lives. */
  readonly keepAliveSeconds?: number;
  /** In the daemon: tool calls to this server run one at a time (`serialize: true`). */
  readonly serialize?: boolean;
  /**
   * Set when the entry cannot be used as written (an unset `${VAR}`, a VS Code input without a
   * value, a missing `envFile`): the one-line reason, which every use of the server fails with.
   * The other servers of the file are unaffected.
   */
  readonly unavailable?: string;
}

/** A server started as a child process speaking MCP over stdin/stdout. */
export interface StdioServerConfig extends ServerConfigBase {
  /** Always `stdio`. */
  readonly type: "stdio";
  /** The program to start (looked up on PATH). */
  readonly command: string;
  /** Its arguments, after `${env:VAR}` interpolation. */
  readonly args: readonly string[];
  /** Extra environment for the child, on top of a minimal inherited set. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory (relative entries resolve against the config file's folder). */
  readonly cwd: string;
}

/** OAuth 2.1 settings of an HTTP server (`"oauth": {…}`, or `"auth": "oauth"` for all defaults). */
export interface OAuthSettings {
  /** A pre-registered client; `undefined` means dynamic client registration. */
  readonly clientId: string | undefined;
  /** The pre-registered client's secret (a confidential client). */
  readonly clientSecret: string | undefined;
  /** Scopes to request; `undefined` lets the server's metadata decide. */
  readonly scopes: readonly string[] | undefined;
  /** Fixed loopback port for the redirect (`undefined`: an ephemeral port). */
  readonly redirectPort: number | undefined;
}

/** A server reached over HTTP. */
export interface HttpServerConfig extends ServerConfigBase {
  /** `http` is streamable HTTP; `sse` is the deprecated HTTP+SSE transport. */
  readonly type: "http" | "sse";
  /** The endpoint, after interpolation. */
  readonly url: string;
  /** Extra request headers (e.g. `Authorization`), after interpolation. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * `true` when the entry gave a `url` but no `type`: try streamable HTTP first, then fall back
   * to SSE as the MCP specification's backwards-compatibility section describes.
   */
  readonly fallbackToSse: boolean;
  /** OAuth settings when the entry asks for OAuth (see docs/auth.md). */
  readonly oauth?: OAuthSettings;
}

/** One entry of `mcpServers`. */
export type ServerConfig = StdioServerConfig | HttpServerConfig;

/** The sandbox tiers: the one list is `lib/sandbox/registry.ts`. */
export type { Tier };

/** Sandbox defaults and limits from the `sandbox` section. */
export interface SandboxConfig {
  /** Tier used when `--tier` is not given. */
  readonly tier: Tier;
  /** Whether `trusted` may be requested by `mcpx serve` clients. The CLI may always ask. */
  readonly allowTrusted: boolean;
  /** Container image for the podman tier; `undefined` means the locally built root filesystem. */
  readonly image: string | undefined;
  /** `sandbox.runtime` naming an OCI runtime for the podman tier (`runsc`: gVisor); the only
   * one tried. `undefined` (absent, `"podman"` or `"auto"`): the first of crun, runc that works. */
  readonly ociRuntime: "runsc" | "runc" | "crun" | undefined;
  /** Refuse fast-tier runs where the second wall (bubblewrap) cannot be built, instead of running
   * on Deno's permissions alone. */
  readonly requireOsIsolation: boolean;
  /** Memory limit in MiB (podman `--memory`, V8 heap cap in the deno tier). */
  readonly memoryMb: number;
  /** CPU limit (podman `--cpus`). */
  readonly cpus: number;
  /** Process limit (podman `--pids-limit`). */
  readonly pidsLimit: number;
  /** Default wall-clock timeout of a skill run, in seconds. */
  readonly timeoutSeconds: number;
  /** Largest timeout `--timeout` may ask for, in seconds. */
  readonly maxTimeoutSeconds: number;
  /** Bytes of stdout (and, separately, stderr) kept before output is cut. */
  readonly outputLimitBytes: number;
}

/** A loaded, validated configuration. */
export interface McpxConfig {
  /** Absolute path of the file used, or `undefined` when none was found (empty defaults). */
  readonly path: string | undefined;
  /** The format of that file (`mcpx`, `cursor`, `vscode` …); absent when none was found. */
  readonly format?: string;
  /** Project root: the config file's folder, else the current directory. */
  readonly root: string;
  /** Servers by name, in file order. */
  readonly servers: Readonly<Record<string, ServerConfig>>;
  /** The `sandbox` section with defaults applied. */
  readonly sandbox: SandboxConfig;
  /** The `serve` section with defaults applied; absent when built without a file (then serve
   * uses the sandbox's tier, no extra hosts and no default servers). */
  readonly serve?: ServeConfig;
  /** The `daemon` section with defaults applied; absent when built without a file. */
  readonly daemon?: DaemonConfig;
  /** Clients whose configs are read live (`"imports"`), in order. */
  readonly imports?: readonly string[];
  /** Where each server came from when not from `path` (servers of `imports`), by name. */
  readonly origins?: Readonly<Record<string, string>>;
  /** Tool policies, audit and telemetry (`lib/config/policy_schema.ts`); absent when built
   * without a file (then every tool is allowed and the audit log uses its defaults). */
  readonly governance?: GovernanceConfig;
  /** The `privacy` section with defaults applied; absent means off. */
  readonly privacy?: PrivacyConfig;
  /** Non-fatal findings (unknown keys …), one line each, already prefixed with file and path. */
  readonly warnings: readonly string[];
}
