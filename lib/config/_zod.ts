/**
 * Small zod helpers shared by the config schemas: one-line messages and custom issues.
 *
 * @module
 */
import { z } from "zod";
import { describeValue } from "./_describe.ts";

type Ctx = z.core.$RefinementCtx<unknown> | z.core.ParsePayload<unknown>;

/** An error function: `expected <what>, got <value> (<fix>)`. */
export function expected(what: string, fix?: string) {
  return (issue: { input?: unknown }): string =>
    `expected ${what}, got ${describeValue(issue.input)}${fix === undefined ? "" : ` (${fix})`}`;
}

/** Adds a custom issue (relative `path`) to a check or transform context. */
export function pushIssue(
  ctx: Ctx,
  message: string,
  input: unknown,
  path?: PropertyKey[],
  params?: Record<string, unknown>,
): void {
  const issue = {
    code: "custom" as const,
    message,
    input,
    ...(path ? { path } : {}),
    ...(params ? { params } : {}),
  };
  (ctx as { issues: unknown[] }).issues.push(issue);
}

/** A positive number, e.g. of seconds. */
export function positiveNumber(what: string) {
  return z.number({ error: expected(`a positive number of ${what}`) }).positive({
    error: expected(`a positive number of ${what}`),
  });
}
