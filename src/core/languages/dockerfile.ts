/** One instruction of a Dockerfile (`RUN …`, `FROM …`), continuation lines and here-documents included. */
export interface DockerInstruction {
  /** Upper-cased keyword (`RUN`, `FROM`, `USER`). */
  keyword: string;
  /** Offset of the keyword in the file. */
  start: number;
  /** Offset just past the instruction's last character (before its final newline). */
  end: number;
  /** Offset of the first character after the keyword and its spaces. */
  argumentsStart: number;
  /**
   * The arguments with continuations joined (escape, newline and the comment lines between
   * continued lines removed) and here-document bodies kept on their own lines.
   */
  arguments: string;
  /** The build stage (0-based index of the `FROM` it follows; -1 before the first). */
  stage: number;
}

/**
 * Splits a Dockerfile into instructions, as the builder reads it: the `# escape=` parser directive,
 * `\` (or the chosen escape) continuing a line, comment lines inside continued instructions, and
 * here-documents (`RUN <<EOF … EOF`). Never throws; text that is no instruction is skipped.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  const escape = /^#\s*escape\s*=\s*([\\`])\s*$/im.exec(text.slice(0, 200))?.[1] ?? '\\';
  const lines = splitLines(text);
  let stage = -1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const match = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(line.text);
    if (!match || line.text.trimStart().startsWith('#')) continue;
    const keyword = match[2].toUpperCase();
    const start = line.start + match[1].length;
    const argumentsStart = line.start + match[0].length;
    const parts: string[] = [line.text.slice(match[0].length)];
    let end = line.start + line.text.length;
    // Continuations: a line ending in the escape character goes on with the next non-comment line.
    while (endsWithEscape(parts[parts.length - 1], escape) && index + 1 < lines.length) {
      parts[parts.length - 1] = parts[parts.length - 1].replace(/\s*.\s*$/, ' ');
      index++;
      while (index < lines.length && /^\s*#/.test(lines[index].text)) index++;
      if (index >= lines.length) break;
      parts.push(lines[index].text);
      end = lines[index].start + lines[index].text.length;
    }
    let joined = parts.join('');
    // Here-documents: `<<EOF` or `<<-"EOF"` takes the lines up to the terminator as its body.
    for (const heredoc of joined.matchAll(/<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g)) {
      const terminator = heredoc[2];
      const body: string[] = [];
      while (index + 1 < lines.length) {
        index++;
        end = lines[index].start + lines[index].text.length;
        if (lines[index].text.trim() === terminator) break;
        body.push(lines[index].text);
      }
      joined += `\n${body.join('\n')}`;
    }
    if (keyword === 'FROM') stage++;
    instructions.push({ keyword, start, end, argumentsStart, arguments: joined.trim(), stage });
  }
  return instructions;
}

function endsWithEscape(text: string, escape: string): boolean {
  const trimmed = text.trimEnd();
  return trimmed.endsWith(escape) && !trimmed.endsWith(escape + escape);
}

function splitLines(text: string): { text: string; start: number }[] {
  const lines: { text: string; start: number }[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    lines.push({ text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, start });
    start = end + 1;
  }
  return lines;
}
