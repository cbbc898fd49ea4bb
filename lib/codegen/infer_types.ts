/**
 * Response types from real samples with quicktype: all samples of one tool are fed to quicktype
 * together, so it infers ONE type that fits every sample (fields missing from some samples
 * become optional, differing types become unions).
 *
 * @module
 */
import { InputData, jsonInputForTargetLanguage, quicktype } from "quicktype-core";
import type { JsonSchema } from "./json_schema.ts";

/** Inference switched off on purpose: JSON gives strings, not `Date`s; a few samples do not
 * make an enum; numeric-looking strings stay strings. */
const INFERENCE = {
  inferMaps: true,
  inferEnums: false,
  inferDateTimes: false,
  inferUuids: false,
  inferBooleanStrings: false,
  inferIntegerStrings: false,
} as const;

/** One tool's samples and the name of the type to infer for them. */
export interface SampleSet {
  /** The exported top-level type name, e.g. `EchoDiscovered`. */
  readonly typeName: string;
  /** Result values, each as returned by the tool caller. */
  readonly samples: readonly unknown[];
}

async function run(lang: "typescript" | "schema", sets: readonly SampleSet[]): Promise<string> {
  const input = jsonInputForTargetLanguage(lang);
  for (const set of sets) {
    await input.addSource({
      name: set.typeName,
      samples: set.samples.map((sample) => JSON.stringify(sample ?? null)),
    });
  }
  const data = new InputData();
  data.addInput(input);
  const result = await quicktype({
    inputData: data,
    lang,
    ...INFERENCE,
    rendererOptions: lang === "typescript" ? { "just-types": "true", "prefer-unions": "true" } : {},
  });
  return result.lines.join("\n");
}

/**
 * TypeScript declarations for every set (one quicktype run, so shared nested shapes are declared
 * once) and, per set, a JSON Schema of the inferred type (for drift checks).
 *
 * @example
 * ```ts
 * import { inferTypes } from "./infer_types.ts";
 * const { typescript } = await inferTypes([{ typeName: "Sum", samples: [{ n: 1 }, { n: 2.5 }] }]);
 * console.assert(typescript.includes("export interface Sum"));
 * ```
 */
export async function inferTypes(
  sets: readonly SampleSet[],
): Promise<{ typescript: string; schemas: Record<string, JsonSchema> }> {
  const usable = sets.filter((set) => set.samples.length > 0);
  if (usable.length === 0) return { typescript: "", schemas: {} };
  // quicktype declares primitive top-level types without `export` (`type X = string;`).
  let typescript = (await run("typescript", usable)).replace(/^type /gm, "export type ")
    .trimEnd() + "\n";
  const schemas: Record<string, JsonSchema> = {};
  for (const set of usable) {
    schemas[set.typeName] = JSON.parse(await run("schema", [set])) as JsonSchema;
  }
  // quicktype declares structurally identical top-level types once, under one of the names;
  // alias the others to it so that every tool's type name exists.
  const declared = (name: string) =>
    new RegExp(`^export (interface|type|enum) ${name}\\b`, "m").test(typescript);
  const shape = (name: string) =>
    JSON.stringify(schemas[name]).replaceAll(`"${name}"`, '"<top>"').replaceAll(
      `/${name}"`,
      '/<top>"',
    );
  for (const set of usable) {
    if (declared(set.typeName)) continue;
    const twin = usable.find((o) =>
      declared(o.typeName) && shape(o.typeName) === shape(set.typeName)
    );
    typescript += `\nexport type ${set.typeName} = ${twin?.typeName ?? "unknown"};\n`;
  }
  return { typescript, schemas };
}
