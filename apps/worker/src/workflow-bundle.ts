import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';

/**
 * Where the workflow code is and how to bundle it. The same relative layout holds in the sources (ts-jest) and
 * in dist/ (compiled), so the root is found from this file. The bundler does not read tsconfig paths: the
 * @kawal/* aliases that workflow code uses are given to it here.
 */
const root = path.resolve(__dirname, '..', '..', '..');

/** Written by scripts/bundle-workflows.ts during `npm run build`: dist/workflow-bundle.js. */
export const WORKFLOW_BUNDLE_FILE = path.join(root, 'workflow-bundle.js');

/** The pre-built bundle when there is one (built code), else the sources bundled at start (tests, ts-node). */
export function workflowCodeOptions(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  return existsSync(WORKFLOW_BUNDLE_FILE) ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_FILE } } : workflowBundleOptions();
}

export function workflowBundleOptions(): Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'> {
  return {
    workflowsPath: path.join(root, 'workflows'),
    bundlerOptions: {
      webpackConfigHook: (config) => {
        config.resolve = config.resolve ?? {};
        config.resolve.alias = {
          ...(config.resolve.alias as Record<string, string>),
          '@kawal/contracts': path.join(root, 'libs', 'contracts', 'src'),
          '@kawal/domain': path.join(root, 'libs', 'domain', 'src'),
        };
        return config;
      },
    },
  };
}

/** Bundles the workflow sources with webpack (build script and tests); only warnings and errors are printed. */
export async function bundleWorkflows(): Promise<{ code: string }> {
  const opts = workflowBundleOptions();
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: opts.workflowsPath!,
    webpackConfigHook: opts.bundlerOptions?.webpackConfigHook,
    logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error },
  });
}
