import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

function listTests(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listTests(path));
    else if (name.endsWith('.test.js')) files.push(path);
  }
  return files;
}

/** Entry point the extension host calls (extensionTestsPath): runs every integration test file. */
export function run(): Promise<void> {
  const grep = process.env.COMPREHENSION_TEST_GREP || undefined;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60000, grep, forbidOnly: true });
  // The runner starts one window per test file and names it here; all files when unset.
  const only = process.env.COMPREHENSION_TEST_FILES?.split(',').filter(Boolean);
  for (const file of listTests(__dirname)) {
    if (!only || only.some((name) => file.endsWith(`/${name}`))) mocha.addFile(file);
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      console.log(`__CF_RESULT__ ${JSON.stringify({ passed, failed: failures })}`);
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
  });
}
