import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_DEFAULTS, SETTINGS_SECTION } from '../../src/client/settings';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; enum?: unknown[] }> } };
};

describe('settings table', () => {
  it('lists every contributed setting with the manifest default, and nothing else', () => {
    const contributed = Object.entries(manifest.contributes.configuration.properties).map(([key, setting]): [string, unknown] => [key, setting.default]);
    const table = Object.entries(SETTING_DEFAULTS).map(([key, value]): [string, unknown] => [`${SETTINGS_SECTION}.${key}`, value]);
    assert.deepEqual(new Map(table), new Map(contributed));
  });
});
