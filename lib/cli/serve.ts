/**
 * `mcpx serve`: mcpx itself as an MCP server, over stdio (default) or streamable HTTP (`--http`).
 *
 * @module
 */
import type { Command } from "./command.ts";
import { COMMON_HELP, defineCommand, loadCommandConfig } from "./command.ts";
import { UsageError } from "../errors.ts";
import { createDefaultBackend } from "../serve/default_backend.ts";
import { serveHttp } from "../serve/http.ts";
import { serveStdio } from "../serve/stdio.ts";
import { keepTokenizerLoaded } from "../tokens/tokenizer.ts";
import { Readable, Writable } from "node:stream";
import type { PooledIo } from "../client/pooled.ts";

const HELP = `mcpx serve: serve mcpx itself as an MCP server

Usage: mcpx serve [--http [--port N] [--host ADDR] [--token T]] [options]

Tools: list_servers, search_tools, list_skills, get_skill, run_skill, execute_code.
Without --http, speaks MCP over stdin/stdout (for Claude Desktop, Claude Code, IDEs).

Options:
  --http              serve streamable HTTP instead of stdio
  --port N            HTTP port (default 7821; 0 picks a free one)
  --host ADDR         HTTP bind address (default 127.0.0.1; anything else exposes code execution)
  --token T           require "Authorization: Bearer T" on every HTTP request
                      (default: $MCPX_SERVE_TOKEN when set)
  --allowed-host H:P  also accept this Host header (repeatable; e.g. behind a proxy)
${COMMON_HELP}`;

/** The `serve` command. */
export const command: Command = defineCommand({
  name: "serve",
  summary: "serve mcpx itself as an MCP server (stdio, or --http)",
  help: HELP,
  options: {
    http: { type: "boolean" },
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    "allowed-host": { type: "string", multiple: true },
  },
  maxPositionals: 0,
  async run({ values }, io) {
    const http = values.http === true;
    if (!http && (values.port ?? values.host ?? values.token) !== undefined) {
      throw new UsageError("mcpx serve: --port, --host and --token need --http.");
    }
    const port = values.port === undefined ? 7821 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`mcpx serve: --port must be a number 0-65535, got "${values.port}".`);
    }
    const config = await loadCommandConfig(values, io);
    // daemon wiring: inside `mcpx daemon`, the servers are the daemon's warm ones.
    const pooled = (io as PooledIo).pool?.managerFor(config);
    const backend = createDefaultBackend(config, {
      env: { ...io.env },
      ...(pooled === undefined ? {} : { manager: pooled }),
    });
    // A long-lived server counts every run's tokens: load the tokenizer once, here.
    keepTokenizerLoaded().catch(() => {});
    try {
      if (!http) {
        io.err(`mcpx serve: MCP over stdio (config: ${config.path ?? "none"})\n`);
        const stdin = (io as PooledIo).stdin;
        await serveStdio(backend, {
          signal: io.signal,
          // Forwarded by the thin client: requests come in frames, responses go out as its output.
          ...(stdin === undefined ? {} : {
            input: Readable.fromWeb(stdin as import("node:stream/web").ReadableStream),
            output: new Writable({
              write(chunk, _encoding, done) {
                io.out(String(chunk));
                done();
              },
            }),
          }),
        });
        return 0;
      }
      const host = values.host ?? "127.0.0.1";
      const token = values.token ?? (io.env.MCPX_SERVE_TOKEN || undefined);
      if (token === undefined && !["127.0.0.1", "localhost", "::1"].includes(host)) {
        io.err(`warning: serving on ${host} without --token lets anyone reach code execution\n`);
      }
      const handle = await serveHttp(backend, {
        host,
        port,
        ...(token === undefined ? {} : { token }),
        allowedHosts: values["allowed-host"] ?? [],
        signal: io.signal,
      });
      io.err(
        `mcpx serve: listening on ${handle.url.href}${token ? " (bearer token required)" : ""}\n`,
      );
      await handle.finished;
      return 0;
    } finally {
      await backend.close();
    }
  },
});
