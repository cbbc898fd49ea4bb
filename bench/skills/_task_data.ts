/**
 * The inputs of the task benchmark (bench/tasks.ts), generated deterministically: a service
 * graph, a folder of notes, and 50 customer records. Shared by the skills and the replayed
 * agent transcript so both see the same data.
 *
 * @module
 */

/** The services of task 1: name → instances and what it calls. */
export const SERVICES: Record<string, { instances: number; dependsOn: string[] }> = {
  web: { instances: 6, dependsOn: ["gateway"] },
  mobile_api: { instances: 4, dependsOn: ["gateway"] },
  gateway: { instances: 3, dependsOn: ["auth", "orders", "catalog", "search"] },
  auth: { instances: 2, dependsOn: ["users_db", "cache"] },
  orders: { instances: 4, dependsOn: ["orders_db", "payments", "queue"] },
  payments: { instances: 2, dependsOn: ["orders_db", "fraud"] },
  fraud: { instances: 1, dependsOn: ["ml_scoring", "cache"] },
  ml_scoring: { instances: 2, dependsOn: ["feature_store"] },
  feature_store: { instances: 1, dependsOn: ["warehouse"] },
  catalog: { instances: 3, dependsOn: ["catalog_db", "cache", "images"] },
  search: { instances: 3, dependsOn: ["search_index", "catalog"] },
  search_index: { instances: 2, dependsOn: ["catalog_db"] },
  images: { instances: 2, dependsOn: ["blob_store"] },
  worker: { instances: 5, dependsOn: ["queue", "orders_db", "mailer"] },
  mailer: { instances: 1, dependsOn: ["queue"] },
  reporting: { instances: 1, dependsOn: ["warehouse"] },
  warehouse: { instances: 1, dependsOn: ["orders_db"] },
  users_db: { instances: 1, dependsOn: [] },
  orders_db: { instances: 1, dependsOn: [] },
  catalog_db: { instances: 1, dependsOn: [] },
  cache: { instances: 3, dependsOn: [] },
  queue: { instances: 2, dependsOn: [] },
  blob_store: { instances: 1, dependsOn: [] },
};

/** Services that depend on `target`, directly or not, sorted. */
export function dependentsOf(
  target: string,
  relations: readonly { from: string; to: string }[],
): string[] {
  const found = new Set<string>();
  const queue = [target];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const r of relations) {
      if (r.to === current && !found.has(r.from)) {
        found.add(r.from);
        queue.push(r.from);
      }
    }
  }
  return [...found].sort();
}

const TOPICS = ["timeout", "retry", "cache", "deploy", "schema", "billing", "latency", "backup"];
const WORDS = ("the service team agreed to review the runbook after the incident and to measure " +
  "every dependency before the next release while keeping the old path for one more week").split(
    " ",
  );

/** The notes of task 2: file name → text (12 files, 25 lines each). */
export function notes(): Record<string, string> {
  const files: Record<string, string> = {};
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let f = 0; f < 12; f++) {
    const lines = [`# Notes ${f + 1}: ${TOPICS[f % TOPICS.length]}`, ""];
    for (let l = 0; l < 25; l++) {
      const words = Array.from({ length: 12 }, () => WORDS[Math.floor(next() * WORDS.length)]);
      if (next() < 0.25) words.splice(4, 0, TOPICS[Math.floor(next() * TOPICS.length)]!);
      lines.push(`${words.join(" ")}.`);
    }
    files[`notes_${String(f + 1).padStart(2, "0")}.md`] = lines.join("\n") + "\n";
  }
  return files;
}

/** One customer of task 3. */
export interface Customer {
  id: number;
  name: string;
  country: string;
  born: number;
  orders: number;
  spent: string;
}

/** The 50 customers of task 3. */
export function customers(): Customer[] {
  const first = ["ann", "bo", "carla", "dmitri", "eve", "farah", "gus", "hana", "ivan", "jules"];
  const last = ["LEE", "CHEN", "GARCIA", "IVANOV", "SMITH", "KHAN", "BERG", "SATO", "NOVAK"];
  const countries = ["DE", "FR", "US", "JP", "BR", "IN"];
  return Array.from({ length: 50 }, (_, i) => ({
    id: 1000 + i,
    name: `  ${first[i % first.length]} ${last[(i * 7) % last.length]} `,
    country: countries[(i * 5) % countries.length]!,
    born: 1950 + ((i * 13) % 55),
    orders: (i * 17) % 23,
    spent: `${((i * 7919) % 100000) / 100}`,
  }));
}

/** Task 3's transform of one record. */
export function transform(c: Customer) {
  const name = c.name.trim().split(/\s+/).map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join(" ");
  const age = 2026 - c.born;
  return {
    id: c.id,
    name,
    country: c.country,
    ageGroup: age < 30 ? "<30" : age < 50 ? "30-49" : age < 65 ? "50-64" : "65+",
    orders: c.orders,
    spentCents: Math.round(Number(c.spent) * 100),
  };
}
