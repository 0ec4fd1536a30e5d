import { DemoSeedService } from '../../apps/api/src/demo/demo-seed.service';
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_PROGRAMME_NAME, KOMET, LOKTABAT_UTARA, MENTAOS, OVERDUE_UNIT } from '../../apps/api/src/demo/demo-data';
import { ApiStack, eventually, startApiStack } from '../support/api-stack';

/**
 * The demo `npm start` seeds (KAWAL_DEMO=true): the real units of Kota Banjarbaru, a person for every role who can
 * sign in with the published demo password, a running Kelurahan Bebas Maladministrasi programme with work submitted,
 * approved, returned and overdue, and Kota Banjarmasin's yearly scores, all through the API's own services.
 */
describe('the demo (KAWAL_DEMO=true)', () => {
  let stack: ApiStack;
  const signIn = async (email: string) => {
    const r = await fetch(`${stack.base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
    expect({ email, status: r.status }).toEqual({ email, status: 201 });
    return { authorization: `Bearer ${((await r.json()) as { token: string }).token}` };
  };

  beforeAll(async () => {
    stack = await startApiStack({ env: { KAWAL_DEMO: 'true' } });
    await stack.api.get(DemoSeedService).done;
  }, 240_000);
  afterAll(() => stack?.stop());

  it('seeds a running KBM programme for the 20 kelurahan of Banjarbaru with submitted, approved, returned and overdue work', async () => {
    const programme = await stack.prisma.programme.findFirstOrThrow({ where: { name: DEMO_PROGRAMME_NAME }, include: { template: true } });
    expect(programme.template.key).toBe('kelurahan-bebas-maladministrasi');
    expect(programme.status).toBe('RUNNING');
    const coordinator = await signIn('organisasi@demo.kawal.local');
    // The programme list, the dashboard and the cases are what the coordinator sees.
    const cases = await stack.call('GET', `/programmes/${programme.id}/cases?limit=50`, undefined, coordinator);
    expect(cases.status).toBe(200);
    const items = (cases.body as { items: Array<{ id: string; unitCode: string }> }).items;
    expect(items).toHaveLength(20);
    const caseOf = new Map(items.map((c) => [c.unitCode, c.id]));
    const task = async (unit: string, key: string) => {
      const c = await stack.call('GET', `/cases/${caseOf.get(unit)}`, undefined, coordinator);
      return (c.body as { tasks: Array<{ key: string; state: string; overdue: boolean; lastComment: string | null }> }).tasks.find((t) => t.key === key)!;
    };
    const seeded = async () => {
      expect((await task(LOKTABAT_UTARA, 'sosialisasi')).state).toBe('APPROVED');
      expect((await task(LOKTABAT_UTARA, 'sk-tim-kelurahan')).state).toBe('APPROVED');
      expect((await task(MENTAOS, 'sosialisasi')).state).toBe('SUBMITTED');
      const returned = await task(KOMET, 'sk-tim-kelurahan');
      expect(returned.state).toBe('RETURNED');
      expect(returned.lastComment).toMatch(/belum ditandatangani/);
      // Every unit but Guntung Manggis was given ten more working days; its first two tasks are overdue.
      expect((await task(OVERDUE_UNIT, 'sosialisasi')).overdue).toBe(true);
      const dashboard = await stack.call('GET', `/programmes/${programme.id}`, undefined, coordinator);
      const d = dashboard.body as { tasksByState: Record<string, number>; overdueTasks: number };
      expect(d.tasksByState).toMatchObject({ SUBMITTED: 1, RETURNED: 1, APPROVED: 3 });
      expect(d.overdueTasks).toBe(2);
    };
    // The clock marks the overdue tasks a moment after the launch (once the first emails are out): wait, then assert.
    await eventually(() => seeded().then(() => true, () => false), 60_000).catch(() => undefined);
    await seeded();
    // The programme's scores: every unit on the checklist, the ones with approved work ahead.
    const scores = await stack.call('GET', `/programmes/${programme.id}/scores`, undefined, coordinator);
    expect(scores.body).toMatchObject({ instrument: { key: 'kawal-checklist' }, cases: 20, scored: 20, distribution: { count: 20, byZone: { red: 20 } } });
    const listed = await stack.call('GET', `/programmes/${programme.id}/cases?limit=50`, undefined, coordinator);
    const byUnit = new Map((listed.body as { items: Array<{ unitCode: string; score: number; scoreCategory: string; designation: string }> }).items.map((c) => [c.unitCode, c]));
    expect(byUnit.get(LOKTABAT_UTARA)!.score).toBeGreaterThan(byUnit.get(MENTAOS)!.score);
    expect(byUnit.get(MENTAOS)).toMatchObject({ score: 0, scoreCategory: 'D', designation: 'pending' });
  });

  it('lets every demo person sign in, each seeing what their role allows', async () => {
    for (const p of DEMO_PEOPLE) await signIn(p.email);
    const lurah = await signIn('lurah.loktabatutara@demo.kawal.local');
    const inbox = await stack.call('GET', '/me/tasks', undefined, lurah);
    expect(inbox.status).toBe(200);
    const mine = (inbox.body as { items: Array<{ unitCode: string }> }).items;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((t) => t.unitCode))).toEqual(new Set([LOKTABAT_UTARA]));
    // The observer (Ombudsman RI Perwakilan Kalsel) reads the programme but may not steer it.
    const observer = await signIn('ombudsman.kalsel@demo.kawal.local');
    const programme = await stack.prisma.programme.findFirstOrThrow({ where: { name: DEMO_PROGRAMME_NAME } });
    expect((await stack.call('GET', `/programmes/${programme.id}`, undefined, observer)).status).toBe(200);
    expect((await stack.call('POST', `/programmes/${programme.id}/actions`, { kind: 'remind', reason: 'coba' }, observer)).status).toBe(403);
  });

  it("records Banjarmasin's compliance scores year on year: 83.98, 69.63, 88.02, 95.45", async () => {
    const r = await stack.call('GET', '/units/63.71/scores', undefined, await signIn('ombudsman.kalsel@demo.kawal.local'));
    expect(r.status).toBe(200);
    const body = r.body as { scores: Array<{ year: number; score: number; zone: string; category: string }>; trend: { direction: string; change: number } };
    expect(body.scores.map((s) => [s.year, s.score, s.zone, s.category])).toEqual([
      [2021, 83.98, 'green', 'Tinggi'],
      [2022, 69.63, 'yellow', 'C'],
      [2023, 88.02, 'green', 'A'],
      [2024, 95.45, 'green', 'A'],
    ]);
    expect(body.trend).toMatchObject({ direction: 'up', change: 11.47 });
  });

  it('seeds once: a second start finds the demo and adds nothing', async () => {
    const before = await stack.prisma.programme.count();
    const people = await stack.prisma.person.count();
    await stack.api.get(DemoSeedService).seed();
    expect(await stack.prisma.programme.count()).toBe(before);
    expect(await stack.prisma.person.count()).toBe(people);
  });
});
