import type { LineRange } from '../check/engine';
import { LineIndex } from '../text/line-index';
import { type BlockQuestion, questionId } from './questions';

/**
 * What every language's question module needs: lines of offsets, whether a construct starts in the
 * block, and a list to ask into, each question identified by its construct's text (`questionId`).
 */
export interface QuestionCollector {
  readonly questions: BlockQuestion[];
  lineOf(offset: number): number;
  /** True when `offset` is on a line of the block. */
  inRange(offset: number | undefined): offset is number;
  /** Adds a question about the construct at `[start, end)`. */
  ask(kind: BlockQuestion['kind'], start: number, end: number, text: string): void;
}

export function questionCollector(text: string, range: LineRange): QuestionCollector {
  const lines = new LineIndex(text);
  const questions: BlockQuestion[] = [];
  const lineOf = (offset: number): number => lines.positionAt(offset).line + 1;
  return {
    questions,
    lineOf,
    inRange: (offset): offset is number => {
      if (offset === undefined) return false;
      const line = lineOf(offset);
      return line >= range.startLine && line <= range.endLine;
    },
    ask: (kind, start, end, question) => {
      questions.push({ id: questionId(kind, text.slice(start, end)), kind, text: question, line: lineOf(start) });
    },
  };
}
