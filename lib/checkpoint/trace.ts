/**
 * OpenTelemetry traces of runs and tool calls, exported over OTLP/HTTP (JSON). Off unless
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set or the config's
 * `telemetry.enabled` is true; the `@opentelemetry/*` packages are imported only then, so a run
 * without tracing loads none of them.
 *
 * @module
 */
import type { TelemetryConfig } from "../config/policy_schema.ts";

/** Span attribute values mcpx sets. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** One open span. */
export interface TraceSpan {
  /** Starts a child span (a tool call under its run). */
  child(name: string, attributes: SpanAttributes): TraceSpan;
  /** Adds attributes. */
  set(attributes: SpanAttributes): void;
  /** Ends the span; `error` marks its status as an error. */
  end(error?: string): void;
}

/** Starts run spans and flushes them. */
export interface RunTracer {
  /** Starts a root span. */
  start(name: string, attributes: SpanAttributes): TraceSpan;
  /** Exports every ended span; resolves when the receiver answered (or failed). */
  flush(): Promise<void>;
}

/** Where spans go, or `undefined` when tracing is off. */
export function tracesEndpoint(
  telemetry: TelemetryConfig | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (telemetry?.enabled === false) return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base) return `${base.replace(/\/+$/, "")}/v1/traces`;
  if (telemetry?.endpoint !== undefined) return telemetry.endpoint;
  return telemetry?.enabled === true ? "http://localhost:4318/v1/traces" : undefined;
}

const tracers = new Map<string, Promise<RunTracer>>();

/**
 * The tracer for `endpoint`, made once per process (the OpenTelemetry packages load here).
 *
 * @example
 * ```ts ignore
 * import { loadTracer } from "./trace.ts";
 * const tracer = await loadTracer("http://127.0.0.1:4318/v1/traces", "mcpx");
 * tracer.start("mcpx.run", { "mcpx.run_id": "r1" }).end();
 * await tracer.flush();
 * ```
 */
export function loadTracer(endpoint: string, serviceName: string): Promise<RunTracer> {
  let tracer = tracers.get(endpoint);
  if (tracer === undefined) {
    tracer = makeTracer(endpoint, serviceName);
    tracers.set(endpoint, tracer);
  }
  return tracer;
}

async function makeTracer(url: string, serviceName: string): Promise<RunTracer> {
  const [api, sdk, otlp, resources, semconv] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  // A collector that is down must not hold every run's end for the default 10 s.
  const exporter = new otlp.OTLPTraceExporter({ url, timeoutMillis: 3000 });
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("mcpx");
  type Otel = ReturnType<typeof tracer.startSpan>;
  const wrap = (span: Otel): TraceSpan => ({
    child(name, attributes) {
      const parent = api.trace.setSpan(api.ROOT_CONTEXT, span);
      return wrap(tracer.startSpan(name, { attributes }, parent));
    },
    set(attributes) {
      span.setAttributes(attributes);
    },
    end(error) {
      if (error !== undefined) span.setStatus({ code: api.SpanStatusCode.ERROR, message: error });
      span.end();
    },
  });
  return {
    start: (name, attributes) => wrap(tracer.startSpan(name, { attributes }, api.ROOT_CONTEXT)),
    flush: () => provider.forceFlush(),
  };
}
