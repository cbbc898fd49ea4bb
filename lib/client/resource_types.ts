/**
 * The shapes of MCP resources and prompts as mcpx hands them on: what `McpClientManager`, the
 * bridge guest, skills and generated wrappers return from `listResources`, `readResource`,
 * `listPrompts` and `getPrompt`. Kept loose (every field the server sent survives) and free of
 * imports, so the bridge guest can use them inside a sandbox.
 *
 * @module
 */

/** A resource as listed by `resources/list`. */
export interface ResourceInfo {
  /** Its URI, the key for `readResource`. */
  readonly uri: string;
  /** Its name. */
  readonly name: string;
  /** Human-readable title. */
  readonly title?: string;
  /** What it holds. */
  readonly description?: string;
  /** Its MIME type, when known. */
  readonly mimeType?: string;
  /** Its size in bytes, when known. */
  readonly size?: number;
  /** Any other field the server sent. */
  readonly [key: string]: unknown;
}

/** A parameterized resource as listed by `resources/templates/list` (RFC 6570 URI template). */
export interface ResourceTemplateInfo {
  /** The URI template, e.g. `demo://resource/dynamic/text/{resourceId}`. */
  readonly uriTemplate: string;
  /** Its name. */
  readonly name: string;
  /** Human-readable title. */
  readonly title?: string;
  /** What its resources hold. */
  readonly description?: string;
  /** The MIME type of its resources, when uniform. */
  readonly mimeType?: string;
  /** Any other field the server sent. */
  readonly [key: string]: unknown;
}

/** One item of a `resources/read` result: `text`, or `blob` (base64). */
export interface ResourceContents {
  /** The URI of this item (a read may return several). */
  readonly uri: string;
  /** Its MIME type, when known. */
  readonly mimeType?: string;
  /** The content, for text resources. */
  readonly text?: string;
  /** The content as base64, for binary resources. */
  readonly blob?: string;
  /** Any other field the server sent (`_meta` …). */
  readonly [key: string]: unknown;
}

/** The result of `readResource`, as the server sent it. */
export interface ReadResourceResult {
  /** The items read, in order. */
  readonly contents: readonly ResourceContents[];
  /** Any other field the server sent (`_meta` …). */
  readonly [key: string]: unknown;
}

/** One argument of a prompt. */
export interface PromptArgumentInfo {
  /** Its name, the key in `getPrompt`'s arguments. */
  readonly name: string;
  /** What to pass. */
  readonly description?: string;
  /** Whether `getPrompt` fails without it. */
  readonly required?: boolean;
  /** Any other field the server sent. */
  readonly [key: string]: unknown;
}

/** A prompt as listed by `prompts/list`. */
export interface PromptInfo {
  /** Its name, the key for `getPrompt`. */
  readonly name: string;
  /** Human-readable title. */
  readonly title?: string;
  /** What it is for. */
  readonly description?: string;
  /** The arguments it takes. */
  readonly arguments?: readonly PromptArgumentInfo[];
  /** Any other field the server sent. */
  readonly [key: string]: unknown;
}

/** One message of a prompt: a role and one content item (text, image, audio, resource …). */
export interface PromptMessage {
  /** `user` or `assistant`. */
  readonly role: string;
  /** The content item, exactly as sent. */
  readonly content: { readonly type: string } & Readonly<Record<string, unknown>>;
}

/** The result of `getPrompt`, as the server sent it. */
export interface GetPromptResult {
  /** What the prompt is for, when the server says. */
  readonly description?: string;
  /** The messages, in order. */
  readonly messages: readonly PromptMessage[];
  /** Any other field the server sent (`_meta` …). */
  readonly [key: string]: unknown;
}

/** Options of one resource or prompt request. */
export interface RequestOptions {
  /** Give up after this many milliseconds. @default the server's `timeoutMs` from the config */
  timeoutMs?: number;
  /** Abort the request. */
  signal?: AbortSignal;
}

/** Anything that can read MCP resources: the client manager, the bridge guest. */
export interface ResourceReader {
  /** Lists the resources of `server` (every page). */
  listResources(server: string): Promise<readonly ResourceInfo[]>;
  /** Reads the resource at `uri` from `server`. */
  readResource(server: string, uri: string, options?: RequestOptions): Promise<ReadResourceResult>;
}
