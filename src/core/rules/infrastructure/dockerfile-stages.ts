import type { DockerInstruction } from '../../languages/dockerfile';
import type { LanguageDocument } from '../../languages/document';

/** One build stage of a Dockerfile: its `FROM` and the instructions up to the next one. */
export interface DockerStage {
  readonly index: number;
  readonly from: DockerInstruction;
  /** The base image or earlier stage it starts from (`node:20`, `build`), flags removed. */
  readonly base: string;
  /** `AS name`, lower-cased (stage names are case-insensitive). */
  readonly name: string | undefined;
  readonly instructions: readonly DockerInstruction[];
}

/** The instructions of a Dockerfile document, or none for another language. */
export function instructionsOf(document: LanguageDocument): readonly DockerInstruction[] {
  return 'instructions' in document ? document.instructions : [];
}

/** The stages of a Dockerfile, in order; instructions before the first `FROM` (`ARG`s) belong to none. */
export function stagesOf(instructions: readonly DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.arguments.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toLowerCase() === 'as');
      stages.push({ index: stages.length, from: instruction, base: words[0] ?? '', name: asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined, instructions: [] });
    } else if (stages.length > 0) {
      (stages[stages.length - 1].instructions as DockerInstruction[]).push(instruction);
    }
  }
  return stages;
}

/** `KEY=value KEY2="v 2"` or the legacy `KEY value` of `ENV`, `ARG` and `LABEL`, with each value's offset. */
export interface KeyValue {
  readonly key: string;
  /** Undefined for an `ARG` without a default. */
  readonly value: string | undefined;
  readonly start: number;
  readonly end: number;
}

/**
 * The pairs of an `ENV`/`ARG` instruction. Offsets are searched in the original text (arguments are
 * joined across continuation lines), falling back to the instruction's span.
 */
export function keyValues(instruction: DockerInstruction, text: string): KeyValue[] {
  const source = instruction.arguments;
  const pairs: { key: string; value: string | undefined; raw: string }[] = [];
  if (instruction.keyword === 'ENV' && /^[\w.-]+\s+[^=\s]/.test(source) && !/^[\w.-]+=/.test(source)) {
    // Legacy form: `ENV KEY the rest of the line is the value`.
    const match = /^([\w.-]+)\s+([\s\S]*)$/.exec(source)!;
    pairs.push({ key: match[1], value: unquote(match[2].trim()), raw: source });
  } else {
    for (const match of source.matchAll(/([\w.-]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
      pairs.push({ key: match[1], value: match[2] === undefined ? undefined : unquote(match[2]), raw: match[0] });
    }
  }
  const span = text.slice(instruction.start, instruction.end);
  return pairs.map(({ key, value, raw }) => {
    const at = span.indexOf(raw);
    return at >= 0 ? { key, value, start: instruction.start + at, end: instruction.start + at + raw.length } : { key, value, start: instruction.start, end: instruction.end };
  });
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/**
 * The arguments of an `ADD` or `COPY`, shell or JSON form: its flags (`--from=build`,
 * `--checksum=…`), its sources and its destination (the last word).
 */
export function copyArguments(argumentsText: string): { flags: string[]; sources: string[]; destination: string | undefined } {
  const flags: string[] = [];
  let rest = argumentsText.trim();
  while (rest.startsWith('--')) {
    const space = rest.search(/\s/);
    flags.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? '' : rest.slice(space).trimStart();
  }
  let words: string[];
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      words = Array.isArray(parsed) ? parsed.filter((word): word is string => typeof word === 'string') : [];
    } catch {
      words = rest.split(/\s+/);
    }
  } else {
    words = rest.split(/\s+/).filter((word) => word !== '');
  }
  return { flags, sources: words.slice(0, -1), destination: words[words.length - 1] };
}
