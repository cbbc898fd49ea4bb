/**
 * `mcpx completions bash|zsh|fish`: a shell completion script derived from the command registry
 * (command names, summaries and each command's options), so a new command completes without
 * touching this file.
 *
 * @module
 */
import { type Command, commandFlags, COMMON_HELP, defineCommand } from "./command.ts";
import { UsageError } from "../errors.ts";
import { didYouMean } from "../client/_suggest.ts";

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
}

const HELP = `mcpx completions: print a shell completion script

Usage:
  mcpx completions bash|zsh|fish

Install:
  bash   mcpx completions bash > ~/.local/share/bash-completion/completions/mcpx
  zsh    mcpx completions zsh > "\${fpath[1]}/_mcpx"   (then restart zsh)
  fish   mcpx completions fish > ~/.config/fish/completions/mcpx.fish

Completes command names, each command's options, and "mcpx help <command>".
${COMMON_HELP}`;

function bash(commands: readonly Completion[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${c.flags.join(" ")}" ;;`).join("\n");
  return `# bash completion for mcpx (mcpx completions bash)
_mcpx() {
  local cur cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
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
  const cases = commands.map((c) =>
    `    ${c.name}) _arguments ${c.flags.map((f) => `'${f}'`).join(" ")} '*:file:_files' ;;`
  );
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
    options: {},
    maxPositionals: 1,
    async run({ positionals }, io) {
      const [shell] = positionals;
      if (shell === undefined || !(SHELLS as readonly string[]).includes(shell)) {
        const what = shell === undefined
          ? "name a shell."
          : `unknown shell "${shell}".${didYouMean(shell, SHELLS)}`;
        throw new UsageError(`mcpx completions: ${what} Use one of ${SHELLS.join(", ")}.`);
      }
      const commands: Completion[] = [];
      for (const [name, entry] of Object.entries(registry)) {
        const flags = name === "completions" ? [] : commandFlags(await entry.load());
        commands.push({ name, summary: entry.summary, flags });
      }
      io.out(RENDER[shell as keyof typeof RENDER](commands));
      return 0;
    },
  });
}
