/**
 * Forwards a child's output stream live, keeping at most `limit` bytes.
 *
 * @module
 */

/** Reads `stream` to its end, passing at most `limit` bytes on; resolves to "was it cut". */
export async function pipeCapped(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  sink: ((chunk: Uint8Array) => void) | undefined,
): Promise<boolean> {
  let kept = 0;
  let truncated = false;
  for await (const chunk of stream) {
    const room = Math.max(0, limit - kept);
    if (chunk.byteLength > room) truncated = true;
    const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    kept += part.byteLength;
    if (part.byteLength > 0) sink?.(part);
  }
  return truncated;
}
