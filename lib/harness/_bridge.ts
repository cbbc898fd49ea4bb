/**
 * The harness's view of the bridge host (`lib/bridge/`), loaded on demand. Kept behind this
 * small interface so the harness reads the same whichever way the bridge part exports it.
 *
 * @module
 */
import type { ToolCaller } from "../client/types.ts";
import { McpxError } from "../errors.ts";

/** One open bridge for one run. */
export interface OpenBridge {
  /** Absolute path of the Unix socket the guest connects to. */
  readonly socketPath: string;
  /** The private (0700) directory holding the socket. */
  readonly dir: string;
  /** What the skill called, in order (the bridge's audit records). */
  readonly calls: readonly unknown[];
  /** Stops listening, ends connections and removes `dir`. */
  close(): Promise<void>;
}

interface BridgeHostModule {
  startBridgeHost(
    caller: ToolCaller,
    options: { allowedServers: readonly string[] },
  ): Promise<OpenBridge>;
}

/** The host module's URL; the guest module sits beside it. */
export const BRIDGE_HOST_URL: URL = new URL("../bridge/host.ts", import.meta.url);
/** The guest module the bootstrap installs inside the sandbox. */
export const BRIDGE_GUEST_URL: URL = new URL("../bridge/guest.ts", import.meta.url);

/** Opens a bridge that lets the skill reach `allowedServers` through `caller`. */
export async function openBridge(
  caller: ToolCaller,
  allowedServers: readonly string[],
): Promise<OpenBridge> {
  let module: BridgeHostModule;
  try {
    module = await import(BRIDGE_HOST_URL.href) as BridgeHostModule;
  } catch (cause) {
    throw new McpxError(
      "BRIDGE_ERROR",
      `Cannot load the bridge host (${BRIDGE_HOST_URL.pathname}); reinstall mcpx.`,
      { cause },
    );
  }
  return await module.startBridgeHost(caller, { allowedServers });
}
