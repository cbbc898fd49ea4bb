/**
 * The JSON Schema shape codegen reads and writes.
 *
 * @module
 */

/** A JSON Schema as servers send it (draft 7 / 2019-09 / 2020-12, loosely): a boolean schema
 * or an object of keywords. */
export type JsonSchema = boolean | { readonly [key: string]: unknown };
