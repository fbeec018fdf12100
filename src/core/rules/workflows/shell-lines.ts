/**
 * A deliberately small reading of `run:` scripts: enough to tell where a command's output goes
 * (the log, a pipe, a file), not a shell parser. Quotes are respected; command substitutions,
 * functions and `eval` are not followed.
 */

/** One pipeline (`a | b > file`) of a logical line. */
export interface Pipeline {
  /** The commands joined by `|`, trimmed. */
  readonly commands: readonly string[];
  /** Where the last command's standard output is redirected (`> file`, `>> file`, `&> file`), if anywhere but the log. */
  readonly outputFile?: string;
  /** Offset of the pipeline's first character in the logical line. */
  readonly offset: number;
}

/** A script's logical lines (backslash continuations joined), with the offset of each in the script. */
export function logicalLines(script: string): { text: string; offset: number }[] {
  const lines: { text: string; offset: number }[] = [];
  let offset = 0;
  let pending: { text: string; offset: number } | undefined;
  for (const raw of script.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const continued = /\\$/.test(line);
    const piece = continued ? line.slice(0, -1) : line;
    pending = pending === undefined ? { text: piece, offset } : { text: `${pending.text} ${piece}`, offset: pending.offset };
    if (!continued) {
      lines.push(pending);
      pending = undefined;
    }
    offset += raw.length + 1;
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

/** The pipelines of one logical line, split on `&&`, `||`, `;` and `&` outside quotes; a `#` comment ends the line. */
export function pipelines(line: string): Pipeline[] {
  const result: Pipeline[] = [];
  let commands: string[] = [];
  let current = '';
  let start = 0;
  let outputFile: string | undefined;
  let quote: '"' | "'" | undefined;
  const endCommand = (): void => {
    commands.push(current.trim());
    current = '';
  };
  const endPipeline = (next: number): void => {
    endCommand();
    if (commands.some((command) => command.length > 0)) result.push({ commands, outputFile, offset: start });
    commands = [];
    outputFile = undefined;
    start = next;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') {
        current += char + (line[index + 1] ?? '');
        index++;
      } else {
        if (char === quote) quote = undefined;
        current += char;
      }
      continue;
    }
    if (char === '\\') {
      current += char + (line[index + 1] ?? '');
      index++;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === '#' && (index === 0 || /\s/.test(line[index - 1]!))) {
      break;
    } else if ((char === '&' && line[index + 1] === '&') || (char === '|' && line[index + 1] === '|')) {
      endPipeline(index + 2);
      index++;
    } else if (char === ';' || (char === '&' && line[index + 1] !== '>' && line[index - 1] !== '>')) {
      endPipeline(index + 1);
    } else if (char === '|') {
      endCommand();
    } else if (char === '>' || (char === '&' && line[index + 1] === '>')) {
      // `2>…` redirects errors only; `>&2` and `>&1` still reach the log.
      const stderrOnly = char === '>' && /(^|\s)2$/.test(current);
      let cursor = index + (char === '&' ? 2 : 1);
      if (line[cursor] === '>') cursor++;
      if (line[cursor] === '&') {
        index = cursor + 1;
        continue;
      }
      const target = /^\s*("[^"]*"|'[^']*'|[^\s;&|]+)/.exec(line.slice(cursor));
      if (!stderrOnly && target) outputFile = target[1]!.replace(/^["']|["']$/g, '');
      index = cursor + (target ? target[0].length : 0) - 1;
    } else {
      current += char;
    }
  }
  endPipeline(line.length);
  return result;
}

/** Words before a command that do not name it: wrappers and the keywords that open a branch or loop body. */
const COMMAND_PREFIXES: ReadonlySet<string> = new Set(['sudo', 'command', 'builtin', 'exec', 'then', 'else', 'do', '{', '(', '!', 'time']);

/** The command's name (`echo`, `printf`…), past wrappers (`sudo`), `then`/`do`/`else` and variable assignments. */
export function commandName(command: string): string | undefined {
  const words = command.split(/\s+/).filter((word) => word.length > 0);
  for (const word of words) {
    if (/^\w+=/.test(word) || COMMAND_PREFIXES.has(word)) continue;
    return word.replace(/^["']|["']$/g, '');
  }
  return undefined;
}
