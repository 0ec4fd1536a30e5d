import { ADMIN_EMAIL, ApiStack, createPerson, createUnitTree, eventually, startApiStack } from '../support/api-stack';

/**
 * The role × action table, driven by data: every role (scoped to a unit, as people really hold them) tries every
 * action on one kelurahan's case and programme, over HTTP, and each pair is asserted allowed or denied (403 or 404).
 * "Allowed" means the request got past authorisation: it succeeded, or the workflow refused it for a domain reason
 * (409/422 — e.g. the second reviewer finds the task already returned). Nobody unauthenticated gets past 401.
 *
 * Units: Kota Banjarbaru 63.72 > Banjarbaru Utara 63.72.01 > Loktabat Utara 63.72.01.1001 (the case under test),
 * Sungai Ulin 63.72.01.1002; Banjarbaru Selatan 63.72.02 > Loktabat Selatan 63.72.02.1001.
 */
const ACTORS = {
  admin: { email: ADMIN_EMAIL, roles: null }, // ADMIN everywhere (the first administrator)
  adminKota: { email: 'admin.kota@banjarbarukota.go.id', roles: [{ role: 'ADMIN', unitCode: '63.72' }] },
  coordinator: { email: 'organisasi@banjarbarukota.go.id', roles: [{ role: 'COORDINATOR', unitCode: '63.72' }] }, // launches the programme
  otherCoordinator: { email: 'koordinator.selatan@banjarbarukota.go.id', roles: [{ role: 'COORDINATOR', unitCode: '63.72.02' }] },
  camat: { email: 'camat.utara@banjarbarukota.go.id', roles: [{ role: 'REVIEWER', unitCode: '63.72.01' }] },
  otherCamat: { email: 'camat.selatan@banjarbarukota.go.id', roles: [{ role: 'REVIEWER', unitCode: '63.72.02' }] },
  lurah: { email: 'lurah.loktabatutara@banjarbarukota.go.id', roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1001' }] },
  staff: { email: 'staf.loktabatutara@banjarbarukota.go.id', roles: [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1001' }] },
  otherLurah: { email: 'lurah.sungaiulin@banjarbarukota.go.id', roles: [{ role: 'UNIT_HEAD', unitCode: '63.72.01.1002' }] },
  observer: { email: 'pengamat@ombudsman.go.id', roles: [{ role: 'OBSERVER', unitCode: '63.72' }] },
} as const;
type ActorName = keyof typeof ACTORS;
const EVERYONE = Object.keys(ACTORS) as ActorName[];

interface Ctx {
  caseId: string;
  programmeId: string;
  evidenceId: string;
  n: number;
}

interface ActionSpec {
  name: string;
  /** Who may do it; everyone else must be refused with 403 or 404. */
  allowed: ActorName[];
  request: (ctx: Ctx, actor: ActorName) => { method: string; url: string; body?: unknown };
}

const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'), Buffer.alloc(512, 0x20), Buffer.from('\n%%EOF\n')]);
const form = () => {
  const f = new FormData();
  f.append('file', new Blob([pdf]), 'bukti.pdf');
  return f;
};

const TASK = (ctx: Ctx, key: string) => `/cases/${ctx.caseId}/tasks/${key}`;
const CASE_READERS: ActorName[] = ['admin', 'adminKota', 'coordinator', 'camat', 'lurah', 'staff', 'observer'];
const UNIT_PEOPLE: ActorName[] = ['lurah', 'staff'];
const REVIEWERS: ActorName[] = ['admin', 'adminKota', 'coordinator', 'camat'];
const DECIDERS: ActorName[] = ['admin', 'adminKota', 'coordinator'];

/** The table. Order matters only where noted: the first allowed actor changes state, the others then meet a domain refusal. */
const TABLE: ActionSpec[] = [
  { name: 'read the case', allowed: CASE_READERS, request: (c) => ({ method: 'GET', url: `/cases/${c.caseId}` }) },
  { name: 'read the case timeline', allowed: CASE_READERS, request: (c) => ({ method: 'GET', url: `/cases/${c.caseId}/timeline` }) },
  { name: 'download evidence', allowed: CASE_READERS, request: (c) => ({ method: 'GET', url: `/evidence/${c.evidenceId}/content` }) },
  { name: 'upload evidence', allowed: UNIT_PEOPLE, request: (c) => ({ method: 'POST', url: `${TASK(c, 'standar-pelayanan')}/evidence`, body: form() }) },
  { name: 'submit a task', allowed: UNIT_PEOPLE, request: (c) => ({ method: 'POST', url: `${TASK(c, 'standar-pelayanan')}/submit`, body: { evidenceIds: [c.evidenceId] } }) },
  { name: 'review a task', allowed: REVIEWERS, request: (c) => ({ method: 'POST', url: `${TASK(c, 'standar-pelayanan')}/review`, body: { decision: 'return', comment: 'Lengkapi tanda tangan.' } }) },
  { name: 'ask for an extension', allowed: UNIT_PEOPLE, request: (c) => ({ method: 'POST', url: `${TASK(c, 'maklumat-pelayanan')}/extension-request`, body: { workingDays: 2, reason: 'Papan sedang dicetak' } }) },
  { name: 'decide an extension', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `${TASK(c, 'maklumat-pelayanan')}/extension-decision`, body: { approve: false, comment: 'Tidak perlu' } }) },
  { name: 'reassign a task', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `${TASK(c, 'standar-pelayanan')}/reassign`, body: { email: ACTORS.staff.email, reason: 'Staf yang menyusun' } }) },
  { name: 'waive a task', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `${TASK(c, 'maklumat-pelayanan')}/waive`, body: { reason: 'Sudah dipajang sejak 2025' } }) },
  { name: 'sign off the case', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `/cases/${c.caseId}/sign-off`, body: {} }) },
  // The slice template has no designation, follow-ups or cycle: those allowed meet a domain refusal (409), the rest 403/404.
  { name: 'revoke the designation', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `/cases/${c.caseId}/designation/revoke`, body: { reason: 'Laporan terbukti' } }) },
  { name: 'add rapor follow-ups', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `/cases/${c.caseId}/follow-ups`, body: { source: 'Rapor Ombudsman', items: [{ title: 'Lengkapi biaya' }] } }) },
  // otherCoordinator holds COORDINATOR over 63.72.02, where one of the programme's units lies: they may read it.
  { name: 'read the programme', allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator', 'observer'], request: (c) => ({ method: 'GET', url: `/programmes/${c.programmeId}` }) },
  { name: "read the programme's audit chain", allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator', 'observer'], request: (c) => ({ method: 'GET', url: `/programmes/${c.programmeId}/audit` }) },
  { name: 'list the cases of the programme', allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator', 'observer'], request: (c) => ({ method: 'GET', url: `/programmes/${c.programmeId}/cases` }) },
  { name: 'export the programme', allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator', 'observer'], request: (c) => ({ method: 'GET', url: `/programmes/${c.programmeId}/export?format=csv` }) },
  { name: "read the programme's scores", allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator', 'observer'], request: (c) => ({ method: 'GET', url: `/programmes/${c.programmeId}/scores` }) },
  { name: 'launch the next cycle', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `/programmes/${c.programmeId}/next-cycle`, body: {} }) },
  { name: "record the kelurahan's yearly score", allowed: ['admin', 'adminKota', 'coordinator'], request: (c) => ({ method: 'PUT', url: `/units/63.72.01.1001/scores/${2000 + (c.n % 100)}`, body: { instrument: 'kawal-checklist', score: 80 } }) },
  { name: 'send a bulk action', allowed: DECIDERS, request: (c) => ({ method: 'POST', url: `/programmes/${c.programmeId}/actions`, body: { kind: 'remind', reason: 'Pengingat rapat koordinasi' } }) },
  { name: 'launch a programme for the kelurahan', allowed: DECIDERS, request: () => ({ method: 'POST', url: '/programmes', body: { name: 'Uji peran', templateKey: 'tindak-lanjut-standar-pelayanan', startDate: '2027-01-04', unitCodes: ['63.72.01.1001'] } }) },
  { name: 'create a unit under the kecamatan', allowed: ['admin', 'adminKota'], request: (c) => ({ method: 'POST', url: '/units', body: { code: `63.72.01.1${String(100 + c.n).padStart(3, '0')}`, name: `Kelurahan Uji ${c.n}`, kind: 'KELURAHAN', parentCode: '63.72.01' } }) },
  { name: 'register a person', allowed: ['admin', 'adminKota'], request: (c) => ({ method: 'POST', url: '/people', body: { email: `orang${c.n}@banjarbarukota.go.id`, name: `Orang ${c.n}`, roles: [{ role: 'UNIT_STAFF', unitCode: '63.72.01.1002' }] } }) },
  { name: 'save a template draft', allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator'], request: (c) => ({ method: 'POST', url: '/templates/drafts', body: draftTemplate(c.n) }) },
  { name: 'read the notification log', allowed: ['admin', 'adminKota', 'coordinator', 'otherCoordinator'], request: () => ({ method: 'GET', url: '/notifications' }) },
  { name: 'read the directory audit chain', allowed: ['admin', 'adminKota'], request: () => ({ method: 'GET', url: '/audit/directory' }) },
  { name: 'read my inbox', allowed: EVERYONE, request: () => ({ method: 'GET', url: '/me/tasks' }) },
  { name: 'read who I am', allowed: EVERYONE, request: () => ({ method: 'GET', url: '/auth/me' }) },
];

function draftTemplate(n: number) {
  return {
    key: `uji-peran-${n}`,
    version: 1,
    name: { id: `Uji peran ${n}` },
    tasks: [{ key: 'a', title: { id: 'A' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 5 } }],
  };
}

describe('role × action table (dev server, PostgreSQL, SMTP, HTTP)', () => {
  let stack: ApiStack;
  const ctx: Ctx = { caseId: '', programmeId: '', evidenceId: '', n: 0 };
  const outcomes: string[] = [];

  beforeAll(async () => {
    stack = await startApiStack();
    await createUnitTree(stack);
    for (const [, a] of Object.entries(ACTORS)) if (a.roles) await createPerson(stack, a.email, [...a.roles]);
    const launch = await stack.call(
      'POST',
      '/programmes',
      { name: 'Standar Pelayanan Banjarbaru', templateKey: 'tindak-lanjut-standar-pelayanan', startDate: '2027-01-04', unitCodes: ['63.72.01.1001', '63.72.01.1002', '63.72.02.1001'] },
      stack.as(ACTORS.coordinator.email),
    );
    expect(launch.status).toBe(201);
    ctx.programmeId = launch.body.id;
    const row = await eventually(() => stack.prisma.case.findFirst({ where: { programmeId: ctx.programmeId, unit: { code: '63.72.01.1001' }, tasks: { some: {} } } }));
    ctx.caseId = row.id;
    const upload = await stack.call('POST', `/cases/${ctx.caseId}/tasks/standar-pelayanan/evidence`, form(), stack.as(ACTORS.lurah.email));
    expect(upload.status).toBe(201);
    ctx.evidenceId = upload.body.id;
  });

  afterAll(async () => {
    if (outcomes.length) process.stderr.write(`role × action outcomes:\n${outcomes.join('\n')}\n`);
    await stack?.stop();
  });

  it('lists every actor in every row (no pair forgotten)', () => {
    for (const spec of TABLE) for (const name of spec.allowed) expect(EVERYONE).toContain(name);
    expect(TABLE.length * (EVERYONE.length + 1)).toBeGreaterThan(200);
  });

  describe.each(TABLE.map((spec) => [spec.name, spec] as const))('%s', (_name, spec) => {
    it.each(EVERYONE.map((actor) => [actor, spec.allowed.includes(actor) ? 'allowed' : 'denied'] as const))('%s: %s', async (actor, expected) => {
      ctx.n += 1;
      const req = spec.request(ctx, actor);
      const res = await stack.call(req.method, req.url, req.body, stack.as(ACTORS[actor].email));
      outcomes.push(`${spec.name} | ${actor} | ${res.status} ${res.body?.code ?? ''}`);
      expect(res.status).toBeLessThan(500);
      if (expected === 'allowed') {
        expect([401, 403, 404]).not.toContain(res.status);
      } else {
        expect([403, 404]).toContain(res.status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('anonymous: 401', async () => {
      const req = spec.request(ctx, 'admin');
      const res = await stack.call(req.method, req.url, req.body, stack.anonymous);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  });

  it('left the case in the states the allowed actors drove it to (the denials changed nothing)', async () => {
    const detail = await stack.call('GET', `/cases/${ctx.caseId}`);
    const byKey = Object.fromEntries(detail.body.tasks.map((t: { key: string; state: string }) => [t.key, t.state]));
    // submitted by the lurah, returned by the first reviewer (the admin); the extension refused; the maklumat waived.
    expect(byKey).toEqual({ 'standar-pelayanan': 'RETURNED', 'maklumat-pelayanan': 'WAIVED' });
    const timeline = await stack.call('GET', `/cases/${ctx.caseId}/timeline`);
    expect(timeline.body.verification.valid).toBe(true);
    const actors = new Set(timeline.body.events.map((e: { actor: string }) => e.actor));
    for (const denied of ['otherLurah', 'otherCamat', 'observer'] as const) expect(actors).not.toContain(ACTORS[denied].email);
  });
});
