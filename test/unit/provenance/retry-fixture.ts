/** A retry helper as an agent writes it: the AI code of the import, export and mark tests (12 lines). */
export const RETRY = [
  "import { setTimeout as sleep } from 'node:timers/promises';", // 1
  '', // 2
  'export async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {', // 3
  '  for (let attempt = 1; ; attempt++) {', // 4
  '    try {', // 5
  '      return await fn();', // 6
  '    } catch (error) {', // 7
  '      if (attempt >= attempts) throw error;', // 8
  '      await sleep(100 * 2 ** attempt);', // 9
  '    }', // 10
  '  }', // 11
  '}', // 12
];

/** A port parser, the other file of those tests (5 lines). */
export const PARSE_PORT = ['export function parsePort(value: string): number {', '  const port = Number.parseInt(value, 10);', '  if (Number.isNaN(port)) throw new Error(`bad port ${value}`);', '  return port;', '}'];
