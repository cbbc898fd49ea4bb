/**
 * skills/multi_tool_pipeline.ts
 * List the services that depend on a service, and their instance total, in one line.
 * (Writes a sample dependency graph to the memory server, reads it back, walks it in code,
 * adds up with everything's get-sum, then deletes the graph.)
 *
 * Arguments:
 *   --target NAME      service whose dependents are wanted (default "db")
 *   --namespace NS     prefix of the entity names, so runs do not collide (default "demo")
 *   --keep             keep the entities in memory afterwards (default: delete them)
 *
 * Example: deno task exec skills/multi_tool_pipeline.ts --target cache
 * Output:  {"target":"cache","dependents":["api","web"],"instances":5}
 */
import { z } from "zod";
import { defineSkill } from "../lib/skills/define.ts";

/** The sample system: service -> instances and what it calls. */
const SERVICES: Record<string, { instances: number; dependsOn: string[] }> = {
  web: { instances: 3, dependsOn: ["api"] },
  api: { instances: 2, dependsOn: ["db", "cache"] },
  worker: { instances: 4, dependsOn: ["db", "queue"] },
  db: { instances: 1, dependsOn: [] },
  cache: { instances: 1, dependsOn: [] },
  queue: { instances: 1, dependsOn: [] },
};

interface Graph {
  entities: { name: string; entityType: string; observations: string[] }[];
  relations: { from: string; to: string; relationType: string }[];
}

export default defineSkill({
  args: z.object({
    target: z.string().min(1).default("db").describe("Service whose dependents are wanted"),
    namespace: z.string().regex(/^[\w-]+$/).default("demo").describe(
      "Prefix of the entity names, so that runs do not collide",
    ),
    keep: z.boolean().default(false).describe("Keep the entities in memory afterwards"),
  }),
  servers: ["memory", "everything"],
  async run(args, ctx) {
    const id = (service: string) => `${args.namespace}/${service}`;
    // 1-2. Write the graph (memory server).
    await ctx.callTool("memory", "create_entities", {
      entities: Object.entries(SERVICES).map(([name, s]) => ({
        name: id(name),
        entityType: "service",
        observations: [`instances: ${s.instances}`],
      })),
    });
    await ctx.callTool("memory", "create_relations", {
      relations: Object.entries(SERVICES).flatMap(([name, s]) =>
        s.dependsOn.map((to) => ({ from: id(name), to: id(to), relationType: "depends_on" }))
      ),
    });
    try {
      // 3. Read the whole graph back and keep only what matters, here, in code.
      const graph = (await ctx.callTool("memory", "read_graph", {})).value as Graph;
      const prefix = `${args.namespace}/`;
      const mine = graph.entities.filter((e) => e.name.startsWith(prefix));
      const callers = new Map<string, string[]>();
      for (const r of graph.relations) {
        if (r.relationType !== "depends_on" || !r.to.startsWith(prefix)) continue;
        callers.set(r.to, [...(callers.get(r.to) ?? []), r.from]);
      }
      const dependents = new Set<string>();
      const queue = [id(args.target)];
      while (queue.length > 0) {
        for (const caller of callers.get(queue.shift()!) ?? []) {
          if (dependents.has(caller)) continue;
          dependents.add(caller);
          queue.push(caller);
        }
      }
      const instances = mine
        .filter((e) => dependents.has(e.name))
        .map((e) => Number(e.observations.find((o) => o.startsWith("instances: "))?.slice(11)));
      // 4. Total them with everything's get-sum, one addition per call.
      let total = 0;
      for (const n of instances) {
        const sum = await ctx.callTool("everything", "get-sum", { a: total, b: n });
        total = Number(String(sum.value).match(/is (-?[\d.]+)/)?.[1]);
      }
      const names = [...dependents].map((name) => name.slice(prefix.length)).sort();
      console.log(JSON.stringify({ target: args.target, dependents: names, instances: total }));
    } finally {
      // 5. Leave the memory as we found it, unless asked not to.
      if (!args.keep) {
        await ctx.callTool("memory", "delete_entities", {
          entityNames: Object.keys(SERVICES).map(id),
        });
      }
    }
  },
});
