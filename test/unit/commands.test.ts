import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandRegistry, Commands, INTERNAL_COMMANDS, registerCommands } from '../../src/client/commands';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string }>;
    keybindings?: Array<{ command: string }>;
    menus?: Record<string, Array<{ command?: string }>>;
  };
};

describe('command table', () => {
  it('holds exactly the contributed commands plus the internal ones', () => {
    const contributed = manifest.contributes.commands.map((entry) => entry.command).sort();
    const table = Object.values(Commands).filter((id) => !INTERNAL_COMMANDS.has(id)).sort();
    assert.deepEqual(table, contributed);
    for (const id of INTERNAL_COMMANDS) assert.ok(!contributed.includes(id), `${id} is internal but contributed`);
    assert.equal(new Set(Object.values(Commands)).size, Object.values(Commands).length, 'every id once');
  });

  it('knows every comprehension command that keybindings and menus name', () => {
    const known = new Set<string>(Object.values(Commands));
    const named = [
      ...(manifest.contributes.keybindings ?? []).map((entry) => entry.command),
      ...Object.values(manifest.contributes.menus ?? {}).flatMap((entries) => entries.map((entry) => entry.command ?? '')),
    ].filter((id) => id.startsWith('comprehension.'));
    assert.deepEqual(named.filter((id) => !known.has(id)), []);
  });

  it('registers each handler once and refuses an id claimed twice or made by VS Code', () => {
    const registered: string[] = [];
    const registry: CommandRegistry = {
      registerCommand: (id: string) => {
        registered.push(id);
        return { dispose: () => undefined };
      },
    };
    const disposables = registerCommands(registry, { [Commands.restartServer]: () => 1 }, { [Commands.showOutput]: () => 2, [Commands.openPolicy]: undefined });
    assert.deepEqual(registered, [Commands.restartServer, Commands.showOutput]);
    assert.equal(disposables.length, 2);
    assert.throws(() => registerCommands(registry, { [Commands.showOutput]: () => 1 }, { [Commands.showOutput]: () => 2 }), /two handlers/);
    assert.throws(() => registerCommands(registry, { [Commands.focusAiBlocks]: () => 1 }), /made by VS Code/);
  });
});
