import type { PriceTable } from '../../shared/engine/prices';
import { runSuite, type RunProgress, type RunSettings } from '../../shared/engine/runner';
import type { Platform } from '../../shared/engine/types';
import { canonicalManifest } from '../../shared/manifest';
import { nodeSha256 } from '../../shared/node/sha256';
import type { Suite } from '../../shared/suite';
import { parseAgentFiles } from '../../shared/validate-files';

export interface TestOptions {
  settings: RunSettings;
  minPassRate: number | null;
  cache: boolean;
  platform: Platform;
  prices: PriceTable;
  signal?: AbortSignal;
  onStart?: (plan: { total: number; estimateUsd: number | null }) => void;
  onProgress?: (progress: RunProgress) => void;
}

/** The whole of a test of stored files against a suite, with nothing stored: `slipway test --from DIR`. */
export async function testFiles(files: Record<string, string>, suite: Suite, options: TestOptions) {
  const agent = parseAgentFiles(files);
  const versionHash = canonicalManifest(files, nodeSha256).hash;
  const outcome = await runSuite({
    agent,
    versionHash,
    suite,
    settings: options.settings,
    platform: options.platform,
    prices: options.prices,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { versionHash, outcome };
}
