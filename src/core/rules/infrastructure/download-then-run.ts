import type { DockerInstruction } from '../../languages/dockerfile';
import { copyArguments, type DockerStage } from './dockerfile-stages';

/** A file a `RUN` saved with curl or wget and a later command ran, with no checksum or signature checked in between. */
export interface DownloadThenRun {
  /** The `RUN` that runs the file. */
  readonly instruction: DockerInstruction;
  /** The command that runs it, as written in the instruction's arguments. */
  readonly command: string;
  /** The URL it was downloaded from. */
  readonly url: string;
}

const INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'source', '.']);
/** Tools whose use says a download is checked: checksums and signatures. */
const VERIFIER = /^(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|cksum|gpgv?|cosign|minisign|signify|openssl)$/;
/** Words that only prefix a command. */
const PREFIXES = new Set(['sudo', 'env', 'exec', 'time', 'nohup', 'command']);

/**
 * Scripts (or programs) a build downloads to a file and then runs, with no checksum or signature
 * tool used between the download and the run: `curl -o install.sh URL && sh install.sh`,
 * `wget URL/setup.sh; chmod +x setup.sh; ./setup.sh`, also across `RUN`s of one stage, into a stage
 * built `FROM` that one, and through `COPY --from=<stage>`. A file is run when an interpreter is
 * given it (`bash x.sh`, `python3 get-pip.py`) or it is called by path (`./x.sh`, `/tmp/x.sh`); a
 * program called by name from `PATH` is not followed.
 */
export function downloadsThenRun(stages: readonly DockerStage[]): DownloadThenRun[] {
  const found: DownloadThenRun[] = [];
  /** What each stage left unchecked at its end, by name; `COPY --from=` may also give its index. */
  const leftByName = new Map<string, ReadonlyMap<string, string>>();
  const leftByIndex: ReadonlyMap<string, string>[] = [];
  for (const stage of stages) {
    /** Unchecked downloads by file name (the last path segment), with their URL; a stage built on another starts with what it left. */
    const pending = new Map(leftByName.get(stage.base.toLowerCase()) ?? []);
    const earlier = (reference: string): ReadonlyMap<string, string> | undefined => (/^\d+$/.test(reference) ? leftByIndex[Number(reference)] : leftByName.get(reference));
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'COPY') copyFromStage(instruction, earlier, pending);
      else if (instruction.keyword === 'RUN') runCommands(instruction, pending, found);
    }
    leftByIndex.push(pending);
    if (stage.name !== undefined) leftByName.set(stage.name, pending);
  }
  return found;
}

/** `COPY --from=<stage> <sources…> <destination>`: the unchecked downloads among the sources arrive unchecked. */
function copyFromStage(instruction: DockerInstruction, earlier: (reference: string) => ReadonlyMap<string, string> | undefined, pending: Map<string, string>): void {
  const { flags, sources, destination } = copyArguments(instruction.arguments);
  const from = flags.find((flag) => flag.toLowerCase().startsWith('--from='))?.slice('--from='.length).toLowerCase();
  const left = from === undefined ? undefined : earlier(from);
  if (left === undefined || left.size === 0 || destination === undefined) return;
  for (const source of sources) {
    const url = left.get(baseName(source));
    if (url === undefined) continue;
    // Into a folder it keeps its name; to a file path it takes that name (both kept: a folder
    // without a trailing slash cannot be told from a file here).
    pending.set(baseName(source), url);
    if (!destination.endsWith('/')) pending.set(baseName(destination), url);
  }
}

/** The commands of one `RUN`: downloads noted, checks clearing them, runs of a noted file found. */
function runCommands(instruction: DockerInstruction, pending: Map<string, string>, found: DownloadThenRun[]): void {
  for (const command of simpleCommands(instruction.arguments)) {
    const words = stripPrefixes(shellWords(command));
    const tool = words[0];
    if (tool === undefined) continue;
    const name = baseName(tool);
    if (name === 'curl' || name === 'wget') {
      const download = savedFile(name, words.slice(1));
      if (download) pending.set(baseName(download.file), download.url);
    } else if (VERIFIER.test(name)) {
      // Any checksum or signature check counts for every file downloaded before it: a check that
      // names another file is rare, and reporting a checked download would cost more trust.
      pending.clear();
    } else if (pending.size > 0) {
      const target = INTERPRETERS.has(name) ? words.slice(1).find((word) => !word.startsWith('-')) : tool.includes('/') ? tool : undefined;
      const url = target === undefined ? undefined : pending.get(baseName(target));
      if (url !== undefined) {
        found.push({ instruction, command: command.trim(), url });
        pending.delete(baseName(target!));
      }
    }
  }
}

/** The file a curl or wget command line saves to, and its URL; undefined when it writes to standard output or saves nothing nameable. */
function savedFile(tool: 'curl' | 'wget', args: readonly string[]): { file: string; url: string } | undefined {
  let output: string | undefined;
  let remoteName = tool === 'wget';
  let url: string | undefined;
  /** Where standard output is redirected (`> install.sh`, `>>x.sh`); not standard error's `2>`. */
  let redirect: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (/^https?:\/\//i.test(arg)) {
      url ??= arg;
      continue;
    }
    const redirection = /^(\d*|&)>>?(.*)$/.exec(arg);
    if (redirection) {
      const target = redirection[2] !== '' ? redirection[2] : args[++index];
      if (redirection[1] === '' || redirection[1] === '1' || redirection[1] === '&') redirect = target;
      continue;
    }
    const long = /^--(output|output-document)(?:=(.*))?$/.exec(arg);
    if (long) {
      output = long[2] ?? args[++index];
      continue;
    }
    if (tool === 'curl' && (arg === '-O' || arg === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(arg))) remoteName = true;
    // A cluster of short flags whose last one takes the file (`-fsSLo x.sh`, `-qO x.sh`) or glued to it (`-ox.sh`).
    const letter = tool === 'curl' ? 'o' : 'O';
    const short = new RegExp(`^-[a-zA-Z]*${letter}(.*)$`).exec(arg);
    if (short && !arg.startsWith('--')) output = short[1] !== '' ? short[1] : args[++index];
  }
  if (url === undefined) return undefined;
  // Written to standard output (curl's default, `wget -O-`) and redirected to a file: that file.
  if ((output === '-' || (output === undefined && !remoteName)) && redirect !== undefined) output = redirect;
  if (output !== undefined) return output === '-' || output.startsWith('/dev/') ? undefined : { file: output, url };
  if (!remoteName) return undefined;
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last === '' || /^https?:$/i.test(last) ? undefined : { file: last, url };
}

/** A shell command line split at `&&`, `||`, `;`, `|` and newlines (quotes respected). */
function simpleCommands(line: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') current += line[index++];
      current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === ';' || char === '\n' || char === '|' || (char === '&' && line[index + 1] === '&')) {
      if (char !== '\n' && line[index + 1] === char) index++;
      commands.push(current);
      current = '';
    } else current += char;
  }
  commands.push(current);
  return commands.filter((command) => command.trim() !== '');
}

/** The words of a simple command, quotes removed. */
function shellWords(command: string): string[] {
  return [...command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function stripPrefixes(words: readonly string[]): string[] {
  let index = 0;
  while (index < words.length && (PREFIXES.has(words[index]) || /^\w+=/.test(words[index]) || (index > 0 && PREFIXES.has(words[index - 1]) && words[index].startsWith('-')))) index++;
  return words.slice(index);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
