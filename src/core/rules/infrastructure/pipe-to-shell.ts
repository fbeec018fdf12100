import type { RuleFinding } from '../../check/findings';
import type { DockerInstruction } from '../../languages/dockerfile';
import type { Rule } from '../rule';
import { instructionsOf, stagesOf } from './dockerfile-stages';
import { downloadsThenRun } from './download-then-run';

const INTERPRETER = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\w+=\S*\s+)*)?(?:/usr)?(?:/bin/)?(?:ba|z|da|k|a)?sh|python[\d.]*|perl|ruby|node`;
const DOWNLOAD = String.raw`(?:curl|wget)\b`;
/**
 * Pipe stages that pass the download on (a copy kept, line ends fixed, unpacked or decoded):
 * `curl … | tee install.sh | sh` still runs what the server sent.
 */
const PASS_THROUGH = String.raw`\|(?!\|)\s*(?:tee|cat|tr|sed|dos2unix|gunzip|zcat|gzip|bunzip2|bzcat|xz|xzcat|unxz|base64)(?![\w.-])[^|;&\n]*`;

/** The ways a downloaded script reaches a shell without being saved and checked first. */
const PIPE_TO_SHELL: readonly RegExp[] = [
  // curl … | sh, wget -qO- … | sudo bash -s -- args (one `|`, not `||`), also through pass-through stages
  // An interpreter given its program on the command line (`| python3 -c "import json…"`, `| perl -ne`)
  // reads the download as data, not as the script.
  new RegExp(String.raw`${DOWNLOAD}[^|;&\n]*(?:${PASS_THROUGH})*\|(?!\|)\s*(?:${INTERPRETER})(?![\w.-])(?!\s+-(?:c|e|ne|pe|m|E)\b)`, 'g'),
  // bash <(curl …), source <(curl …), . <(wget -O- …)
  new RegExp(String.raw`(?:(?:ba|z|k)?sh|source|\.)\s+(?:-\S+\s+)*<\(\s*${DOWNLOAD}[^)\n]*\)?`, 'g'),
  // sh -c "$(curl …)", eval "$(curl …)"
  new RegExp(String.raw`(?:(?:(?:ba|z|k)?sh\s+-\w*c)|eval)\s+["']?\$\(\s*${DOWNLOAD}[^)\n]*\)?`, 'g'),
];

/** The pipe-to-shell constructs of a shell command line: matched text and offset in `command`. */
export function pipeToShellMatches(command: string): { text: string; index: number }[] {
  const matches: { text: string; index: number }[] = [];
  for (const pattern of PIPE_TO_SHELL) {
    for (const match of command.matchAll(pattern)) matches.push({ text: match[0], index: match.index ?? 0 });
  }
  return matches.sort((a, b) => a.index - b.index);
}

/**
 * Flags `RUN` instructions that download a script and run it unseen: `curl … | sh`, `wget -O- … |
 * sudo bash`, `bash <(curl …)`, `sh -c "$(curl …)"` (also into Python, Perl, Ruby or Node), and a
 * script saved to a file and run with no checksum or signature checked first (`download-then-run.ts`).
 */
export const infrastructurePipeToShell: Rule = {
  id: 'infrastructure/pipe-to-shell',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Dockerfile running a downloaded script unchecked (`curl | sh`, `curl -o x.sh && sh x.sh`)',
  rationale:
    '`curl https://… | sh` runs whatever the server sends at build time: a compromised site, a changed installer or a ' +
    'truncated download becomes part of every image, and the next build may get something else. AI assistants copy the ' +
    'one-liner from install pages. Download to a file, check it against a pinned SHA-256 (`echo "<sum>  install.sh" | ' +
    'sha256sum -c`), then run it; or use the distribution\'s package, or `ADD --checksum=sha256:…`. Saving the script to ' +
    'a file and running it (`curl -o x.sh … && sh x.sh`, also in a later `RUN` of the stage, in a stage built `FROM` it or ' +
    'after `COPY --from=` it) is reported the same way when ' +
    'no checksum or signature tool runs in between; a program then called by name from `PATH` is not followed.',
  check: () => [],
  languages: {
    dockerfile: {
      textTriggers: ['curl', 'wget'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const instruction of instructionsOf(document)) {
          if (instruction.keyword !== 'RUN') continue;
          const first = pipeToShellMatches(instruction.arguments)[0];
          if (first === undefined) continue;
          const url = /https?:\/\/[^\s"'|)]+/.exec(first.text)?.[0];
          findings.push({
            ...spanIn(text, instruction, first.text),
            message: `This \`RUN\` pipes a downloaded script${url ? ` (\`${url}\`)` : ''} straight into an interpreter: whatever the server sends runs in the build. Download it, check a pinned SHA-256, then run it.`,
          });
        }
        // Saving the script first changes nothing when nothing checks it before it runs.
        for (const run of downloadsThenRun(stagesOf(instructionsOf(document)))) {
          findings.push({
            ...spanIn(text, run.instruction, run.command),
            message: `This runs a file downloaded from \`${run.url}\` with no checksum or signature checked first: whatever the server sent runs in the build. Check a pinned SHA-256 (\`sha256sum -c\`) before running it.`,
          });
        }
        return findings.sort((a, b) => a.start - b.start);
      },
    },
  },
};

/** The span of `fragment` inside the instruction's source when it is on one line, else the whole instruction. */
export function spanIn(text: string, instruction: DockerInstruction, fragment: string): { start: number; end: number } {
  const at = text.slice(instruction.start, instruction.end).indexOf(fragment);
  return at >= 0 ? { start: instruction.start + at, end: instruction.start + at + fragment.length } : { start: instruction.start, end: instruction.end };
}
