/**
 * What every attack uses: run one boundary-crossing action and print one line saying whether
 * it was refused, with the error's class, message and cause (fetch wraps the permission error).
 *
 * @module
 */

/** Prints `REFUSED <name>: <message> [cause: <message>]` or `ALLOWED <value>`. */
export async function attempt(action: () => unknown): Promise<void> {
  try {
    const value = await action();
    console.log(`ALLOWED ${String(value).slice(0, 200)}`);
  } catch (error) {
    const e = error as Error;
    const cause = e.cause instanceof Error ? ` [cause: ${e.cause.message}]` : "";
    console.log(`REFUSED ${e.name}: ${e.message.split("\n")[0]}${cause}`);
  }
}
