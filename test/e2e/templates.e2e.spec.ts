import { localDateAt } from '@kawal/domain';
import { ApiStack, createPerson, createUnitTree, startApiStack } from '../support/api-stack';

/**
 * Template authoring over HTTP: dry-run validation, drafts that can be replaced and deleted, publication that makes a
 * version immutable, who may do what (TEMPLATE_AUTHORS), programmes launching from published versions only, and the
 * admin audit chain.
 */
describe('templates: validate, drafts, publish (HTTP, PostgreSQL)', () => {
  let stack: ApiStack;
  const COORDINATOR = 'organisasi@banjarbarukota.go.id';
  const LURAH = 'lurah.loktabat-utara@banjarbarukota.go.id';
  const KEY = 'survei-kepuasan-masyarakat';

  /** A valid template in YAML; `workingDays` varies the content of the same version. */
  const yamlTemplate = (version: number, workingDays = 10) => `# Survei Kepuasan Masyarakat (PermenPANRB 14/2017)
key: ${KEY}
version: ${version}
name:
  id: Survei Kepuasan Masyarakat
  en: Community Satisfaction Survey
phases:
  - key: persiapan
    name: { id: Persiapan, en: Preparation }
  - key: pelaksanaan
    name: { id: Pelaksanaan }
    start: { from: phaseCompleted, phase: persiapan }
tasks:
  - key: kuesioner
    title: { id: Susun kuesioner SKM }
    phase: persiapan
    assigneeRole: UNIT_HEAD
    due: { from: programmeStart, workingDays: ${workingDays} }
    evidence: { minItems: 1, kinds: [document] }
    review:
      levels:
        - role: COORDINATOR
          name: { id: Bagian Organisasi }
  - key: laporan-skm
    title: { id: Unggah laporan hasil SKM }
    phase: pelaksanaan
    assigneeRole: UNIT_HEAD
    due: { from: phaseStart, workingDays: 20 }
reminders:
  - workingDaysBefore: 2
`;
  const yaml = (headers: Record<string, string> | Promise<Record<string, string>> = {}) => Promise.resolve(headers).then((h) => ({ ...h, 'content-type': 'application/yaml' }));
  const asCoordinator = () => stack.as(COORDINATOR);
  const asLurah = () => stack.as(LURAH);
  const launch = (templateVersion?: number) =>
    stack.call('POST', '/programmes', {
      name: 'Survei Kepuasan Masyarakat Banjarbaru',
      templateKey: KEY,
      ...(templateVersion === undefined ? {} : { templateVersion }),
      startDate: localDateAt(Date.now(), 'Asia/Makassar'),
      unitCodes: ['63.72.01.1001'],
    });

  beforeAll(async () => {
    stack = await startApiStack({ worker: false });
    await createUnitTree(stack);
    await createPerson(stack, COORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.72' }], 'Bagian Organisasi');
    await createPerson(stack, LURAH, [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }], 'Lurah Loktabat Utara');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('validates a document as a dry run for any signed-in person, naming every problem by its path', async () => {
    const ok = await stack.call('POST', '/templates/validate', yamlTemplate(1), yaml(asLurah()));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      valid: true,
      key: KEY,
      version: 1,
      name: { id: 'Survei Kepuasan Masyarakat', en: 'Community Satisfaction Survey' },
      phases: [
        { key: 'persiapan', tasks: 1 },
        { key: 'pelaksanaan', tasks: 1 },
      ],
      tasks: [
        { key: 'kuesioner', phase: 'persiapan', assigneeRole: 'UNIT_HEAD', reviewLevels: 1, minEvidence: 1, recurring: false },
        { key: 'laporan-skm', phase: 'pelaksanaan', reviewLevels: 0, minEvidence: 0 },
      ],
      summary: { phases: 2, tasks: 2, reviewSteps: 1, reminders: 1, escalationRungs: 0, recurringTasks: 0, signOffRequired: true, scoringInstrument: null },
      existing: null,
    });
    expect(ok.body.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.body.definition.officeHour).toBe('07:30'); // defaults filled in
    // Nothing was stored.
    expect(await stack.prisma.template.count({ where: { key: KEY } })).toBe(0);

    const invalid = await stack.call(
      'POST',
      '/templates/validate',
      {
        key: 'Bukan Kebab',
        version: 1,
        name: { id: 'Rusak' },
        colour: 'merah',
        tasks: [
          { key: 'a', title: { id: 'A' }, assigneeRole: 'LURAH', due: { from: 'programmeStart', workingDays: 0 } },
          { key: 'b', title: { id: 'B' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 5 }, dependsOn: ['zzz'] },
        ],
      },
      asLurah(),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    const fields = invalid.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['key', '(root)', 'tasks[0].assigneeRole', 'tasks[0].due.workingDays']));
    expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '(root)', rule: expect.stringContaining('colour') })]));

    // Cross-field rules only run once the shape is right; they name their paths too.
    const dangling = await stack.call('POST', '/templates/validate', yamlTemplate(1).replace('phase: pelaksanaan\n    assigneeRole', 'phase: evaluasi\n    assigneeRole'), yaml(asLurah()));
    expect(dangling.status).toBe(400);
    expect(dangling.body.errors).toEqual([expect.objectContaining({ field: 'tasks[1].phase', rule: expect.stringContaining('evaluasi') })]);

    const notYaml = await stack.call('POST', '/templates/validate', 'key: [unclosed', yaml());
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.errors[0].field).toBe('(document)');

    expect((await stack.call('POST', '/templates/validate', yamlTemplate(1), yaml(stack.anonymous))).status).toBe(401);
  });

  it('lets a coordinator save, replace and publish a draft; a published version is immutable and cannot be deleted', async () => {
    const created = await stack.call('POST', '/templates/drafts', yamlTemplate(1, 10), yaml(asCoordinator()));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: KEY, version: 1, status: 'draft', publishedAt: null, name: 'Survei Kepuasan Masyarakat' });
    expect(created.body.definition.tasks[0].due.workingDays).toBe(10);

    // The same content again changes nothing.
    const again = await stack.call('POST', '/templates/drafts', yamlTemplate(1, 10), yaml(asCoordinator()));
    expect(again.status).toBe(200);
    expect(again.body.checksum).toBe(created.body.checksum);

    // Other content replaces the draft (JSON works as well as YAML).
    const check = await stack.call('POST', '/templates/validate', yamlTemplate(1, 15), yaml(asCoordinator()));
    expect(check.body.existing).toEqual({ status: 'draft', checksum: created.body.checksum, identical: false });
    const replaced = await stack.call('POST', '/templates/drafts', check.body.definition, asCoordinator());
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ status: 'draft', publishedAt: null });
    expect(replaced.body.checksum).not.toBe(created.body.checksum);
    expect(replaced.body.checksum).toBe(check.body.checksum);
    const stored = await stack.call('GET', `/templates/${KEY}/versions/1`, undefined, asCoordinator());
    expect(stored.status).toBe(200);
    expect(stored.body.definition.tasks[0].due.workingDays).toBe(15);

    // An invalid draft is refused like any document.
    const invalidDraft = await stack.call('POST', '/templates/drafts', yamlTemplate(1, 0), yaml(asCoordinator()));
    expect(invalidDraft.status).toBe(400);
    expect(invalidDraft.body.errors).toEqual([expect.objectContaining({ field: 'tasks[0].due.workingDays' })]);

    const drafts = await stack.call('GET', '/templates?status=draft', undefined, asCoordinator());
    expect(drafts.status).toBe(200);
    expect(drafts.body.map((t: { key: string; version: number; status: string }) => [t.key, t.version, t.status])).toEqual([[KEY, 1, 'draft']]);

    // Publishing makes it immutable; publishing again is a no-op.
    const published = await stack.call('POST', `/templates/${KEY}/versions/1/publish`, undefined, asCoordinator());
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ key: KEY, version: 1, status: 'published', checksum: replaced.body.checksum });
    expect(published.body.publishedAt).toBeTruthy();
    const republished = await stack.call('POST', `/templates/${KEY}/versions/1/publish`, undefined, asCoordinator());
    expect(republished.status).toBe(200);
    expect(republished.body.publishedAt).toBe(published.body.publishedAt);

    const changeDraft = await stack.call('POST', '/templates/drafts', yamlTemplate(1, 20), yaml(asCoordinator()));
    expect(changeDraft.status).toBe(409);
    expect(changeDraft.body.code).toBe('TEMPLATE_VERSION_IMMUTABLE');
    const changePublished = await stack.call('POST', '/templates', yamlTemplate(1, 20), yaml(asCoordinator()));
    expect(changePublished.status).toBe(409);
    expect(changePublished.body.code).toBe('TEMPLATE_VERSION_IMMUTABLE');
    // The identical content through the one-step endpoint is idempotent.
    const same = await stack.call('POST', '/templates', yamlTemplate(1, 15), yaml(asCoordinator()));
    expect(same.status).toBe(200);
    expect(same.body.publishedAt).toBe(published.body.publishedAt);

    const deletePublished = await stack.call('DELETE', `/templates/${KEY}/versions/1`, undefined, asCoordinator());
    expect(deletePublished.status).toBe(409);
    expect(deletePublished.body.code).toBe('TEMPLATE_VERSION_IMMUTABLE');
    expect((await stack.call('GET', `/templates/${KEY}`, undefined, asLurah())).body).toMatchObject({ version: 1, status: 'published' });

    // A second version as a draft; the list shows both with status, checksum and publication time.
    const v2 = await stack.call('POST', '/templates/drafts', yamlTemplate(2, 12), yaml(asCoordinator()));
    expect(v2.status).toBe(201);
    const versions = await stack.call('GET', `/templates/${KEY}/versions`, undefined, asCoordinator());
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual([
      expect.objectContaining({ key: KEY, version: 2, status: 'draft', publishedAt: null, checksum: v2.body.checksum }),
      expect.objectContaining({ key: KEY, version: 1, status: 'published', publishedAt: published.body.publishedAt, checksum: published.body.checksum }),
    ]);
    expect(versions.body[0].definition).toBeUndefined();
    // The latest published version is still v1.
    expect((await stack.call('GET', `/templates/${KEY}`)).body.version).toBe(1);

    const all = await stack.call('GET', '/templates?status=all', undefined, asCoordinator());
    expect(all.body.filter((t: { key: string }) => t.key === KEY).map((t: { version: number; status: string }) => [t.version, t.status])).toEqual([
      [2, 'draft'],
      [1, 'published'],
    ]);

    // A draft can be deleted, once.
    expect((await stack.call('DELETE', `/templates/${KEY}/versions/2`, undefined, asCoordinator())).status).toBe(204);
    const gone = await stack.call('DELETE', `/templates/${KEY}/versions/2`, undefined, asCoordinator());
    expect(gone.status).toBe(404);
    expect((await stack.call('GET', `/templates/${KEY}/versions`, undefined, asCoordinator())).body.map((v: { version: number }) => v.version)).toEqual([1]);

    expect((await stack.call('POST', `/templates/${KEY}/versions/9/publish`, undefined, asCoordinator())).status).toBe(404);
    const badVersion = await stack.call('GET', `/templates/${KEY}/versions/satu`);
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.errors[0].field).toBe('version');
  });

  it('keeps drafts and every write away from people who are not template authors', async () => {
    expect((await stack.call('POST', '/templates/drafts', yamlTemplate(3), yaml(asCoordinator()))).status).toBe(201);

    const draft = await stack.call('POST', '/templates/drafts', yamlTemplate(4), yaml(asLurah()));
    expect(draft.status).toBe(403);
    expect(draft.body.code).toBe('FORBIDDEN');
    // 403 comes before validation: a lurah learns nothing from a broken document either.
    expect((await stack.call('POST', '/templates/drafts', 'key: [unclosed', yaml(asLurah()))).status).toBe(403);
    expect((await stack.call('POST', '/templates', yamlTemplate(4), yaml(asLurah()))).status).toBe(403);
    expect((await stack.call('POST', `/templates/${KEY}/versions/3/publish`, undefined, asLurah())).status).toBe(403);
    expect((await stack.call('DELETE', `/templates/${KEY}/versions/3`, undefined, asLurah())).status).toBe(403);

    // Reading: published versions only.
    const list = await stack.call('GET', '/templates', undefined, asLurah());
    expect(list.status).toBe(200);
    expect(list.body.every((t: { status: string }) => t.status === 'published')).toBe(true);
    expect(list.body.map((t: { key: string; version: number }) => `${t.key}@${t.version}`)).toEqual(expect.arrayContaining(['tindak-lanjut-standar-pelayanan@1', `${KEY}@1`]));
    const all = await stack.call('GET', '/templates?status=all', undefined, asLurah());
    expect(all.status).toBe(200);
    expect(all.body.some((t: { status: string }) => t.status === 'draft')).toBe(false);
    expect((await stack.call('GET', '/templates?status=draft', undefined, asLurah())).status).toBe(403);
    expect((await stack.call('GET', '/templates?status=archived', undefined, asLurah())).status).toBe(400);
    expect((await stack.call('GET', `/templates/${KEY}/versions/3`, undefined, asLurah())).status).toBe(404);
    expect((await stack.call('GET', `/templates/${KEY}/versions`, undefined, asLurah())).body.map((v: { version: number }) => v.version)).toEqual([1]);
    // The coordinator still sees the draft.
    expect((await stack.call('GET', `/templates/${KEY}/versions/3`, undefined, asCoordinator())).body.status).toBe('draft');
  });

  it('launches programmes from published versions only', async () => {
    // v3 is still a draft: the administrator (who may launch anywhere) gets a 404 that says so.
    const fromDraft = await launch(3);
    expect(fromDraft.status).toBe(404);
    expect(fromDraft.body.code).toBe('TEMPLATE_NOT_PUBLISHED');
    expect(fromDraft.body.detail).toContain('draf');
    expect(await stack.prisma.programme.count()).toBe(0);

    // A key that exists only as a draft: no "latest published" version to fall back on.
    expect((await stack.call('POST', '/templates/drafts', yamlTemplate(1).replace(`key: ${KEY}`, 'key: hanya-draf'), yaml(asCoordinator()))).status).toBe(201);
    const draftOnly = await stack.call('POST', '/programmes', { name: 'X', templateKey: 'hanya-draf', templateVersion: 1, startDate: localDateAt(Date.now(), 'Asia/Makassar'), unitCodes: ['63.72.01.1001'] });
    expect(draftOnly.status).toBe(404);
    expect(draftOnly.body.code).toBe('TEMPLATE_NOT_PUBLISHED');
    const draftOnlyLatest = await stack.call('POST', '/programmes', { name: 'X', templateKey: 'hanya-draf', startDate: localDateAt(Date.now(), 'Asia/Makassar'), unitCodes: ['63.72.01.1001'] });
    expect(draftOnlyLatest.status).toBe(404);
    expect(draftOnlyLatest.body.code).toBe('TEMPLATE_NOT_PUBLISHED');
    expect((await stack.call('GET', '/templates/hanya-draf')).status).toBe(404);
    expect((await launch(99)).status).toBe(404);

    // Without a version the latest PUBLISHED one is used (v1, not the v3 draft).
    const ok = await launch();
    expect(ok.status).toBe(201);
    const programme = await stack.prisma.programme.findUniqueOrThrow({ where: { id: ok.body.id }, include: { template: true } });
    expect([programme.template.key, programme.template.version]).toEqual([KEY, 1]);
  });

  it('publishes in one step (YAML) and records every authoring decision in the admin audit chain', async () => {
    const oneStep = await stack.call('POST', '/templates', yamlTemplate(1).replace(`key: ${KEY}`, 'key: sekali-terbit'), yaml(asCoordinator()));
    expect(oneStep.status).toBe(201);
    expect(oneStep.body).toMatchObject({ key: 'sekali-terbit', version: 1, status: 'published' });

    const events = await stack.prisma.auditEvent.findMany({ where: { chain: 'admin', action: { startsWith: 'template.' } }, orderBy: { seq: 'asc' } });
    const rows = events.map((e) => {
      const after = e.after as { key: string; version: number; checksum: string };
      return [e.action, e.actor, after.key, after.version];
    });
    expect(rows).toEqual([
      ['template.draft-saved', COORDINATOR, KEY, 1],
      ['template.draft-saved', COORDINATOR, KEY, 1],
      ['template.published', COORDINATOR, KEY, 1],
      ['template.draft-saved', COORDINATOR, KEY, 2],
      ['template.draft-deleted', COORDINATOR, KEY, 2],
      ['template.draft-saved', COORDINATOR, KEY, 3],
      ['template.draft-saved', COORDINATOR, 'hanya-draf', 1],
      ['template.published', COORDINATOR, 'sekali-terbit', 1],
    ]);
    for (const e of events) expect((e.after as { checksum: string }).checksum).toMatch(/^[0-9a-f]{64}$/);
    // The replacement names what it replaced; the publication names the exact content published.
    expect((events[1].before as { checksum: string }).checksum).not.toBe((events[1].after as { checksum: string }).checksum);
    const v1 = await stack.prisma.template.findUniqueOrThrow({ where: { key_version: { key: KEY, version: 1 } } });
    expect(events[2].after).toMatchObject({ key: KEY, version: 1, checksum: v1.checksum, status: 'published' });

    // The chain still verifies, and the administrator reads the same events through the API.
    const trail = await stack.call('GET', '/audit/directory');
    expect(trail.status).toBe(200);
    expect(trail.body.verification.valid).toBe(true);
    expect(trail.body.events.filter((e: { action: string }) => e.action.startsWith('template.'))).toHaveLength(events.length);
  });

  it('documents every template endpoint in OpenAPI with YAML and JSON bodies and problem+json errors', async () => {
    const spec = await stack.call('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    const paths = spec.body.paths;
    for (const [path, method] of [
      ['/templates/validate', 'post'],
      ['/templates/drafts', 'post'],
      ['/templates', 'post'],
    ] as const) {
      expect(Object.keys(paths[path][method].requestBody.content).sort()).toEqual(['application/json', 'application/yaml']);
      expect(paths[path][method].responses['400'].content['application/problem+json']).toBeDefined();
    }
    expect(paths['/templates/drafts'].post.responses).toEqual(expect.objectContaining({ '201': expect.anything(), '200': expect.anything(), '403': expect.anything(), '409': expect.anything() }));
    expect(paths['/templates/{key}/versions/{version}/publish'].post.responses).toEqual(expect.objectContaining({ '200': expect.anything(), '403': expect.anything(), '404': expect.anything() }));
    expect(paths['/templates/{key}/versions/{version}'].delete.responses).toEqual(expect.objectContaining({ '204': expect.anything(), '403': expect.anything(), '404': expect.anything(), '409': expect.anything() }));
    expect(paths['/templates/{key}/versions'].get.responses['200']).toBeDefined();
    expect(paths['/templates'].get.parameters.map((p: { name: string }) => p.name)).toContain('status');
  });
});
