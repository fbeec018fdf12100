import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { copyArguments, type DockerStage, instructionsOf, keyValues, stagesOf } from '../rules/infrastructure/dockerfile-stages';
import type { DockerInstruction } from '../languages/dockerfile';
import { pipeToShellMatches } from '../rules/infrastructure/pipe-to-shell';
import { downloadsThenRun } from '../rules/infrastructure/download-then-run';
import { isSecretName } from '../rules/infrastructure/secret-in-image';
import type { KnownFact } from './fact-check';
import type { LanguageNoteSupport } from './language-notes';
import { questionCollector } from './question-collector';
import { type BlockQuestion, inlineCode, questionId } from './questions';
import { effectiveUser, baseSetsUser, isRootUser } from '../rules/infrastructure/container-root-user';

/**
 * Questions about a Dockerfile in an AI block: the user the image runs as (`container`), each
 * downloaded script or file (`shell`, `dependency`), and each secret passed to the build (`auth`).
 */
export const dockerfileNoteSupport: LanguageNoteSupport = {
  questions(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[] {
    const { questions, inRange, ask } = questionCollector(text, range);
    const instructions = instructionsOf(document);
    const unchecked = uncheckedRuns(instructions);
    for (const instruction of instructions) {
      if (!inRange(instruction.start)) continue;
      if (instruction.keyword === 'RUN') {
        const run = unchecked.get(instruction);
        if (run !== undefined) {
          ask('shell', instruction.start, instruction.end, `What does the script from ${run.url ? inlineCode(run.url) : 'that download'} do, and how do you know it is the version you reviewed?`);
        }
      } else if (instruction.keyword === 'ADD') {
        const url = copyArguments(instruction.arguments).sources.find((source) => /^https?:\/\//i.test(source));
        if (url) ask('dependency', instruction.start, instruction.end, `What is in ${inlineCode(url)}, and how do you know the build gets the file you reviewed?`);
      } else if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        for (const pair of keyValues(instruction, text)) {
          if (isSecretName(pair.key)) ask('auth', pair.start, pair.end, `Where does ${inlineCode(pair.key)} come from, and who can read it from the image's ${instruction.keyword === 'ENV' ? 'configuration' : 'history'}?`);
        }
      }
    }
    const user = finalUser(instructions);
    if (user !== undefined && (inRange(user.at.start) || (user.own !== undefined && inRange(user.final.from.start)))) {
      const question = user.own
        ? `The image ends as ${inlineCode(`USER ${user.own.arguments}`)}: which steps need root, and can the running process change its own files?`
        : `Which user does the image from ${inlineCode(user.final.base)} run as, and does anything in it need root?`;
      ask('container', user.at.start, user.at.end, question);
    }
    return questions;
  },

  /**
   * What the questions' answers must not contradict: the image ends as root (a last `USER root`, or
   * no `USER` over a base that sets none), so "non-root" is a wrong or a missing fact; a download
   * piped into a shell or `ADD`ed without `--checksum` is checked by nothing, so "verified" is wrong.
   */
  facts(document: LanguageDocument, text: string, range: LineRange): KnownFact[] {
    const { inRange } = questionCollector(text, range);
    const instructions = instructionsOf(document);
    const facts: KnownFact[] = [];
    const unchecked = uncheckedRuns(instructions);
    for (const instruction of instructions) {
      if (!inRange(instruction.start)) continue;
      const id = (kind: 'shell' | 'dependency'): string => questionId(kind, text.slice(instruction.start, instruction.end));
      if (instruction.keyword === 'RUN') {
        const run = unchecked.get(instruction);
        if (run?.url !== undefined) facts.push({ kind: 'unchecked-download', questionId: id('shell'), url: run.url, how: run.how });
      } else if (instruction.keyword === 'ADD') {
        const { flags, sources } = copyArguments(instruction.arguments);
        const url = sources.find((source) => /^https?:\/\//i.test(source));
        if (url !== undefined && !flags.some((flag) => flag.startsWith('--checksum'))) {
          facts.push({ kind: 'unchecked-download', questionId: id('dependency'), url, how: 'is added without `--checksum`' });
        }
      }
    }
    const user = finalUser(instructions);
    if (user !== undefined && (inRange(user.at.start) || (user.own !== undefined && inRange(user.final.from.start)))) {
      const { user: effective, base } = effectiveUser(stagesOf(instructions), user.final);
      const runsAs = effective !== undefined ? (isRootUser(effective) ? 'root' : undefined) : baseSetsUser(base) || base.includes('$') ? undefined : 'none';
      if (runsAs !== undefined) facts.push({ kind: 'image-user', questionId: questionId('container', text.slice(user.at.start, user.at.end)), user: runsAs, base });
    }
    return facts;
  },
};

/** The final stage, its own last `USER` if any, and where the question about the user is asked (that `USER`, or the `FROM`). */
function finalUser(instructions: readonly DockerInstruction[]): { final: DockerStage; own: DockerInstruction | undefined; at: DockerInstruction } | undefined {
  const stages = stagesOf(instructions);
  const final = stages[stages.length - 1];
  if (final === undefined) return undefined;
  const own = [...final.instructions].reverse().find((instruction) => instruction.keyword === 'USER');
  return { final, own, at: own ?? final.from };
}

/**
 * The `RUN`s that run a download nothing checks, with what they fetch and how it reaches the build:
 * piped into an interpreter, or saved and run with no checksum in between (`download-then-run.ts`).
 */
function uncheckedRuns(instructions: readonly DockerInstruction[]): Map<DockerInstruction, { url: string | undefined; how: string }> {
  const runs = new Map<DockerInstruction, { url: string | undefined; how: string }>();
  for (const run of downloadsThenRun(stagesOf(instructions))) {
    runs.set(run.instruction, { url: run.url, how: 'is saved and run with no checksum or signature checked first' });
  }
  // A pipe is the more direct way in; it names the instruction's download first.
  for (const instruction of instructions) {
    if (instruction.keyword !== 'RUN') continue;
    const match = pipeToShellMatches(instruction.arguments)[0];
    if (match !== undefined) runs.set(instruction, { url: downloadedFrom(match.text), how: 'is piped straight into an interpreter' });
  }
  return runs;
}

/** What a piped download fetches: its URL, or the variable that holds it (`$INSTALL_URL`). */
function downloadedFrom(command: string): string | undefined {
  return /https?:\/\/[^\s"'|)]+/.exec(command)?.[0] ?? /\b(?:curl|wget)\b[^|]*?\s["']?(\$\{?\w+\}?)/.exec(command)?.[1];
}
