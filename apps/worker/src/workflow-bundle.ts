import * as path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * Where the workflow code is and how to bundle it. The same relative layout holds in the sources (ts-jest) and
 * in dist/ (compiled), so the root is found from this file. The bundler does not read tsconfig paths: the
 * @kawal/* aliases that workflow code uses are given to it here.
 */
const root = path.resolve(__dirname, '..', '..', '..');

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
