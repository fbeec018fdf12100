import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The model named in an agent's session transcript. Claude Code's hook payloads do not name the
 * model, but every assistant entry of the transcript (JSON Lines, `transcript_path`) does, as
 * `message.model`. Only the tail is read, so a long session costs the hook no more than a small read.
 */

/** Bytes read from the end of a transcript: the latest assistant turn is near the end. */
export const TRANSCRIPT_TAIL_BYTES = 256 * 1024;

/** What a model id looks like (`claude-sonnet-4-5-20250929`, `gpt-5.1-codex`); anything else is not recorded. */
const MODEL_ID = /^[\w.:@/+-]{1,100}$/;

/** The model of the last assistant entry in the transcript's tail; undefined when none, or it cannot be read. */
export async function modelFromTranscript(path: string, tailBytes = TRANSCRIPT_TAIL_BYTES): Promise<string | undefined> {
  let handle;
  try {
    // Non-blocking: a FIFO named as the transcript must not stall the hook.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    const length = Math.min(info.size, tailBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, info.size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may be cut by the tail; it fails to parse and is skipped.
    for (let i = lines.length - 1; i >= 0; i--) {
      const model = modelOfEntry(lines[i]);
      if (model !== undefined) return model;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

function modelOfEntry(line: string): string | undefined {
  if (!line.includes('"model"')) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const message = (entry as { message?: unknown }).message;
  const model = typeof message === 'object' && message !== null ? (message as { model?: unknown }).model : undefined;
  // Claude Code writes `<synthetic>` for entries no model produced.
  return typeof model === 'string' && MODEL_ID.test(model) ? model : undefined;
}
