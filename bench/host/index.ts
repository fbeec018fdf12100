import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ActivationTiming, ComprehensionApi } from '../../src/client/extension';

interface BaselineApi {
  activationTiming: { codeLoadMs: number; activateCallMs: number; totalMs: number };
}

function waitForServer(api: ComprehensionApi, timeoutMs = 60000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (api.activationTiming.serverReadyMs !== undefined) return resolve();
    const timer = setTimeout(() => reject(new Error('server did not start')), timeoutMs);
    const subscription = api.onDidChangeServerState(() => {
      if (api.activationTiming.serverReadyMs === undefined) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

/**
 * Host benchmark (run by `npm run bench` inside code-server): activation time of the extension,
 * against a minimal extension (the test inline provider) activated in the same window as baseline.
 */
export async function run(): Promise<void> {
  const ours = vscode.extensions.getExtension<ComprehensionApi>('comprehension-first.comprehension-first');
  const baseline = vscode.extensions.getExtension<BaselineApi>('comprehension-test.inline-provider');
  if (!ours || !baseline) throw new Error('both extensions must be installed');
  const api = ours.isActive ? ours.exports : await ours.activate();
  const baselineApi = baseline.isActive ? baseline.exports : await baseline.activate();
  await waitForServer(api);
  const timing: ActivationTiming = api.activationTiming;
  const result = {
    activation: {
      codeLoadMs: round(timing.codeLoadMs),
      activateCallMs: round(timing.activateCallMs),
      totalMs: round(timing.totalMs),
      serverReadyMs: round(timing.serverReadyMs ?? NaN),
    },
    baselineMinimalExtension: {
      codeLoadMs: round(baselineApi.activationTiming.codeLoadMs),
      activateCallMs: round(baselineApi.activationTiming.activateCallMs),
      totalMs: round(baselineApi.activationTiming.totalMs),
    },
    ratioToBaseline: round(timing.totalMs / Math.max(baselineApi.activationTiming.totalMs, 0.001)),
    vscodeVersion: vscode.version,
  };
  const out = process.env.COMPREHENSION_BENCH_OUT;
  if (!out) throw new Error('COMPREHENSION_BENCH_OUT is not set');
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`__CF_RESULT__ ${JSON.stringify({ passed: 1, failed: 0 })}`);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
