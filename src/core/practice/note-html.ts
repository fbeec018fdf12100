/**
 * The exercise's note as HTML for its webview. No `vscode` import. The note is Markdown someone
 * wrote in the repository, so raw HTML in it is shown as text (comments, the note template's
 * hints, are dropped) and only web and mail links become links; the webview also runs no scripts.
 */
import { Marked, type Tokens } from 'marked';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const COMMENT_ONLY = /^\s*(?:<!--[\s\S]*?-->\s*)+$/;
const SAFE_LINK = /^(?:https?:|mailto:)/i;

const markdown = new Marked({
  gfm: true,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return COMMENT_ONLY.test(token.text) ? '' : escapeHtml(token.text);
    },
    link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens);
      if (!SAFE_LINK.test(token.href)) return text;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      return `<a href="${escapeHtml(token.href)}"${title}>${text}</a>`;
    },
    image(token: Tokens.Image): string {
      // Images would need network or file access the view does not have; show their text.
      return escapeHtml(token.text);
    },
  },
});

/** Renders the note's Markdown (see `exerciseNoteMarkdown`) to HTML safe to put in the note view. */
export function renderNoteHtml(noteMarkdown: string): string {
  return markdown.parse(noteMarkdown, { async: false }) as string;
}
