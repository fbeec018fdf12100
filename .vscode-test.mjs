// Desktop VS Code test configuration (`npm run test:desktop`). It downloads a VS Code build from
// Microsoft at test time, so it needs internet access; CI here runs the same suite in code-server
// instead (`npm test`, scripts/vscode-host.mjs).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/integration/**/*.test.js',
  version: '1.91.0',
  workspaceFolder: './test/fixtures/workspace',
  mocha: { ui: 'bdd', timeout: 60000 },
  launchArgs: ['--disable-extensions'],
});
