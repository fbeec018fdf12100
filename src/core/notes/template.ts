import type { Policy } from '../policy/policy';
import type { Block } from '../provenance/block';

/** The parts a comprehension note can ask for. */
export type SectionId = 'what' | 'why' | 'failure-modes' | 'observability' | 'rollback' | 'security' | 'cost';

/** One part of a note: a `## <title>` heading with the writer's answer under it. */
export interface Section {
  id: SectionId;
  /** Heading text in the note file. */
  title: string;
  /** What a good answer covers; shown as a hint under the heading of a new note. */
  prompt: string;
  /** Other headings a writer may use for this section (matched case-insensitively). */
  aliases: readonly string[];
}

/** Level 1's four parts (PRODUCT.md): what, why, failure modes, observability. */
export const CORE_SECTIONS: readonly Section[] = [
  {
    id: 'what',
    title: 'What it does',
    prompt: 'What does this code do, step by step? Name the functions and values it works with.',
    aliases: ['what the code does', 'what this code does', 'what', 'summary'],
  },
  {
    id: 'why',
    title: 'Why it is designed this way',
    prompt: 'Why this approach and not a simpler or more familiar one? What constraints shaped it?',
    aliases: ['why', 'design', 'why this design', 'why it is designed that way'],
  },
  {
    id: 'failure-modes',
    title: 'Failure modes',
    prompt: 'What failure mode does this change introduce? What inputs, timeouts or dependencies make it fail, and what happens then?',
    aliases: ['failure mode', 'how it fails', 'failures'],
  },
  {
    id: 'observability',
    title: 'How it is observed in production',
    prompt: 'Which logs, metrics or alerts confirm it is healthy, and which would tell you it is not?',
    aliases: ['observability', 'how it is observed', 'monitoring', 'telemetry'],
  },
];

/** The review questions asked in addition inside critical paths (PRODUCT.md). */
export const REVIEW_SECTIONS: readonly Section[] = [
  {
    id: 'rollback',
    title: 'Rollback plan',
    prompt: 'How do you undo this change safely if it misbehaves after release (revert, flag, data migration)?',
    aliases: ['rollback', 'roll back plan', 'how to roll back'],
  },
  {
    id: 'security',
    title: 'Security assumption',
    prompt: 'What security assumption does this code rely on (trusted input, authenticated caller, secret storage)?',
    aliases: ['security', 'security assumptions'],
  },
  {
    id: 'cost',
    title: 'Expected cost impact',
    prompt: 'What is the expected steady-state cost impact (requests, storage, compute, third-party fees)?',
    aliases: ['cost', 'cost impact', 'expected steady-state cost impact'],
  },
];

/** Every section, in the order they appear in a note. */
export const ALL_SECTIONS: readonly Section[] = [...CORE_SECTIONS, ...REVIEW_SECTIONS];

/** The section with this id. */
export function sectionById(id: SectionId): Section {
  const section = ALL_SECTIONS.find((candidate) => candidate.id === id);
  if (!section) throw new Error(`unknown note section: ${id}`);
  return section;
}

/** What the policy asks of one AI block. */
export interface NoteRequirement {
  /** Whether the block needs a comprehension note. */
  required: boolean;
  /** The sections the note must answer (empty when none is required). */
  sections: Section[];
  /**
   * Level 0 asks no note; instead AI code in a critical path is flagged as discouraged.
   * Diagnostics show a flag, not a "write a note" prompt.
   */
  flagOnly?: boolean;
  /** One sentence for hovers and diagnostics: why a note is (not) required or why the block is flagged. */
  reason: string;
}

/** Context for {@link noteRequirement}. */
export interface NoteRequirementOptions {
  policy: Policy;
  /** Whether the block's file matches one of the policy's critical paths (the caller knows the globs). */
  inCriticalPath: boolean;
}

/** Number of lines a block spans (1-based inclusive range). */
export function blockLineCount(block: Pick<Block, 'startLine' | 'endLine'>): number {
  return Math.max(0, block.endLine - block.startLine + 1);
}

/**
 * The note the policy asks for `block`:
 * - level 0: no note; a block in a critical path is flagged (`flagOnly`), whatever its size;
 * - level 1: the four core sections, plus the review questions in a critical path;
 * - level 2: notes only in critical paths, with the review questions;
 * - pastes need notes only when `notes.pastesNeedNotes`; blocks under `notes.minBlockLines` need none.
 */
export function noteRequirement(block: Block, options: NoteRequirementOptions): NoteRequirement {
  const { policy, inCriticalPath } = options;
  const lines = blockLineCount(block);
  const none = (reason: string): NoteRequirement => ({ required: false, sections: [], reason });

  if (block.source === 'paste' && !policy.notes.pastesNeedNotes) {
    return none('Pasted code needs no note under this policy (notes.pastesNeedNotes is off).');
  }
  if (policy.level === 0) {
    if (inCriticalPath) {
      return {
        required: false,
        sections: [],
        flagOnly: true,
        reason: 'Policy level 0 (orientation): AI-written code in a critical path is discouraged; use AI for explanations here.',
      };
    }
    return none('Policy level 0 (orientation) asks no comprehension notes.');
  }
  if (policy.level === 2 && !inCriticalPath) {
    return none('Policy level 2 (autonomy with audits) asks for notes only in critical paths.');
  }
  if (lines < policy.notes.minBlockLines) {
    return none(`The block has ${lines} line${lines === 1 ? '' : 's'}; notes start at ${policy.notes.minBlockLines} (notes.minBlockLines).`);
  }
  const sections = inCriticalPath ? [...CORE_SECTIONS, ...REVIEW_SECTIONS] : [...CORE_SECTIONS];
  const levelText = policy.level === 1 ? 'Policy level 1 (assisted implementation)' : 'Policy level 2 (autonomy with audits)';
  return {
    required: true,
    sections,
    reason: inCriticalPath
      ? `${levelText} asks for a comprehension note with the review questions: the file is in a critical path.`
      : `${levelText} asks for a comprehension note for each AI-written block.`,
  };
}

/**
 * The sections a new note for this block answers: the policy's, or (for a block that needs none,
 * whose writer explains it anyway) the core four, with the review questions in a critical path.
 */
export function sectionsForNote(requirement: NoteRequirement, inCriticalPath: boolean): Section[] {
  if (requirement.required) return requirement.sections;
  return inCriticalPath ? [...CORE_SECTIONS, ...REVIEW_SECTIONS] : [...CORE_SECTIONS];
}
