/**
 * Pre-builds the workflow bundle at build time (`npm run build`), as Temporal recommends for production: the worker
 * then loads dist/workflow-bundle.js instead of running webpack at every start.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { WORKFLOW_BUNDLE_FILE, bundleWorkflows } from '../apps/worker/src/workflow-bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflows();
  await writeFile(WORKFLOW_BUNDLE_FILE, code);
  console.log(`workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_FILE)} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: Error) => {
  console.error(`workflow bundle failed: ${err.message}`);
  process.exit(1);
});
