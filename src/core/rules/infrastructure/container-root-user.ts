import type { RuleFinding } from '../../check/findings';
import type { DockerInstruction } from '../../languages/dockerfile';
import type { Rule } from '../rule';
import { instructionsOf, stagesOf, type DockerStage } from './dockerfile-stages';

/**
 * Base images that already run as a non-root user, or have no user database to speak of:
 * `scratch`, distroless `:nonroot`/`-nonroot` tags, Chainguard images, Windows images (whose
 * default is `ContainerUser` on Nano Server and which have no uid 0).
 */
export function baseSetsUser(base: string): boolean {
  const lower = base.toLowerCase();
  return lower === 'scratch' || /[:-]nonroot\b/.test(lower) || lower.startsWith('cgr.dev/chainguard/') || /mcr\.microsoft\.com\/windows|nanoserver/.test(lower);
}

/** The last `USER` of a stage or of the stages it builds on (`FROM build AS final`), and that stage's base image. */
export function effectiveUser(stages: readonly DockerStage[], stage: DockerStage): { user: DockerInstruction | undefined; base: string } {
  const seen = new Set<number>();
  let current: DockerStage | undefined = stage;
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    const user = [...current.instructions].reverse().find((instruction) => instruction.keyword === 'USER');
    if (user) return { user, base: current.base };
    const base = current.base.toLowerCase();
    const parent: DockerStage | undefined = stages.find((candidate) => candidate.index < current!.index && candidate.name === base);
    if (parent === undefined) return { user: undefined, base: current.base };
    current = parent;
  }
  return { user: undefined, base: stage.base };
}

/**
 * Flags Dockerfiles whose final stage runs as root: a last `USER root` or `USER 0` is a warning; no
 * `USER` in the final stage (nor in the stages it builds on) is information, because the base
 * image may set a non-root user, which the file does not show, and the orchestrator may set one at
 * run time (Kubernetes `runAsUser`). `scratch`, distroless `nonroot` and Chainguard bases are not
 * reported.
 */
export const infrastructureContainerRootUser: Rule = {
  id: 'infrastructure/container-root-user',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Dockerfile whose image runs as root',
  rationale:
    'A container running as root can rewrite its own binaries and is one kernel bug or writable mount away from root on the ' +
    'host. Most base images (node, python, debian) run as root unless told otherwise, and AI-written Dockerfiles rarely add ' +
    'a `USER`. Create a user and end the final stage with `USER app` (or a numeric id such as `USER 10001`, which Kubernetes ' +
    '`runAsNonRoot` can verify). A final `USER root`/`USER 0` is a warning; no `USER` at all is information, since the base ' +
    'image may already set a non-root user (bitnami, distroless `nonroot`) and the orchestrator may set one at run time. ' +
    '`scratch`, distroless `nonroot` and Chainguard bases are not reported; a `USER` from a build argument is not judged.',
  check: () => [],
  languages: {
    dockerfile: {
      textTriggers: ['FROM', 'from', 'From'],
      check: ({ document }) => {
        const stages = stagesOf(instructionsOf(document));
        const final = stages[stages.length - 1];
        if (final === undefined) return [];
        const { user, base } = effectiveUser(stages, final);
        const findings: RuleFinding[] = [];
        if (user) {
          const name = userName(user);
          if (isRootUser(user)) {
            findings.push({ start: user.start, end: user.end, message: `The image runs as root: the final stage's last \`USER\` is \`${name}\`. Switch back to an unprivileged user after the steps that need root.` });
          }
        } else if (!baseSetsUser(base) && !base.includes('$')) {
          findings.push({
            start: final.from.start,
            end: final.from.end,
            severity: 'info',
            message: `The final stage sets no \`USER\`: the image runs as \`${base}\`'s user, root unless that image sets another. Add a user and end with \`USER <name or id>\`.`,
          });
        }
        return findings;
      },
    },
  },
};

/** The user a `USER` instruction names, quotes and group removed (`root`, `10001`). */
function userName(user: DockerInstruction): string {
  return user.arguments.trim().replace(/^["']|["']$/g, '').split(':')[0];
}

/** Whether a `USER` instruction makes the stage run as root (`USER root`, `USER 0`, `USER 0:0`). */
export function isRootUser(user: DockerInstruction): boolean {
  const name = userName(user);
  return name === 'root' || name === '0';
}
