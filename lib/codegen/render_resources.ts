/**
 * Renders `servers/<server>/resources.ts`: typed helpers for one server's MCP resources
 * (`listResources()`, `readResource(uri)`, `readResourceText(uri)`) and the resources listed at
 * generation time as a constant with a union type of their URIs. Written only for servers that
 * list resources; not re-exported from `index.ts`, so a tool named `read_resource` cannot clash.
 *
 * @module
 */
import type { ResourceInfo } from "../client/resource_types.ts";
import { GENERATED_HEADER } from "./render_tool.ts";
import { jsdocText, literal } from "./_schema.ts";

/** The resource fields kept in generated files and `resources.json`, sorted by URI (the first
 * of several entries with one URI wins). */
export function resourceSnapshot(resources: readonly ResourceInfo[]): ResourceInfo[] {
  const byUri = new Map<string, ResourceInfo>();
  for (const r of resources) if (!byUri.has(r.uri)) byUri.set(r.uri, r);
  return [...byUri.values()]
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))
    .map((r) => ({
      uri: r.uri,
      name: r.name,
      ...(typeof r.mimeType === "string" ? { mimeType: r.mimeType } : {}),
      ...(typeof r.description === "string" ? { description: r.description } : {}),
    }));
}

/** The source of `resources.ts` for `server`, whose resources were listed as `resources`. */
export function renderResourcesFile(server: string, resources: readonly ResourceInfo[]): string {
  const listed = resourceSnapshot(resources);
  const entries = listed.map((r) => {
    const doc = r.description === undefined
      ? ""
      : `  /** ${jsdocText(r.description).replace(/\n/g, " ")} */\n`;
    const fields = [
      `uri: ${literal(r.uri)}`,
      `name: ${literal(r.name)}`,
      ...(r.mimeType === undefined ? [] : [`mimeType: ${literal(r.mimeType)}`]),
    ];
    return `${doc}  { ${fields.join(", ")} },\n`;
  }).join("");
  const name = JSON.stringify(server);
  return `${GENERATED_HEADER}
/**
 * The resources of MCP server \`${jsdocText(server)}\`: list them, read one by URI. URIs listed
 * when the wrappers were generated are in {@linkcode RESOURCES}; the server may accept others
 * (resource templates), so \`readResource\` takes any string.
 *
 * @module
 */
import {
  type CallOptions,
  listResources as listServerResources,
  type ReadResourceResult,
  readResource as readServerResource,
  type ResourceListing,
} from "../_runtime.ts";

/** The resources listed when the wrappers were generated. */
export const RESOURCES = [
${entries}] as const;

/** A resource URI listed when the wrappers were generated. */
export type ResourceUri = typeof RESOURCES[number]["uri"];

/** Lists the resources of \`${jsdocText(server)}\` as the server lists them now. */
export function listResources(): Promise<readonly ResourceListing[]> {
  return listServerResources(${name});
}

/** Reads one resource of \`${
    jsdocText(server)
  }\`: every content item (text, or base64 \`blob\`). */
export function readResource(
  uri: ResourceUri | (string & Record<never, never>),
  options?: CallOptions,
): Promise<ReadResourceResult> {
  return readServerResource(${name}, uri, options);
}

/** Reads one resource of \`${jsdocText(server)}\` and returns its text (text items joined);
 * rejects when it is binary. */
export async function readResourceText(
  uri: ResourceUri | (string & Record<never, never>),
  options?: CallOptions,
): Promise<string> {
  const result = await readServerResource(${name}, uri, options);
  const texts = result.contents.map((item) => item.text);
  if (texts.some((text) => typeof text !== "string")) {
    throw new TypeError(
      \`Resource "\${uri}" is binary; use readResource() and decode contents[i].blob (base64).\`,
    );
  }
  return texts.join("");
}
`;
}
