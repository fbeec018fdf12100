import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { addSources } from '../rules/infrastructure/add-from-url';
import { instructionsOf, keyValues, stagesOf } from '../rules/infrastructure/dockerfile-stages';
import { pipeToShellMatches } from '../rules/infrastructure/pipe-to-shell';
import { isSecretName } from '../rules/infrastructure/secret-in-image';
import type { LanguageNoteSupport } from './language-notes';
import { questionCollector } from './question-collector';
import { type BlockQuestion, inlineCode } from './questions';

/**
 * Questions about a Dockerfile in an AI block: the user the image runs as (`container`), each
 * downloaded script or file (`shell`, `dependency`), and each secret passed to the build (`auth`).
 */
export const dockerfileNoteSupport: LanguageNoteSupport = {
  questions(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[] {
    const { questions, inRange, ask } = questionCollector(text, range);
    const instructions = instructionsOf(document);
    for (const instruction of instructions) {
      if (!inRange(instruction.start)) continue;
      if (instruction.keyword === 'RUN') {
        for (const match of pipeToShellMatches(instruction.arguments).slice(0, 1)) {
          const url = /https?:\/\/[^\s"'|)]+/.exec(match.text)?.[0];
          ask('shell', instruction.start, instruction.end, `What does the script from ${url ? inlineCode(url) : 'that download'} do, and how do you know it is the version you reviewed?`);
        }
      } else if (instruction.keyword === 'ADD') {
        const url = addSources(instruction.arguments).sources.find((source) => /^https?:\/\//i.test(source));
        if (url) ask('dependency', instruction.start, instruction.end, `What is in ${inlineCode(url)}, and how do you know the build gets the file you reviewed?`);
      } else if (instruction.keyword === 'ARG' || instruction.keyword === 'ENV') {
        for (const pair of keyValues(instruction, text)) {
          if (isSecretName(pair.key)) ask('auth', pair.start, pair.end, `Where does ${inlineCode(pair.key)} come from, and who can read it from the image's ${instruction.keyword === 'ENV' ? 'configuration' : 'history'}?`);
        }
      }
    }
    const stages = stagesOf(instructions);
    const final = stages[stages.length - 1];
    if (final) {
      const user = [...final.instructions].reverse().find((instruction) => instruction.keyword === 'USER');
      const at = user ?? final.from;
      if (inRange(at.start) || (user !== undefined && inRange(final.from.start))) {
        const question = user
          ? `The image ends as ${inlineCode(`USER ${user.arguments}`)}: which steps need root, and can the running process change its own files?`
          : `Which user does the image from ${inlineCode(final.base)} run as, and does anything in it need root?`;
        ask('container', at.start, at.end, question);
      }
    }
    return questions;
  },
};
