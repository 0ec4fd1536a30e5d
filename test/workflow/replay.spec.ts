import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR, workflowBundle } from '../support/workflow-worker';

/**
 * Every recorded history under test/fixtures/histories must replay on today's workflow code without a
 * non-determinism error: the proof that running cases survive a deploy.
 */
describe('replay of recorded workflow histories', () => {
  it('replays every committed history deterministically', async () => {
    const files = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const histories = await Promise.all(
      files.map(async (f) => ({ workflowId: path.basename(f, '.json'), history: historyFromJSON(JSON.parse(await readFile(path.join(HISTORIES_DIR, f), 'utf8'))) })),
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });

  it('bundles only workflow-safe code: no template schema (zod), no database client', async () => {
    // Every cached workflow evaluates the bundle's modules; zod alone made each one cost ~2 MB and a launch ~40% slower.
    const { code } = await workflowBundle();
    expect(code).toContain('caseWorkflow');
    expect(code).not.toMatch(/node_modules\/zod\//);
    expect(code).not.toMatch(/node_modules\/@prisma\//);
  });
});
