import { WorkingCalendar, addCalendarDays, localDateAt } from '@kawal/domain';
import { holidaysBetween } from '@kawal/holidays';
import { ADMIN_EMAIL, ApiResponse, ApiStack, createPerson, eventually, startApiStack } from '../support/api-stack';

/**
 * Scores, designations, rapor follow-ups and programme cycles over HTTP with every real part (Temporal dev server and
 * worker, PostgreSQL, SMTP): the scoring instruments, a unit's Ombudsman scores year on year, a case's score with
 * what it still misses for the next category, the programme's score distribution, revoking a Kelurahan Bebas
 * Maladministrasi designation (and who is emailed), follow-up tasks from the Ombudsman's rapor, and launching the
 * next yearly cycle of a programme. Every template is published inline through the API.
 */
describe('scores, designation revocation, follow-ups and programme cycles over HTTP', () => {
  let stack: ApiStack;
  const ZONE = 'Asia/Makassar' as const;
  const KOORDINATOR = 'organisasi@banjarmasinkota.go.id';
  const OBSERVER = 'pemantau.kalsel@ombudsman.go.id';
  const CAMAT = 'camat.banjarmasinselatan@banjarmasinkota.go.id';
  const LURAH_MANTUIL = 'lurah.mantuil@banjarmasinkota.go.id';
  const LURAH_KELSEL = 'lurah.kelayanselatan@banjarmasinkota.go.id';
  const LURAH_PEKAUMAN = 'lurah.pekauman@banjarmasinkota.go.id';
  const STAFF_PEKAUMAN = 'pelayanan.pekauman@banjarmasinkota.go.id';
  // Kemendagri codes (reference/wilayah/63-kalimantan-selatan.yaml).
  const MANTUIL = '63.71.01.1001';
  const KELAYAN_SELATAN = '63.71.01.1002';
  const PEKAUMAN = '63.71.01.1003';

  /** Ids the tests carry from one to the next (they run in order). */
  const ids: { scoreProgramme?: string; scoreCase?: string; kbmCase?: string; followUpCase?: string } = {};

  const today = () => localDateAt(Date.now(), ZONE);
  const fields = (res: ApiResponse): string[] => [...new Set<string>((res.body?.errors ?? []).map((e: { field: string }) => e.field))];
  /** Status and named fields of a refused request, compared in one go so a failure shows both. */
  const refusal = (res: ApiResponse) => ({ status: res.status, fields: fields(res) });
  const get = (url: string, as = ADMIN_EMAIL) => stack.call('GET', url, undefined, stack.as(as));
  const post = (url: string, body: unknown, as = KOORDINATOR) => stack.call('POST', url, body, stack.as(as));
  const put = (url: string, body: unknown, as = KOORDINATOR) => stack.call('PUT', url, body, stack.as(as));
  /** Messages the SMTP receiver accepted so far, with their envelope recipients. */
  const mails = (subjectStart: string) =>
    stack.smtp.messages
      .map((m, i) => ({ subject: m.subject ?? '', to: stack.smtp.envelopes[i].to.map((a) => a.toLowerCase()), text: m.text ?? '' }))
      .filter((m) => m.subject.startsWith(subjectStart));

  const publish = async (template: Record<string, unknown>) => {
    const res = await post('/templates', template);
    if (res.status !== 201) throw new Error(`template ${String(template.key)}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  /** Launches as the coordinator and waits until every case's workflow has written its tasks. */
  const launch = async (body: { name: string; templateKey: string; startDate: string; unitCodes: string[] }, tasks: number) => {
    const res = await post('/programmes', body);
    expect([res.status, res.body.caseCount]).toEqual([201, body.unitCodes.length]);
    const cases: Array<{ id: string; unitCode: string }> = await eventually(async () => {
      const list = await get(`/programmes/${res.body.id}/cases?limit=50`, KOORDINATOR);
      const items = list.body.items ?? [];
      return items.length === body.unitCodes.length && items.every((c: { tasks?: unknown[] }) => c.tasks?.length === tasks) ? items : null;
    }, 30_000);
    return { programme: res.body, cases };
  };
  const submit = (caseId: string, key: string, as: string) => post(`/cases/${caseId}/tasks/${key}/submit`, { evidenceIds: [] }, as);
  const review = (caseId: string, key: string, as: string) => post(`/cases/${caseId}/tasks/${key}/review`, { decision: 'approve', level: 1 }, as);
  /** GET /cases/:id until `ready` holds. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const caseWhen = (id: string, ready: (body: any) => boolean, as = KOORDINATOR) =>
    eventually(async () => {
      const res = await get(`/cases/${id}`, as);
      return res.status === 200 && ready(res.body) ? res.body : null;
    }, 30_000);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const taskOf = (detail: any, key: string) => detail.tasks.find((t: { key: string }) => t.key === key);
  /** Task key -> state (a case's tasks are listed by due date, so not in template order). */
  const states = (tasks: Array<{ key: string; state: string }>) => Object.fromEntries(tasks.map((t) => [t.key, t.state]));
  /** Working days as the case workflows count them (national holidays and cuti bersama, no local holidays). */
  const workingCalendarFrom = (day: string) => new WorkingCalendar(holidaysBetween(day, addCalendarDays(day, 400)));

  beforeAll(async () => {
    stack = await startApiStack();
    for (const u of [
      { code: '63', name: 'Kalimantan Selatan', kind: 'PROVINSI' },
      { code: '63.71', name: 'Kota Banjarmasin', kind: 'KOTA', parentCode: '63' },
      { code: '63.71.01', name: 'Banjarmasin Selatan', kind: 'KECAMATAN', parentCode: '63.71' },
      { code: MANTUIL, name: 'Mantuil', kind: 'KELURAHAN', parentCode: '63.71.01' },
      { code: KELAYAN_SELATAN, name: 'Kelayan Selatan', kind: 'KELURAHAN', parentCode: '63.71.01' },
      { code: PEKAUMAN, name: 'Pekauman', kind: 'KELURAHAN', parentCode: '63.71.01' },
    ]) {
      const res = await stack.call('POST', '/units', u);
      if (res.status !== 201) throw new Error(`unit ${u.code}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await createPerson(stack, KOORDINATOR, [{ role: 'COORDINATOR', unitCode: '63.71' }], 'Bagian Organisasi Setda Kota Banjarmasin');
    await createPerson(stack, OBSERVER, [{ role: 'OBSERVER', unitCode: '63' }], 'Ombudsman RI Perwakilan Kalimantan Selatan');
    // The camat reviews the kelurahan under the kecamatan and, as its head, is the "parent unit head" of each.
    await createPerson(stack, CAMAT, [{ role: 'REVIEWER', unitCode: '63.71.01' }, { role: 'UNIT_HEAD', unitCode: '63.71.01' }], 'Camat Banjarmasin Selatan');
    await createPerson(stack, LURAH_MANTUIL, [{ role: 'UNIT_HEAD', unitCode: MANTUIL }], 'Lurah Mantuil');
    await createPerson(stack, LURAH_KELSEL, [{ role: 'UNIT_HEAD', unitCode: KELAYAN_SELATAN }], 'Lurah Kelayan Selatan');
    await createPerson(stack, LURAH_PEKAUMAN, [{ role: 'UNIT_HEAD', unitCode: PEKAUMAN }], 'Lurah Pekauman');
    await createPerson(stack, STAFF_PEKAUMAN, [{ role: 'UNIT_STAFF', unitCode: PEKAUMAN }], 'Petugas Pelayanan Pekauman');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  // ------------------------------------------------------------------------------------------------ instruments

  it('lists the four scoring instruments and shows one version with its components, weights and bands', async () => {
    const list = await get('/instruments', OBSERVER);
    expect(list.status).toBe(200);
    expect(list.body.map((i: { key: string; version: number }) => `${i.key}@${i.version}`)).toEqual(['kawal-checklist@1', 'ombudsman-kepatuhan@1', 'ombudsman-kepatuhan@2', 'pekppp@1']);
    expect(list.body.find((i: { key: string; version: number }) => i.key === 'ombudsman-kepatuhan' && i.version === 1)).toMatchObject({ appliesTo: { fromYear: 2013, toYear: 2021 }, components: [] });

    const v2 = await get('/instruments/ombudsman-kepatuhan/versions/2', LURAH_MANTUIL);
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ key: 'ombudsman-kepatuhan', version: 2, appliesTo: { fromYear: 2022, toYear: 2024 }, scale: { min: 0, max: 100, decimals: 2 } });
    expect(v2.body.source).toContain('Ombudsman');
    expect(v2.body.components.map((c: { key: string; weight: number }) => [c.key, c.weight])).toEqual([
      ['input', 21.85],
      ['proses', 32.37],
      ['output', 24.24],
      ['pengaduan', 21.54],
    ]);
    expect(v2.body.components.reduce((s: number, c: { weight: number }) => s + c.weight, 0)).toBeCloseTo(100, 9);
    expect(v2.body.bands.map((b: { category: string; zone: string; min: number; max: number }) => [b.category, b.zone, b.min, b.max])).toEqual([
      ['A', 'green', 88, 100],
      ['B', 'green', 78, 87.99],
      ['C', 'yellow', 54, 77.99],
      ['D', 'red', 32, 53.99],
      ['E', 'red', 0, 31.99],
    ]);

    for (const url of ['/instruments/skm-permenpan/versions/1', '/instruments/ombudsman-kepatuhan/versions/3']) {
      const missing = await get(url);
      expect([url, missing.status, missing.body.code]).toEqual([url, 404, 'NOT_FOUND']);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  // ------------------------------------------------------------------------------------------------ unit trend

  it("records Kota Banjarmasin's Ombudsman scores out of order and shows them year by year, each classified by its year's instrument", async () => {
    const url = (year: number) => `/units/63.71/scores/${year}`;
    const source = (year: number) => `Ombudsman RI, Penilaian Kepatuhan ${year}`;
    // Out of order: each answer's change is against the year before it recorded so far.
    const y2023 = await put(url(2023), { instrument: 'ombudsman-kepatuhan', score: 88.02, source: source(2023) });
    expect(y2023.status).toBe(200);
    expect(y2023.body).toMatchObject({ year: 2023, score: 88.02, zone: 'green', category: 'A', change: null, source: source(2023), recordedBy: KOORDINATOR, instrument: { key: 'ombudsman-kepatuhan', version: 2 } });
    const y2021 = await put(url(2021), { instrument: 'ombudsman-kepatuhan', score: 83.98, source: source(2021) });
    expect(y2021.body).toMatchObject({ year: 2021, score: 83.98, zone: 'green', category: 'Tinggi', change: null, instrument: { version: 1 } });
    const y2024 = await put(url(2024), { instrument: 'ombudsman-kepatuhan', score: 95.45, source: source(2024) });
    expect(y2024.body).toMatchObject({ year: 2024, category: 'A', change: 7.43 }); // 95.45 - 88.02
    const y2022 = await put(url(2022), { instrument: 'ombudsman-kepatuhan', score: 69.63, source: source(2022) });
    expect(y2022.body).toMatchObject({ year: 2022, category: 'C', zone: 'yellow', change: -14.35 }); // 69.63 - 83.98

    // Anyone signed in may read a unit's scores (the Ombudsman's observer here).
    const trend = await get('/units/63.71/scores', OBSERVER);
    expect(trend.status).toBe(200);
    expect(trend.body).toMatchObject({ unitCode: '63.71', unitName: 'Kota Banjarmasin', instrument: 'ombudsman-kepatuhan' });
    expect(trend.body.scores.map((s: { year: number; score: number; instrument: { version: number }; zone: string; category: string; change: number | null }) => [s.year, s.score, s.instrument.version, s.zone, s.category, s.change])).toEqual([
      [2021, 83.98, 1, 'green', 'Tinggi', null], // v1 (up to 2021): 81-100 is zona hijau, kepatuhan tinggi
      [2022, 69.63, 2, 'yellow', 'C', -14.35], // v2 (2022-2024): 54-77.99 is C
      [2023, 88.02, 2, 'green', 'A', 18.39], // 88.02 - 69.63
      [2024, 95.45, 2, 'green', 'A', 7.43], // 95.45 - 88.02
    ]);
    expect(trend.body.scores[0].label.id).toBe('Zona Hijau — kepatuhan tinggi');
    expect(trend.body.trend).toEqual({ firstYear: 2021, lastYear: 2024, change: 11.47, direction: 'up' }); // 95.45 - 83.98

    // 2023 corrected from its component scores under v2:
    //   (90 × 21.85 + 85.5 × 32.37 + 88 × 24.24 + 89 × 21.54) / 100
    // = (1966.5 + 2767.635 + 2133.12 + 1917.06) / 100 = 8784.315 / 100 = 87.84315 -> 87.84, category B (78-87.99).
    const components = { input: 90, proses: 85.5, output: 88, pengaduan: 89 };
    const corrected = await put(url(2023), { instrument: 'ombudsman-kepatuhan', components, source: 'Ombudsman RI, rincian dimensi 2023' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ year: 2023, score: 87.84, zone: 'green', category: 'B', components, change: 18.21 }); // 87.84 - 69.63
    const after = await get('/units/63.71/scores', LURAH_MANTUIL);
    expect(after.body.scores.map((s: { year: number; score: number; change: number | null }) => [s.year, s.score, s.change])).toEqual([
      [2021, 83.98, null],
      [2022, 69.63, -14.35],
      [2023, 87.84, 18.21],
      [2024, 95.45, 7.61], // 95.45 - 87.84
    ]);
    expect(after.body.trend).toEqual({ firstYear: 2021, lastYear: 2024, change: 11.47, direction: 'up' });
  });

  it('refuses an invalid score with 400 naming the field and the rule', async () => {
    const url = '/units/63.71/scores/2023';
    const results = {
      tooHigh: refusal(await put(url, { instrument: 'ombudsman-kepatuhan', score: 101 })),
      unknownInstrument: refusal(await put(url, { instrument: 'skm-permenpan', score: 80 })),
      both: refusal(await put(url, { instrument: 'ombudsman-kepatuhan', score: 80, components: { input: 80, proses: 80, output: 80, pengaduan: 80 } })),
      neither: refusal(await put(url, { instrument: 'ombudsman-kepatuhan' })),
      year1999: refusal(await put('/units/63.71/scores/1999', { instrument: 'ombudsman-kepatuhan', score: 80 })),
    };
    // Nothing was changed by the refused writes.
    const trend = await get('/units/63.71/scores');
    expect(trend.body.scores.map((s: { year: number; score: number }) => [s.year, s.score])).toEqual([
      [2021, 83.98],
      [2022, 69.63],
      [2023, 87.84],
      [2024, 95.45],
    ]);
    // Field errors are 400 VALIDATION_FAILED across the API, each naming the field.
    expect(results).toEqual({
      tooHigh: { status: 400, fields: ['score'] },
      unknownInstrument: { status: 400, fields: ['instrument'] },
      both: { status: 400, fields: ['score'] },
      neither: { status: 400, fields: ['score'] },
      year1999: { status: 400, fields: ['year'] },
    });
  });

  it('lets only coordinators and administrators over the unit write; a removed year leaves the trend; every write is audited', async () => {
    // A lurah (head of a kelurahan inside the kota) and the observer may read but not record.
    const lurah = await put('/units/63.71/scores/2023', { instrument: 'ombudsman-kepatuhan', score: 90 }, LURAH_MANTUIL);
    expect([lurah.status, lurah.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await put(`/units/${MANTUIL}/scores/2023`, { instrument: 'ombudsman-kepatuhan', score: 90 }, LURAH_MANTUIL)).status).toBe(403);
    expect((await put('/units/63.71/scores/2023', { instrument: 'ombudsman-kepatuhan', score: 90 }, OBSERVER)).status).toBe(403);
    expect((await stack.call('DELETE', '/units/63.71/scores/2021', undefined, stack.as(LURAH_MANTUIL))).status).toBe(403);
    expect((await get('/units/63.71/scores', OBSERVER)).body.scores).toHaveLength(4);
    expect((await put('/units/63.99/scores/2023', { instrument: 'ombudsman-kepatuhan', score: 90 })).status).toBe(404);

    // Remove 2021: the trend now runs 2022 -> 2024.
    const removed = await stack.call('DELETE', '/units/63.71/scores/2021', undefined, stack.as(KOORDINATOR));
    expect(removed.status).toBe(204);
    const trend = await get('/units/63.71/scores', OBSERVER);
    expect(trend.body.scores.map((s: { year: number; change: number | null }) => [s.year, s.change])).toEqual([
      [2022, null],
      [2023, 18.21],
      [2024, 7.61],
    ]);
    expect(trend.body.trend).toEqual({ firstYear: 2022, lastYear: 2024, change: 25.82, direction: 'up' }); // 95.45 - 69.63
    expect((await stack.call('DELETE', '/units/63.71/scores/2021', undefined, stack.as(KOORDINATOR))).status).toBe(404);

    // The directory audit holds each write, in order, by whom; the refused ones left nothing.
    const audit = await get('/audit/directory?limit=500');
    expect(audit.status).toBe(200);
    expect(audit.body.verification).toMatchObject({ valid: true });
    const scoreEvents = audit.body.events.filter((e: { action: string }) => e.action.startsWith('unit.score-'));
    expect(scoreEvents.map((e: { action: string; actor: string; after: { year?: number } | null; before: { year?: number } | null }) => [e.action, e.actor, e.after?.year ?? e.before?.year])).toEqual([
      ['unit.score-recorded', KOORDINATOR, 2023],
      ['unit.score-recorded', KOORDINATOR, 2021],
      ['unit.score-recorded', KOORDINATOR, 2024],
      ['unit.score-recorded', KOORDINATOR, 2022],
      ['unit.score-corrected', KOORDINATOR, 2023],
      ['unit.score-removed', KOORDINATOR, 2021],
    ]);
    expect(scoreEvents[0].after).toMatchObject({ unitCode: '63.71', year: 2023, score: 88.02, instrument: 'ombudsman-kepatuhan@2', source: 'Ombudsman RI, Penilaian Kepatuhan 2023' });
    expect(scoreEvents[4]).toMatchObject({ before: { score: 88.02 }, after: { score: 87.84 } });
  });

  // ------------------------------------------------------------------------------------------------ case score

  it("scores a case under the template's instrument and says exactly what is missing for the next category", async () => {
    const task = (key: string, title: string, component: string, weight: number) => ({
      key,
      title: { id: title },
      assigneeRole: 'UNIT_HEAD',
      due: { from: 'programmeStart', workingDays: 20 },
      evidence: { minItems: 0, kinds: ['document'] },
      component,
      weight,
    });
    await publish({
      key: 'uji-skor-kepatuhan',
      version: 1,
      name: { id: 'Persiapan Penilaian Kepatuhan Ombudsman (uji)' },
      scoring: { instrument: 'ombudsman-kepatuhan', version: 2 },
      tasks: [
        task('kompetensi-pelaksana', 'Pelatihan pelaksana pelayanan', 'input', 1),
        task('sarana-prasarana', 'Ruang tunggu dan sarana disabilitas', 'input', 3),
        task('standar-pelayanan', 'Standar pelayanan ditetapkan', 'proses', 2),
        task('maklumat-pelayanan', 'Maklumat pelayanan dipajang', 'proses', 1),
        task('sop-pelayanan', 'SOP pelayanan disusun', 'proses', 1),
        task('survei-persepsi', 'Survei persepsi maladministrasi', 'output', 1),
        task('perbaikan-layanan', 'Rencana perbaikan dari hasil survei', 'output', 1),
        task('kanal-pengaduan', 'Kanal pengaduan tersedia', 'pengaduan', 1),
        task('pengelolaan-pengaduan', 'Pengaduan dikelola dan dijawab', 'pengaduan', 2),
      ],
    });
    const { programme, cases } = await launch({ name: 'Persiapan Penilaian Kepatuhan Mantuil', templateKey: 'uji-skor-kepatuhan', startDate: today(), unitCodes: [MANTUIL] }, 9);
    ids.scoreProgramme = programme.id;
    const caseId = (ids.scoreCase = cases[0].id);

    // Nothing done yet: 0, category E.
    const fresh = await caseWhen(caseId, (c) => c.score !== null, LURAH_MANTUIL);
    expect(fresh.score).toMatchObject({ instrument: { key: 'ombudsman-kepatuhan', version: 2 }, score: 0, zone: 'red', category: 'E', next: { category: 'D', minScore: 32, pointsNeeded: 32 } });
    expect(fresh.designation).toBeNull();
    expect(taskOf(fresh, 'sarana-prasarana')).toMatchObject({ component: 'input', followUp: null, state: 'OPEN' });

    // No review level, no evidence needed: a submission approves at once.
    for (const key of ['sarana-prasarana', 'standar-pelayanan']) {
      const res = await submit(caseId, key, LURAH_MANTUIL);
      expect([key, res.status, res.body.task?.state]).toEqual([key, 200, 'APPROVED']);
    }

    // Components (weight: done/total of the task weights naming it):
    //   input     21.85: sarana-prasarana 3 of 1+3        -> 75
    //   proses    32.37: standar-pelayanan 2 of 2+1+1     -> 50
    //   output    24.24: nothing of 1+1                   -> 0
    //   pengaduan 21.54: nothing of 1+2                   -> 0
    // Total (75 × 21.85 + 50 × 32.37) / 100 = (1638.75 + 1618.5) / 100 = 32.5725 -> 32.57: D (32-53.99), red.
    // C starts at 54: 54 - 32.57 = 21.43 points needed.
    // Gain of a missing task = its weight / its component's total weight × the component's weight:
    //   pengelolaan-pengaduan 2/3 × 21.54 = 14.36; perbaikan-layanan, survei-persepsi 1/2 × 24.24 = 12.12;
    //   maklumat-pelayanan, sop-pelayanan 1/4 × 32.37 = 8.0925 -> 8.09; kanal-pengaduan 1/3 × 21.54 = 7.18;
    //   kompetensi-pelaksana 1/4 × 21.85 = 5.4625 -> 5.46. Equal gains by key.
    // Fewest tasks to C: 32.5725 + 14.36 = 46.9325 < 54; + 12.12 = 59.0525 >= 54 -> the first two.
    const scored = await caseWhen(caseId, (c) => c.score?.score === 32.57, LURAH_MANTUIL);
    const s = scored.score;
    expect(s).toMatchObject({
      instrument: { key: 'ombudsman-kepatuhan', version: 2 },
      score: 32.57,
      zone: 'red',
      category: 'D',
      label: { id: 'Kualitas Rendah', en: 'Low quality' },
      band: { min: 32, max: 53.99 },
      next: { category: 'C', zone: 'yellow', minScore: 54, pointsNeeded: 21.43 },
    });
    expect(s.components.map((c: { key: string; weight: number; score: number; doneWeight: number; totalWeight: number }) => [c.key, c.weight, c.score, c.doneWeight, c.totalWeight])).toEqual([
      ['input', 21.85, 75, 3, 4],
      ['proses', 32.37, 50, 2, 4],
      ['output', 24.24, 0, 0, 2],
      ['pengaduan', 21.54, 0, 0, 3],
    ]);
    expect(s.missing.map((m: { key: string; component: string; gain: number; state: string }) => [m.key, m.component, m.gain, m.state])).toEqual([
      ['pengelolaan-pengaduan', 'pengaduan', 14.36, 'OPEN'],
      ['perbaikan-layanan', 'output', 12.12, 'OPEN'],
      ['survei-persepsi', 'output', 12.12, 'OPEN'],
      ['maklumat-pelayanan', 'proses', 8.09, 'OPEN'],
      ['sop-pelayanan', 'proses', 8.09, 'OPEN'],
      ['kanal-pengaduan', 'pengaduan', 7.18, 'OPEN'],
      ['kompetensi-pelaksana', 'input', 5.46, 'OPEN'],
    ]);
    expect(s.missing[0].title).toBe('Pengaduan dikelola dan dijawab');
    expect(s.toNext).toMatchObject({ category: 'C', zone: 'yellow', minScore: 54, pointsNeeded: 21.43, reachable: true });
    expect(s.toNext.tasks).toEqual([
      { key: 'pengelolaan-pengaduan', title: 'Pengaduan dikelola dan dijawab', component: 'pengaduan', state: 'OPEN', gain: 14.36 },
      { key: 'perbaikan-layanan', title: 'Rencana perbaikan dari hasil survei', component: 'output', state: 'OPEN', gain: 12.12 },
    ]);
  });

  it("shows the programme's score distribution and its lowest units to those who may read the programme", async () => {
    const id = ids.scoreProgramme!;
    const body = await eventually(async () => {
      const res = await get(`/programmes/${id}/scores`, KOORDINATOR);
      return res.status === 200 && res.body.lowest[0]?.score === 32.57 ? res.body : null;
    }, 30_000);
    expect(body).toMatchObject({ programmeId: id, instrument: { key: 'ombudsman-kepatuhan', version: 2 }, cases: 1, scored: 1 });
    expect(body.distribution).toMatchObject({ count: 1, mean: 32.57, median: 32.57, min: 32.57, max: 32.57, byZone: { green: 0, yellow: 0, red: 1 } });
    expect(body.distribution.byCategory.map((c: { category: string; count: number }) => [c.category, c.count])).toEqual([
      ['A', 0],
      ['B', 0],
      ['C', 0],
      ['D', 1],
      ['E', 0],
    ]);
    expect(body.distribution.histogram).toHaveLength(10);
    expect(body.distribution.histogram.filter((b: { count: number }) => b.count > 0)).toEqual([{ from: 30, to: 40, count: 1 }]);
    expect(body.lowest).toEqual([{ caseId: ids.scoreCase, unitCode: MANTUIL, unitName: 'Mantuil', score: 32.57, zone: 'red', category: 'D' }]);

    expect((await get(`/programmes/${id}/scores?lowest=0`, KOORDINATOR)).body.lowest).toEqual([]);
    expect((await get(`/programmes/${id}/scores`, OBSERVER)).status).toBe(200);
    expect((await get(`/programmes/${id}/scores`, LURAH_MANTUIL)).status).toBe(404);
  });

  // ------------------------------------------------------------------------------------------------ designation

  it('grants the designation when penetapan is approved', async () => {
    const step = (key: string, title: string, reviewer: 'REVIEWER' | 'COORDINATOR', workingDays: number, dependsOn?: string) => ({
      key,
      title: { id: title },
      assigneeRole: 'UNIT_HEAD',
      due: { from: 'programmeStart', workingDays },
      evidence: { minItems: 0, kinds: ['document'] },
      ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
      review: { levels: [{ role: reviewer, name: { id: reviewer === 'REVIEWER' ? 'Camat' : 'Bagian Organisasi' } }] },
    });
    await publish({
      key: 'uji-kbm-pencabutan',
      version: 1,
      name: { id: 'Kelurahan Bebas Maladministrasi (uji pencabutan)' },
      tasks: [
        step('sosialisasi', 'Sosialisasi maklumat pelayanan', 'REVIEWER', 10),
        step('verifikasi', 'Verifikasi lapangan', 'REVIEWER', 20, 'sosialisasi'),
        step('penetapan', 'Penetapan oleh Wali Kota', 'COORDINATOR', 30, 'verifikasi'),
      ],
      revocation: {
        designationTask: 'penetapan',
        name: { id: 'Kelurahan Bebas Maladministrasi', en: 'Maladministration-free Kelurahan' },
        reopens: ['verifikasi', 'penetapan'],
        notify: ['UNIT_HEAD', 'PARENT_UNIT_HEAD', 'COORDINATOR'],
      },
    });
    const { cases } = await launch({ name: 'Kelurahan Bebas Maladministrasi Banjarmasin Selatan', templateKey: 'uji-kbm-pencabutan', startDate: today(), unitCodes: [KELAYAN_SELATAN] }, 3);
    const caseId = (ids.kbmCase = cases[0].id);

    const pending = await caseWhen(caseId, (c) => c.designation !== null);
    expect(pending.designation).toEqual({ name: { id: 'Kelurahan Bebas Maladministrasi', en: 'Maladministration-free Kelurahan' }, status: 'pending', grantedOn: null, revocations: [] });
    expect(pending.score).toBeNull();

    for (const [key, reviewer] of [
      ['sosialisasi', CAMAT],
      ['verifikasi', CAMAT],
      ['penetapan', KOORDINATOR],
    ] as const) {
      const submitted = await submit(caseId, key, LURAH_KELSEL);
      expect([key, submitted.status, submitted.body.task?.state]).toEqual([key, 200, 'SUBMITTED']);
      const approved = await review(caseId, key, reviewer);
      expect([key, approved.status, approved.body.task?.state]).toEqual([key, 200, 'APPROVED']);
    }
    // Every task done: the case completes (and waits for a sign-off) once its notifications are out.
    const granted = await caseWhen(caseId, (c) => c.designation?.status === 'granted' && c.status === 'COMPLETED');
    expect(granted.designation).toMatchObject({ status: 'granted', grantedOn: today(), revocations: [] });
    expect(states(granted.tasks)).toEqual({ sosialisasi: 'APPROVED', verifikasi: 'APPROVED', penetapan: 'APPROVED' });
  });

  it('refuses a revocation from the lurah (403)', async () => {
    const lurah = await post(`/cases/${ids.kbmCase}/designation/revoke`, { reason: 'Saya sendiri mencabut' }, LURAH_KELSEL);
    expect([lurah.status, lurah.body.code]).toEqual([403, 'FORBIDDEN']);
    const camat = await post(`/cases/${ids.kbmCase}/designation/revoke`, { reason: 'Camat mencabut' }, CAMAT);
    expect(camat.status).toBe(403);
  });

  it('refuses a revocation without a reason (missing or blank) with 400 naming the field', async () => {
    const results = {
      missing: refusal(await post(`/cases/${ids.kbmCase}/designation/revoke`, { reference: 'LAHP 0012/LM/XI/2026/BJM' })),
      blank: refusal(await post(`/cases/${ids.kbmCase}/designation/revoke`, { reason: '   ', reference: 'LAHP 0012/LM/XI/2026/BJM' })),
    };
    // Nothing was revoked.
    expect((await get(`/cases/${ids.kbmCase}`, KOORDINATOR)).body.designation.status).toBe('granted');
    expect(results).toEqual({ missing: { status: 400, fields: ['reason'] }, blank: { status: 400, fields: ['reason'] } });
  });

  it('revokes the designation: the listed tasks reopen, the camat and the coordinator hear it with the lurah, once each', async () => {
    const caseId = ids.kbmCase!;
    // Nothing was revoked by the refused requests.
    expect((await get(`/cases/${caseId}`, KOORDINATOR)).body.designation.status).toBe('granted');

    const reason = 'Laporan pungutan liar dalam pelayanan surat keterangan terbukti';
    const reference = 'LAHP 0012/LM/XI/2026/BJM';
    const revoked = await post(`/cases/${caseId}/designation/revoke`, { reason, reference });
    expect(revoked.status).toBe(200);
    expect(revoked.body.caseStatus).toBe('ACTIVE');
    expect(states(revoked.body.tasks)).toEqual({ sosialisasi: 'APPROVED', verifikasi: 'OPEN', penetapan: 'BLOCKED' });

    const detail = await caseWhen(caseId, (c) => c.designation?.status === 'revoked', LURAH_KELSEL);
    expect(detail.status).toBe('ACTIVE');
    expect(detail.designation).toMatchObject({ status: 'revoked', grantedOn: null });
    expect(detail.designation.revocations).toEqual([{ at: expect.any(String), on: today(), by: KOORDINATOR, reason, reference, reopened: ['verifikasi', 'penetapan'] }]);
    expect(states(detail.tasks)).toEqual({ sosialisasi: 'APPROVED', verifikasi: 'OPEN', penetapan: 'BLOCKED' });
    // The first reopened task counts its deadline from the day of the revocation (the next working day when it falls
    // on a weekend; programme start + 20 working days in the template); penetapan waits for verifikasi, with no
    // deadline until verifikasi is done again.
    const calendar = workingCalendarFrom(today());
    expect(taskOf(detail, 'verifikasi')).toMatchObject({ state: 'OPEN', dueDate: calendar.addWorkingDays(calendar.onOrAfter(today()), 20) });
    expect(taskOf(detail, 'penetapan')).toMatchObject({ state: 'BLOCKED', dueDate: null });

    // The lurah (unit head), the camat (head of the parent unit) and the programme's coordinator: one email each.
    const subject = '[Kawal] Penetapan dicabut: Kelurahan Bebas Maladministrasi — Kelayan Selatan';
    const sent = await eventually(async () => (mails('[Kawal] Penetapan dicabut').length >= 3 ? mails('[Kawal] Penetapan dicabut') : null), 30_000);
    expect(sent.map((m) => m.subject)).toEqual([subject, subject, subject]);
    expect(sent.map((m) => m.to).sort()).toEqual([[CAMAT], [KOORDINATOR], [LURAH_KELSEL]].sort());
    for (const m of sent) {
      expect(m.text).toContain(`Alasan: ${reason}`);
      expect(m.text).toContain(reference);
      expect(m.text).toContain('Verifikasi lapangan');
      expect(m.text).toContain('Penetapan oleh Wali Kota');
    }

    // Nothing left to revoke.
    const again = await post(`/cases/${caseId}/designation/revoke`, { reason: 'Laporan kedua' });
    expect([again.status, again.body.code]).toEqual([409, 'NOT_DESIGNATED']);
    // A template without a designation has nothing to revoke either.
    const noDesignation = await post(`/cases/${ids.scoreCase}/designation/revoke`, { reason: 'Tidak berlaku' });
    expect([noDesignation.status, noDesignation.body.code]).toEqual([409, 'NO_DESIGNATION']);
    // Still exactly one email per person.
    expect(mails('[Kawal] Penetapan dicabut')).toHaveLength(3);
  });

  // ------------------------------------------------------------------------------------------------ follow-ups

  it("adds follow-up tasks from the Ombudsman's rapor, each with its owner and deadline", async () => {
    await publish({
      key: 'uji-tindak-lanjut-rapor',
      version: 1,
      name: { id: 'Tindak Lanjut Rapor Ombudsman (uji)' },
      tasks: [{ key: 'rencana-aksi', title: { id: 'Rencana aksi tindak lanjut' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 20 } }],
      followUps: { name: { id: 'Tindak lanjut rapor Ombudsman' }, review: { levels: [{ role: 'COORDINATOR', name: { id: 'Bagian Organisasi' } }] } },
    });
    const { cases } = await launch({ name: 'Tindak Lanjut Rapor Ombudsman Pekauman', templateKey: 'uji-tindak-lanjut-rapor', startDate: today(), unitCodes: [PEKAUMAN] }, 1);
    const caseId = (ids.followUpCase = cases[0].id);
    const source = 'Rapor Ombudsman RI 2024';
    const first = 'Lengkapi standar pelayanan dengan komponen biaya/tarif';
    const second = 'Sediakan sarana pengaduan bagi penyandang disabilitas';

    const day = today();
    const res = await post(`/cases/${caseId}/follow-ups`, { source, items: [{ title: first, ownerEmail: STAFF_PEKAUMAN }, { title: second, workingDays: 5 }] });
    expect(res.status).toBe(200);
    // Due: 20 working days (the template's default) and 5 working days from today, in the unit's calendar.
    const calendar = workingCalendarFrom(day);
    const due1 = calendar.addWorkingDays(calendar.onOrAfter(day), 20);
    const due2 = calendar.addWorkingDays(calendar.onOrAfter(day), 5);
    expect(res.body.tasks.filter((t: { key: string }) => t.key.startsWith('follow-up-'))).toEqual([
      expect.objectContaining({ key: 'follow-up-1', title: first, state: 'OPEN', dueDate: due1, assigneeEmail: STAFF_PEKAUMAN, followUp: { source, addedBy: KOORDINATOR } }),
      expect.objectContaining({ key: 'follow-up-2', title: second, state: 'OPEN', dueDate: due2, assigneeEmail: null, followUp: { source, addedBy: KOORDINATOR } }),
    ]);

    const detail = await caseWhen(caseId, (c) => c.tasks.length === 3);
    // (Tasks are listed by due date.)
    expect(detail.tasks.map((t: { key: string; state: string; dueDate: string | null; assigneeEmail: string | null }) => [t.key, t.state, t.dueDate, t.assigneeEmail]).sort()).toEqual([
      ['follow-up-1', 'OPEN', due1, STAFF_PEKAUMAN],
      ['follow-up-2', 'OPEN', due2, null],
      ['rencana-aksi', 'OPEN', calendar.addWorkingDays(calendar.onOrAfter(day), 20), null],
    ]);
    expect(taskOf(detail, 'follow-up-1')).toMatchObject({ followUp: { source, addedBy: KOORDINATOR }, component: null });

    // The owner is told the task is theirs; the unit head gets the one without an owner.
    const assigned = await eventually(async () => {
      const m = mails('[Kawal] Penugasan: ');
      return m.some((x) => x.to.includes(STAFF_PEKAUMAN)) && m.some((x) => x.to.includes(LURAH_PEKAUMAN) && x.subject.includes(second)) ? m : null;
    }, 30_000);
    const toOwner = assigned.filter((m) => m.to.includes(STAFF_PEKAUMAN));
    expect(toOwner.map((m) => m.subject)).toEqual([`[Kawal] Penugasan: "${first}"`]);
    expect(toOwner[0].text).toContain(source);
    expect(assigned.filter((m) => m.to.includes(LURAH_PEKAUMAN) && m.subject.includes(first))).toEqual([]);

    // Only the coordinator adds follow-ups.
    expect((await post(`/cases/${caseId}/follow-ups`, { source, items: [{ title: 'Dari lurah' }] }, LURAH_PEKAUMAN)).status).toBe(403);
    // A template without followUps takes none.
    const none = await post(`/cases/${ids.scoreCase}/follow-ups`, { source, items: [{ title: first, workingDays: 5 }] });
    expect([none.status, none.body.code]).toEqual([409, 'FOLLOW_UPS_NOT_ALLOWED']);
  });

  it('refuses a follow-up owner who is not registered with 400 naming the item', async () => {
    const res = await post(`/cases/${ids.followUpCase}/follow-ups`, {
      source: 'Rapor Ombudsman RI 2024',
      items: [{ title: 'Pemilik tidak terdaftar', ownerEmail: 'tidak.terdaftar@banjarmasinkota.go.id' }],
    });
    // Nothing was added.
    const detail = await get(`/cases/${ids.followUpCase}`, KOORDINATOR);
    expect(detail.body.tasks.map((t: { key: string }) => t.key).sort()).toEqual(['follow-up-1', 'follow-up-2', 'rencana-aksi']);
    expect(refusal(res)).toEqual({ status: 400, fields: ['items[0].ownerEmail'] });
  });

  // ------------------------------------------------------------------------------------------------ next cycle

  it('launches the next cycle of a yearly programme once: same units, the year moved on, start + 12 months', async () => {
    await publish({
      key: 'uji-tindak-lanjut-mou',
      version: 1,
      name: { id: 'Tindak Lanjut MoU Ombudsman (uji)' },
      tasks: [{ key: 'laporan-tindak-lanjut', title: { id: 'Laporan tindak lanjut MoU' }, assigneeRole: 'UNIT_HEAD', due: { from: 'programmeStart', workingDays: 20 } }],
      cycle: { everyMonths: 12 },
    });
    const first = await post('/programmes', { name: 'Tindak Lanjut MoU 2026', templateKey: 'uji-tindak-lanjut-mou', startDate: '2026-12-01', unitCodes: [MANTUIL, KELAYAN_SELATAN] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: 'Tindak Lanjut MoU 2026', cycle: 1, previousProgrammeId: null, startDate: '2026-12-01', caseCount: 2 });

    // An observer reads but does not steer.
    expect((await post(`/programmes/${first.body.id}/next-cycle`, {}, OBSERVER)).status).toBe(403);

    const next = await post(`/programmes/${first.body.id}/next-cycle`, {});
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({
      name: 'Tindak Lanjut MoU 2027',
      cycle: 2,
      previousProgrammeId: first.body.id,
      startDate: '2027-12-01', // the default: this cycle's start + cycle.everyMonths (12)
      caseCount: 2,
      templateKey: 'uji-tindak-lanjut-mou',
      templateVersion: 1,
      coordinatorEmail: KOORDINATOR,
      status: 'RUNNING',
    });
    expect(next.body.id).not.toBe(first.body.id);
    const units = await get(`/programmes/${next.body.id}/cases?limit=50`, KOORDINATOR);
    expect(units.body.items.map((c: { unitCode: string }) => c.unitCode)).toEqual([MANTUIL, KELAYAN_SELATAN]);
    const listed = await get('/programmes?q=MoU', KOORDINATOR);
    expect(listed.body.items.map((p: { name: string; cycle: number; previousProgrammeId: string | null }) => [p.name, p.cycle, p.previousProgrammeId])).toEqual([
      ['Tindak Lanjut MoU 2027', 2, first.body.id],
      ['Tindak Lanjut MoU 2026', 1, null],
    ]);

    const again = await post(`/programmes/${first.body.id}/next-cycle`, {});
    expect([again.status, again.body.code]).toEqual([409, 'NEXT_CYCLE_EXISTS']);
    const noCycle = await post(`/programmes/${ids.scoreProgramme}/next-cycle`, {});
    expect([noCycle.status, noCycle.body.code]).toEqual([409, 'NO_CYCLE']);
  });
});
