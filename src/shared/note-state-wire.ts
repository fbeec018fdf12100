/**
 * A {@link BlockNoteState} across the connection: the parsed note holds Maps, which JSON drops, so
 * the server sends the note's text and the client parses it again for display (`parseNote` only
 * reads the file's structure; no note checks run on the client).
 */
import type { BlockNoteState } from '../core/notes/assess';
import { parseNote } from '../core/notes/note-file';
import type { WireBlockNoteState } from './protocol';

/** The server's side: the state without its parsed note, with the note text it was judged from. */
export function toWireNoteState(state: BlockNoteState, noteText: string | undefined): WireBlockNoteState {
  const { note: _parsed, ...status } = state.status;
  return { ...state, status, noteText };
}

/** The client's side: the state with its note parsed again. */
export function fromWireNoteState(wire: WireBlockNoteState): BlockNoteState {
  const { noteText, status, ...rest } = wire;
  return { ...rest, status: noteText === undefined ? status : { ...status, note: parseNote(noteText) } };
}
