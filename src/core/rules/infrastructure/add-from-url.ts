import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import type { DockerInstruction } from '../../languages/dockerfile';
import { copyArguments, instructionsOf } from './dockerfile-stages';

const VERIFY = /\b(sha(1|224|256|384|512)sum|shasum|md5sum)\b[^\n]*-c|\bgpg\b[^\n]*--verify|\bcosign\s+verify/;

/**
 * True when a later `RUN` of the same stage checks the downloaded file (`sha256sum -c`, `gpg
 * --verify`) by its name: the official images' way before `--checksum` existed.
 */
function verifiedLater(later: readonly DockerInstruction[], add: DockerInstruction, url: string): boolean {
  const destination = copyArguments(add.arguments).destination ?? '';
  const names = [url.split(/[?#]/)[0].split('/').pop() ?? '', destination.endsWith('/') ? '' : destination.split('/').pop() ?? ''].filter((name) => name.length > 1);
  for (const instruction of later) {
    if (instruction.stage !== add.stage) break;
    if (instruction.keyword === 'RUN' && VERIFY.test(instruction.arguments) && names.some((name) => mentions(instruction.arguments, name))) return true;
  }
  return false;
}

/** True when `command` names the file `name` as a whole path segment (`/tmp/tool.tgz`, not `another-tool.tgz`). */
function mentions(command: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`(^|[\s/"'=])${escaped}($|[\s"';&|)])`).test(command);
}

/**
 * Flags `ADD https://…` without `--checksum`: the file is fetched at build time and nothing checks
 * it is the one reviewed. Git sources (`…/repo.git#ref`) and files a later `RUN` checks by name are
 * not reported.
 */
export const infrastructureAddFromUrl: Rule = {
  id: 'infrastructure/add-from-url',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Dockerfile `ADD` of a URL without `--checksum`',
  rationale:
    '`ADD https://…` downloads at every build whatever the URL serves then, with nothing to check it against: a changed or ' +
    'compromised file goes into the image silently. Add `--checksum=sha256:<sum>` (BuildKit, Dockerfile 1.6+), or ' +
    '`RUN curl -o` followed by `sha256sum -c`. Git sources pinned by ref, and files a later `RUN` of the stage checks by name ' +
    '(`sha256sum -c`, `gpg --verify`), are not reported.',
  check: () => [],
  languages: {
    dockerfile: {
      textTriggers: ['http'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        const instructions = instructionsOf(document);
        instructions.forEach((instruction, index) => {
          if (instruction.keyword !== 'ADD') return;
          const { flags, sources } = copyArguments(instruction.arguments);
          if (flags.some((flag) => flag.startsWith('--checksum'))) return;
          const url = sources.find((source) => /^https?:\/\//i.test(source) && !/\.git(#|$)/i.test(source));
          if (url === undefined || verifiedLater(instructions.slice(index + 1), instruction, url)) return;
          const at = text.indexOf(url, instruction.start);
          findings.push({
            ...(at >= 0 && at < instruction.end ? { start: at, end: at + url.length } : { start: instruction.start, end: instruction.end }),
            message: `\`ADD ${url}\` downloads at build time with nothing to check the file against. Add \`--checksum=sha256:<sum>\`.`,
          });
        });
        return findings;
      },
    },
  },
};
