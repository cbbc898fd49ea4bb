/**
 * The zod schema of the `sandbox` section as written: mcpx's keys, their camelCase aliases and
 * the reference system's `enabled`, `runtime` and `image`.
 *
 * @module
 */
import { z } from "zod";
import { describeValue } from "./_describe.ts";
import { expected, positiveNumber, pushIssue } from "./_zod.ts";
import { DEFAULT_SANDBOX } from "./defaults.ts";
import { hasSizeUnit, parseByteSize } from "./size.ts";
import { TIER_NAMES, tierList } from "../sandbox/registry.ts";

/** Keys of the `sandbox` section (snake_case as in the reference system, plus camelCase). */
export const SANDBOX_KEYS = [
  "tier",
  "enabled",
  "runtime",
  "image",
  "allow_trusted",
  "allowTrusted",
  "require_os_isolation",
  "requireOsIsolation",
  "memory_limit",
  "memoryLimit",
  "cpu_limit",
  "cpuLimit",
  "pids_limit",
  "pidsLimit",
  "timeout",
  "max_timeout",
  "maxTimeout",
  "output_limit",
  "outputLimit",
] as const;

/** Parses a field with a function that returns the value or an error message. */
function custom<T>(parse: (value: unknown) => T | { error: string }) {
  return z.unknown().transform((value, ctx): T => {
    const result = parse(value);
    if (typeof result === "object" && result !== null && "error" in result) {
      pushIssue(ctx, result.error, value);
      return z.NEVER;
    }
    return result as T;
  });
}

const MIN_MEMORY_MB = 6;

function memoryMb(value: unknown): number | { error: string } {
  const fail = {
    error: `expected a size like "512m" or "1g", or a number of MiB, got ${describeValue(value)}`,
  };
  let mb: number;
  if (typeof value === "number" && Number.isFinite(value)) mb = Math.floor(value);
  else if (typeof value === "string" && hasSizeUnit(value)) {
    mb = Math.floor((parseByteSize(value) ?? NaN) / 1024 ** 2);
  } else if (typeof value === "string" && parseByteSize(value) !== undefined) {
    return { error: `${fail.error} (add a unit: "${value.trim()}m")` };
  } else return fail;
  if (!(mb >= MIN_MEMORY_MB)) {
    return {
      error: `must be at least ${MIN_MEMORY_MB}m (podman's minimum), got ${describeValue(value)}`,
    };
  }
  return mb;
}

function outputBytes(value: unknown): number | { error: string } {
  const bytes = typeof value === "number"
    ? value
    : typeof value === "string"
    ? parseByteSize(value)
    : undefined;
  if (bytes === undefined || !Number.isInteger(bytes) || bytes <= 0) {
    return {
      error: `expected a positive number of bytes or a size like "1m", got ${describeValue(value)}`,
    };
  }
  return bytes;
}

function cpus(value: unknown): number | { error: string } {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && value.trim() !== ""
    ? Number(value)
    : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    return {
      error: `expected a positive number of CPUs like 1 or 0.5, got ${describeValue(value)}`,
    };
  }
  return n;
}

/** OCI runtimes `sandbox.runtime` may name for the podman tier (`runsc` is gVisor). */
export const OCI_RUNTIMES = ["runsc", "runc", "crun"] as const;

function runtime(
  value: unknown,
): "podman" | "auto" | typeof OCI_RUNTIMES[number] | { error: string } {
  if (value === "podman" || value === "auto") return value;
  if ((OCI_RUNTIMES as readonly unknown[]).includes(value)) {
    return value as typeof OCI_RUNTIMES[number];
  }
  if (value === "docker") {
    return {
      error:
        '"docker" is not supported; mcpx needs rootless podman (set "runtime": "podman" or remove it)',
    };
  }
  return {
    error: `expected "podman", "auto", or an OCI runtime for podman: "runsc" (gVisor), "runc" ` +
      `or "crun", got ${describeValue(value)}`,
  };
}

const positiveInteger = z.number({ error: expected("a positive integer") })
  .int({ error: expected("a positive integer") })
  .positive({ error: expected("a positive integer") });

/** The `sandbox` section as written. */
export const sandboxSchema = z.object({
  tier: z.enum(TIER_NAMES, {
    error: (issue) => `unknown tier ${JSON.stringify(issue.input)} (use ${tierList()})`,
  }).optional(),
  enabled: z.boolean({ error: expected("true or false") }).optional(),
  runtime: custom(runtime).optional(),
  image: z.string({ error: expected("an image name") }).min(1, {
    error: 'must not be empty (remove "image" to use the locally built root filesystem)',
  }).optional(),
  allow_trusted: z.boolean({ error: expected("true or false") }).optional(),
  allowTrusted: z.boolean({ error: expected("true or false") }).optional(),
  require_os_isolation: z.boolean({ error: expected("true or false") }).optional(),
  requireOsIsolation: z.boolean({ error: expected("true or false") }).optional(),
  memory_limit: custom(memoryMb).optional(),
  memoryLimit: custom(memoryMb).optional(),
  cpu_limit: custom(cpus).optional(),
  cpuLimit: custom(cpus).optional(),
  pids_limit: positiveInteger.optional(),
  pidsLimit: positiveInteger.optional(),
  timeout: positiveNumber("seconds").optional(),
  max_timeout: positiveNumber("seconds").optional(),
  maxTimeout: positiveNumber("seconds").optional(),
  output_limit: custom(outputBytes).optional(),
  outputLimit: custom(outputBytes).optional(),
}, { error: expected("an object", 'write "sandbox": { "tier": "deno" }') })
  .check((ctx) => {
    const pairs = [
      ["allow_trusted", "allowTrusted"],
      ["require_os_isolation", "requireOsIsolation"],
      ["memory_limit", "memoryLimit"],
      ["cpu_limit", "cpuLimit"],
      ["pids_limit", "pidsLimit"],
      ["max_timeout", "maxTimeout"],
      ["output_limit", "outputLimit"],
    ] as const;
    for (const [snake, camel] of pairs) {
      if (ctx.value[snake] !== undefined && ctx.value[camel] !== undefined) {
        pushIssue(ctx, `both "${snake}" and "${camel}" are set (keep one)`, ctx.value, [camel]);
      }
    }
    const max = ctx.value.max_timeout ?? ctx.value.maxTimeout;
    const timeout = ctx.value.timeout;
    if (timeout !== undefined && timeout > (max ?? DEFAULT_SANDBOX.maxTimeoutSeconds)) {
      const limit = max === undefined
        ? `the default max_timeout ${DEFAULT_SANDBOX.maxTimeoutSeconds}`
        : `max_timeout ${max}`;
      pushIssue(
        ctx,
        `${timeout} exceeds ${limit} (lower "timeout" or raise "max_timeout")`,
        timeout,
        ["timeout"],
      );
    }
  });

/** A validated `sandbox` section as written. */
export type SandboxEntry = z.output<typeof sandboxSchema>;
