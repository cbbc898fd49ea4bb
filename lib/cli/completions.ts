/**
 * `mcpx completions bash|zsh|fish`: a shell completion script derived from the command registry
 * (command names, summaries and each command's options), so a new command completes without
 * touching this file.
 *
 * @module
 */
import { join } from "node:path";
import {
  type Command,
  commandFlags,
  COMMON_HELP,
  defineCommand,
  type FirstArgument,
  loadCommandConfig,
} from "./command.ts";
import { UsageError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";
import { listSkills } from "../skills/catalog.ts";

/** The shells a script can be written for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** One registry entry as `cli.ts` keeps it: a summary and a lazy loader. */
export interface RegistryEntry {
  /** One line for `mcpx --help`. */
  readonly summary: string;
  /** Loads the command module. */
  load(): Promise<Command>;
}

/** A command's name, summary and long options, as the scripts need them. */
interface Completion {
  readonly name: string;
  readonly summary: string;
  readonly flags: string[];
  readonly firstArgument: FirstArgument | undefined;
}

/** The shell asks `mcpx completions --list server|skill` for names (of the config in use). */
const LISTS: readonly FirstArgument[] = ["server", "skill"];

function listCall(kind: FirstArgument): string {
  return `mcpx completions --list ${kind} 2>/dev/null`;
}

const HELP = `mcpx completions: print a shell completion script

Usage:
  mcpx completions bash|zsh|fish
  mcpx completions --list server|skill   the names the scripts complete (one per line)

Install:
  bash   mcpx completions bash > ~/.local/share/bash-completion/completions/mcpx
  zsh    mcpx completions zsh > "\${fpath[1]}/_mcpx"   (then restart zsh)
  fish   mcpx completions fish > ~/.config/fish/completions/mcpx.fish

Completes command names, each command's options, "mcpx help <command>", and server or skill
names where a command takes one (mcpx tools <server>, mcpx skills <name>).
${COMMON_HELP}`;

function bash(commands: readonly Completion[]): string {
  const cases = commands.map((c) => {
    const names = c.firstArgument === undefined ? "" : ` first="$(${listCall(c.firstArgument)})"`;
    return `    ${c.name}) opts="${c.flags.join(" ")}";${names} ;;`;
  }).join("\n");
  return `# bash completion for mcpx (mcpx completions bash)
_mcpx() {
  local cur cmd opts first i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  first=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      --config) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" || "$cmd" == help ]]; then
    if [[ "$cur" == -* ]]; then opts="--config --verbose --json --help --version"
    else opts="help ${commands.map((c) => c.name).join(" ")}"; fi
  else
    case "$cmd" in
${cases}
    esac
    if [[ "$cur" != -* && -n "$first" && "\${COMP_WORDS[COMP_CWORD-1]}" == "$cmd" ]]; then
      COMPREPLY=($(compgen -W "$first" -- "$cur")); return
    fi
    [[ "$cur" == -* ]] || { COMPREPLY=($(compgen -f -- "$cur")); return; }
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _mcpx mcpx
`;
}

function quoteSingle(text: string): string {
  return text.replaceAll("'", "'\\''");
}

function zsh(commands: readonly Completion[]): string {
  const described = commands.map((c) =>
    `    '${c.name}:${quoteSingle(c.summary.replaceAll(":", "\\:"))}'`
  );
  const cases = commands.map((c) => {
    const first = c.firstArgument === undefined
      ? ""
      : ` '1:${c.firstArgument}:(\$(${listCall(c.firstArgument)}))'`;
    return `    ${c.name}) _arguments ${
      c.flags.map((f) => `'${f}'`).join(" ")
    }${first} '*:file:_files' ;;`;
  });
  return `#compdef mcpx
# zsh completion for mcpx (mcpx completions zsh)
_mcpx() {
  local -a commands
  commands=(
${described.join("\n")}
    'help:show help for a command'
  )
  local cmd i
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      --config) ((i++)) ;;
      -*) ;;
      *) cmd="\${words[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    if [[ "$PREFIX" == -* ]]; then compadd -- --config --verbose --json --help --version
    else _describe command commands; fi
    return
  fi
  # From here on the command is words[1], as _arguments expects.
  (( CURRENT -= i - 1 ))
  shift $(( i - 1 )) words
  case "$cmd" in
    help) _describe command commands ;;
${cases.join("\n")}
  esac
}
# Autoloaded from $fpath (the file is the function) or sourced (then register it).
if [ "$funcstack[1]" = "_mcpx" ]; then
  _mcpx "$@"
else
  compdef _mcpx mcpx
fi
`;
}

function fish(commands: readonly Completion[]): string {
  const names = commands.map((c) => c.name).join(" ");
  const lines = [
    "# fish completion for mcpx (mcpx completions fish)",
    "complete -c mcpx -f",
    `complete -c mcpx -n "not __fish_seen_subcommand_from ${names} help" -a help -d "show help for a command"`,
    `complete -c mcpx -n "__fish_seen_subcommand_from help" -a "${names}"`,
    ...["config", "verbose", "json", "help", "version"].map((f) => `complete -c mcpx -l ${f}`),
    // Paths after exec (the skill or script) and for --config.
    'complete -c mcpx -n "__fish_seen_subcommand_from exec" -F',
    "complete -c mcpx -l config -F",
  ];
  for (const c of commands) {
    if (c.firstArgument !== undefined) {
      lines.push(
        `complete -c mcpx -n "__fish_seen_subcommand_from ${c.name}" -a "(${
          listCall(c.firstArgument)
        })"`,
      );
    }
    lines.push(
      `complete -c mcpx -n "not __fish_seen_subcommand_from ${names} help" -a ${c.name} -d '${
        quoteSingle(c.summary)
      }'`,
    );
    for (const flag of c.flags) {
      lines.push(`complete -c mcpx -n "__fish_seen_subcommand_from ${c.name}" -l ${flag.slice(2)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const RENDER = { bash, zsh, fish } as const;

/** The `completions` command over `registry` (the `COMMANDS` map of `cli.ts`). */
export function completionsCommand(registry: Readonly<Record<string, RegistryEntry>>): Command {
  return defineCommand({
    name: "completions",
    summary: "print a shell completion script: mcpx completions bash|zsh|fish",
    help: HELP,
    options: { list: { type: "string" } },
    maxPositionals: 1,
    async run({ values, positionals }, io) {
      if (values.list !== undefined) return await printNames(values.list, values, io);
      const [shell] = positionals;
      if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
        const what = shell === undefined
          ? "name a shell."
          : `unknown shell "${shell}".${didYouMean(shell, SHELLS)}`;
        throw new UsageError(`mcpx completions: ${what} Use one of ${SHELLS.join(", ")}.`);
      }
      const commands: Completion[] = [];
      for (const [name, entry] of Object.entries(registry)) {
        const command = name === "completions" ? undefined : await entry.load();
        commands.push({
          name,
          summary: entry.summary,
          flags: command === undefined ? ["--list"] : commandFlags(command),
          firstArgument: command?.firstArgument,
        });
      }
      io.out(RENDER[shell as keyof typeof RENDER](commands));
      return 0;
    },
  });
}

/** `mcpx completions --list server|skill`: the names, one per line, from the config in use. */
async function printNames(
  kind: string,
  values: { config?: string | undefined },
  io: Parameters<Command["run"]>[1],
): Promise<number> {
  if (!(LISTS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `mcpx completions: --list takes ${LISTS.join(" or ")}, got "${kind}".` +
        `${didYouMean(kind, LISTS)}`,
    );
  }
  const config = await loadCommandConfig(values, io);
  const names = kind === "server"
    ? Object.values(config.servers).filter((s) => !s.disabled).map((s) => s.name)
    : (await listSkills(join(config.root, "skills"))).map((s) => s.name);
  io.out(names.map((name) => `${name}\n`).join(""));
  return 0;
}
