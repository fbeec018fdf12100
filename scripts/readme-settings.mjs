// Regenerates the settings table in README.md (between the settings markers) from package.json,
// so the documentation cannot drift from the manifest. Run: node scripts/readme-settings.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const properties = manifest.contributes.configuration.properties;
const rows = Object.entries(properties)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([key, value]) => {
    const description = (value.markdownDescription ?? value.description ?? '').replace(/\n+/g, ' ').replace(/\|/g, '\\|');
    return `| \`${key}\` | \`${JSON.stringify(value.default)}\` | ${description} |`;
  });
const table = ['| Setting | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n');
const readme = readFileSync(`${root}README.md`, 'utf8');
const begin = '<!-- settings:begin -->';
const end = '<!-- settings:end -->';
if (!readme.includes(begin)) throw new Error('README.md has no settings markers');
writeFileSync(`${root}README.md`, readme.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${table}\n${end}`));
console.log(`README: ${rows.length} settings`);
