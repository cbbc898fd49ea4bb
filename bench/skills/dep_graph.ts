/**
 * bench/skills/dep_graph.ts
 * Build the sample service graph in the memory server and list what depends on a service.
 * (Creates 23 services and their calls as entities and relations, reads the graph back, walks it
 * in code, deletes the entities, prints one line.)
 *
 * Arguments:
 *   --target NAME     service whose direct and indirect dependents are wanted (default orders_db)
 *   --namespace NS    prefix of the entity names, so runs do not collide (default bench)
 *
 * Example: deno task exec bench/skills/dep_graph.ts --target orders_db
 * Output:  {"target":"orders_db","dependents":["gateway",…],"count":12,"instances":42}
 */
import { z } from "zod";
import { defineSkill } from "../../lib/skills/define.ts";
import { dependentsOf, SERVICES } from "./_task_data.ts";

export default defineSkill({
  args: z.object({
    target: z.string().default("orders_db").describe("Service whose dependents are wanted"),
    namespace: z.string().regex(/^[\w-]+$/).default("bench").describe("Prefix of entity names"),
  }),
  servers: ["memory"],
  async run(args, ctx) {
    const id = (s: string) => `${args.namespace}/${s}`;
    const names = Object.keys(SERVICES);
    await ctx.callTool("memory", "create_entities", {
      entities: names.map((name) => ({
        name: id(name),
        entityType: "service",
        observations: [`instances: ${SERVICES[name]!.instances}`],
      })),
    });
    await ctx.callTool("memory", "create_relations", {
      relations: names.flatMap((from) =>
        SERVICES[from]!.dependsOn.map((to) => ({
          from: id(from),
          to: id(to),
          relationType: "calls",
        }))
      ),
    });
    const graph = (await ctx.callTool("memory", "read_graph", {})).value as {
      entities: { name: string; observations: string[] }[];
      relations: { from: string; to: string }[];
    };
    const prefix = `${args.namespace}/`;
    const mine = graph.relations.filter((r) => r.from.startsWith(prefix))
      .map((r) => ({ from: r.from.slice(prefix.length), to: r.to.slice(prefix.length) }));
    const dependents = dependentsOf(args.target, mine);
    const instances = graph.entities.filter((e) => dependents.includes(e.name.slice(prefix.length)))
      .reduce((sum, e) => sum + Number(e.observations[0]?.split(": ")[1] ?? 0), 0);
    await ctx.callTool("memory", "delete_entities", { entityNames: names.map(id) });
    console.log(
      JSON.stringify({ target: args.target, dependents, count: dependents.length, instances }),
    );
  },
});
