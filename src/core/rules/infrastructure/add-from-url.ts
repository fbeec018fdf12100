import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { instructionsOf } from './dockerfile-stages';

/** The source arguments of an `ADD` (every word but the destination; flags apart), shell or JSON form. */
export function addSources(argumentsText: string): { flags: string[]; sources: string[] } {
  let words: string[];
  const trimmed = argumentsText.trim();
  const flags: string[] = [];
  let rest = trimmed;
  while (rest.startsWith('--')) {
    const space = rest.search(/\s/);
    flags.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? '' : rest.slice(space).trimStart();
  }
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
  return { flags, sources: words.slice(0, -1) };
}

/**
 * Flags `ADD https://…` without `--checksum`: the file is fetched at build time and nothing checks
 * it is the one reviewed. Git sources (`…/repo.git#ref`) are not reported.
 */
export const infrastructureAddFromUrl: Rule = {
  id: 'infrastructure/add-from-url',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Dockerfile `ADD` of a URL without `--checksum`',
  rationale:
    '`ADD https://…` downloads at every build whatever the URL serves then, with nothing to check it against: a changed or ' +
    'compromised file goes into the image silently. Add `--checksum=sha256:<sum>` (BuildKit, Dockerfile 1.6+), or ' +
    '`RUN curl -o` followed by `sha256sum -c`. Git sources pinned by ref are not reported.',
  check: () => [],
  languages: {
    dockerfile: {
      textTriggers: ['http'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const instruction of instructionsOf(document)) {
          if (instruction.keyword !== 'ADD') continue;
          const { flags, sources } = addSources(instruction.arguments);
          if (flags.some((flag) => flag.startsWith('--checksum'))) continue;
          const url = sources.find((source) => /^https?:\/\//i.test(source) && !/\.git(#|$)/i.test(source));
          if (url === undefined) continue;
          const at = text.indexOf(url, instruction.start);
          findings.push({
            ...(at >= 0 && at < instruction.end ? { start: at, end: at + url.length } : { start: instruction.start, end: instruction.end }),
            message: `\`ADD ${url}\` downloads at build time with nothing to check the file against. Add \`--checksum=sha256:<sum>\`.`,
          });
        }
        return findings;
      },
    },
  },
};
