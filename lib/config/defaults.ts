/**
 * Default values applied when `mcp_config.json` leaves a setting out.
 *
 * @module
 */
import type { SandboxConfig } from "./types.ts";

/** Per-call timeout of a server entry without `timeout`, in seconds. */
export const DEFAULT_SERVER_TIMEOUT_SECONDS = 60;

/** The `sandbox` section when the file has none (or leaves keys out). */
export const DEFAULT_SANDBOX: SandboxConfig = {
  tier: "deno",
  allowTrusted: false,
  image: undefined,
  ociRuntime: undefined,
  requireOsIsolation: false,
  memoryMb: 512,
  cpus: 1,
  pidsLimit: 64,
  timeoutSeconds: 60,
  maxTimeoutSeconds: 600,
  outputLimitBytes: 1024 * 1024,
};

/** The file name looked for in the current directory and the user config dir. */
export const CONFIG_FILE_NAME = "mcp_config.json";
