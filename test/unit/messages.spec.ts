import type { MessageData, ProgrammeMessageKind } from '@kawal/contracts';
import { formatLocalDate, formatNumber, renderMessage, type Locale } from '@kawal/mail';

describe('email messages', () => {
  const reminder = { kind: 'reminder' as const, programmeName: 'KBM 2027', unitName: 'Loktabat Utara', taskTitle: 'Dokumen <SP>', dueDate: '2027-03-17', timeZone: 'WITA', workingDaysBefore: 1, link: 'https://kawal.test/cases/1/tasks/a' };

  it('writes a reminder in Bahasa Indonesia with the local due date and what to do next, text and HTML', () => {
    const m = renderMessage(reminder, 'Ibu Lurah', 'id');
    expect(m.subject).toBe('[Kawal] Pengingat: "Dokumen <SP>" jatuh tempo 17 Maret 2027 (WITA)');
    expect(m.text).toContain('Yth. Ibu Lurah,');
    expect(m.text).toContain('dalam 1 hari kerja');
    expect(m.text).toContain('Langkah berikutnya');
    expect(m.html).toContain('Dokumen &lt;SP&gt;');
    expect(m.html).toContain('href="https://kawal.test/cases/1/tasks/a"');
  });

  it('writes the same in English for people who prefer it', () => {
    const m = renderMessage(reminder, 'Madam', 'en');
    expect(m.subject).toBe('[Kawal] Reminder: "Dokumen <SP>" is due 17 March 2027 (WITA)');
    expect(m.text).toContain('in 1 working day,');
  });

  it('formats local dates with the Indonesian or English month and the zone', () => {
    expect(formatLocalDate('2026-03-17', 'WITA', 'id')).toBe('17 Maret 2026 (WITA)');
    expect(formatLocalDate('2026-03-17', 'WITA', 'en')).toBe('17 March 2026 (WITA)');
    expect(formatLocalDate('2026-12-01', 'WIT', 'id')).toBe('1 Desember 2026 (WIT)');
  });

  describe('every kind, in both languages', () => {
    const XSS = '<script>alert(1)</script>';
    const base = { programmeName: 'Kelurahan Bebas Maladministrasi 2026', unitName: 'Loktabat Utara', taskTitle: 'Unggah dokumen standar pelayanan', link: 'https://kawal.test/cases/7/tasks/dokumen?x=1&y=2' };
    const due = { dueDate: '2026-03-17', timeZone: 'WITA' };

    /**
     * One message per kind about a unit (the Record makes a new kind without an example fail to compile; the kinds about
     * a whole programme have theirs in 'programme-level kinds' below) and the dates it must show.
     */
    const examples: { [K in Exclude<MessageData['kind'], ProgrammeMessageKind>]: { data: Extract<MessageData, { kind: K }>; dates: string[]; caseLevel?: boolean } } = {
      reminder: { data: { ...base, ...due, kind: 'reminder', workingDaysBefore: 2 }, dates: ['2026-03-17'] },
      overdue: { data: { ...base, ...due, kind: 'overdue', workingDaysLate: 3 }, dates: ['2026-03-17'] },
      escalation: { data: { ...base, ...due, kind: 'escalation', workingDaysLate: 5, level: 2, target: 'PARENT_UNIT_HEAD' }, dates: ['2026-03-17'] },
      'task-returned': { data: { ...base, ...due, kind: 'task-returned', comment: `Lampiran kurang ${XSS}` }, dates: ['2026-03-17'] },
      'task-approved': { data: { ...base, kind: 'task-approved' }, dates: [] },
      'task-assigned': { data: { ...base, ...due, kind: 'task-assigned', assignedBy: 'Bagian Organisasi', reason: `Pergantian petugas ${XSS}` }, dates: ['2026-03-17'] },
      'extension-requested': { data: { ...base, ...due, kind: 'extension-requested', workingDays: 5, requestedBy: 'Lurah Loktabat Utara', reason: `Banjir ${XSS}` }, dates: ['2026-03-17'] },
      'extension-decided': { data: { ...base, kind: 'extension-decided', approved: true, oldDueDate: '2026-03-17', newDueDate: '2026-03-24', timeZone: 'WITA', decidedBy: 'Bagian Organisasi', comment: `Disetujui ${XSS}` }, dates: ['2026-03-17', '2026-03-24'] },
      'case-signed-off': { data: { ...base, taskTitle: '', kind: 'case-signed-off', signedOffBy: 'Bagian Organisasi', comment: `Terima kasih ${XSS}` }, dates: [], caseLevel: true },
      'programme-notice': { data: { ...base, taskTitle: '', kind: 'programme-notice', action: 'extended', reason: `Libur nasional ${XSS}`, by: 'Bagian Organisasi', workingDays: 3 }, dates: [], caseLevel: true },
      'designation-revoked': {
        data: {
          ...base,
          taskTitle: '',
          kind: 'designation-revoked',
          designationName: 'Kelurahan Bebas Maladministrasi',
          reason: `Laporan pungutan liar terbukti ${XSS}`,
          reference: 'LAHP 0012/LM/2026',
          by: 'Bagian Organisasi',
          timeZone: 'WITA',
          reopened: [
            { title: 'Verifikasi lapangan', dueDate: '2026-03-17' },
            { title: 'Penetapan', dueDate: null },
          ],
        },
        dates: ['2026-03-17'],
        caseLevel: true,
      },
      'delivery-failed': { data: { ...base, taskTitle: '', kind: 'delivery-failed', failedRecipient: 'lurah@salah.example', failedKind: 'reminder', error: `550 no such user ${XSS}` }, dates: [], caseLevel: true },
    };

    describe.each(Object.values(examples).map((e) => [e.data.kind, e] as const))('%s', (_kind, { data, dates, caseLevel }) => {
      const render = (locale: Locale) => renderMessage(data, locale === 'id' ? 'Bapak Lurah' : 'Sir', locale);

      it('has a subject in each language, different between them', () => {
        const [id, en] = [render('id'), render('en')];
        expect(id.subject.trim()).not.toBe('');
        expect(en.subject.trim()).not.toBe('');
        expect(id.subject).toMatch(/^\[Kawal\] /);
        expect(id.subject).not.toBe(en.subject);
        expect(id.text).not.toBe(en.text);
      });

      it.each(['id', 'en'] as const)('%s: greets, names programme, unit, task and the local dates, says what to do next', (locale) => {
        const m = render(locale);
        expect(m.text.startsWith(locale === 'id' ? 'Yth. Bapak Lurah,' : 'Dear Sir,')).toBe(true);
        expect(m.text).toContain(data.programmeName);
        expect(m.text).toContain(data.unitName);
        if (caseLevel) expect(m.text).not.toContain('""');
        else expect(m.text).toContain(`"${data.taskTitle}"`);
        for (const d of dates) expect(m.text).toContain(formatLocalDate(d, 'WITA', locale));
        expect(m.text).toContain(data.link);
        expect(m.text).toMatch(locale === 'id' ? /Langkah berikutnya|Tidak ada tindakan lebih lanjut/ : /Next step|Nothing more is needed/);
      });

      it.each(['id', 'en'] as const)('%s: HTML carries the link and escapes what people typed', (locale) => {
        const m = render(locale);
        expect(m.html).toContain('href="https://kawal.test/cases/7/tasks/dokumen?x=1&amp;y=2"');
        expect(m.html).not.toContain('<script>');
        if (m.text.includes(XSS)) expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      });
    });

    it('puts the free text (comment, reason) in the message wherever one is given', () => {
      for (const { data } of Object.values(examples)) {
        if ('comment' in data || 'reason' in data) for (const locale of ['id', 'en'] as const) expect(renderMessage(data, 'X', locale).text).toContain(XSS);
      }
    });
  });

  describe('details per kind', () => {
    const base = { programmeName: 'KBM 2026', unitName: 'Loktabat Utara', taskTitle: 'Dokumen', link: 'https://kawal.test/t' };
    const due = { dueDate: '2026-03-17', timeZone: 'WITA' };

    it('overdue: counts working days late since the due date and offers an extension', () => {
      const id = renderMessage({ ...base, ...due, kind: 'overdue', workingDaysLate: 3 }, 'Ibu Lurah', 'id');
      expect(id.text).toContain('terlambat 3 hari kerja');
      expect(id.text).toContain('17 Maret 2026 (WITA)');
      expect(id.text).toMatch(/mohon segera/);
      expect(id.text).toContain('perpanjangan');
      const en = renderMessage({ ...base, ...due, kind: 'overdue', workingDaysLate: 1 }, 'Madam', 'en');
      expect(en.text).toContain('1 working day late');
      expect(en.text).toContain('extension');
    });

    it.each(['UNIT_HEAD', 'PARENT_UNIT_HEAD', 'COORDINATOR'] as const)('escalation to %s: names the late unit, says why the recipient gets it, asks to follow up', (target) => {
      const data = { ...base, ...due, kind: 'escalation' as const, workingDaysLate: 4, level: 1, target };
      const id = renderMessage(data, 'Bapak Camat', 'id');
      const en = renderMessage(data, 'Sir', 'en');
      expect(id.subject).toMatch(/^\[Kawal\] Eskalasi: /);
      expect(en.subject).toMatch(/^\[Kawal\] Escalation: /);
      expect(id.subject).toContain('Loktabat Utara');
      expect(id.text).toContain('terlambat 4 hari kerja');
      expect(en.text).toContain('4 working days late');
      expect(id.text).toContain('17 Maret 2026 (WITA)');
      expect(id.text).toContain(target === 'UNIT_HEAD' ? 'selaku pimpinan Loktabat Utara' : target === 'PARENT_UNIT_HEAD' ? 'membawahi Loktabat Utara' : 'selaku koordinator program');
      expect(en.text).toMatch(target === 'UNIT_HEAD' ? /make sure the assigned staff/ : /follow up with Loktabat Utara/);
    });

    it('task-assigned without a due date: says the task waits on another one and shows no date', () => {
      const data = { ...base, kind: 'task-assigned' as const, dueDate: null, timeZone: 'WITA', assignedBy: 'Bagian Organisasi' };
      const id = renderMessage(data, 'Ibu Lurah', 'id');
      const en = renderMessage(data, 'Madam', 'en');
      expect(id.text).toContain('Batas waktu belum ditetapkan');
      expect(id.text).toContain('menunggu penyelesaian tugas lain');
      expect(en.text).toContain('waiting on another task');
      for (const m of [id, en]) {
        expect(m.text).not.toMatch(/null|undefined|NaN|\(WITA\)/);
        expect(m.text).toContain('Bagian Organisasi');
      }
    });

    it('task-assigned with a due date and no reason: shows the date and no empty note', () => {
      const id = renderMessage({ ...base, ...due, kind: 'task-assigned', assignedBy: 'Bagian Organisasi' }, 'Ibu Lurah', 'id');
      expect(id.text).toContain('Batas waktu: 17 Maret 2026 (WITA).');
      expect(id.text).not.toContain('Keterangan');
    });

    it('extension-requested: who asks, for how long, why, the current due date, and asks the coordinator to decide', () => {
      const data = { ...base, ...due, kind: 'extension-requested' as const, workingDays: 5, requestedBy: 'Lurah Loktabat Utara', reason: 'Banjir' };
      const id = renderMessage(data, 'Bagian Organisasi', 'id');
      expect(id.text).toContain('Lurah Loktabat Utara');
      expect(id.text).toContain('5 hari kerja');
      expect(id.text).toContain('Alasan: Banjir');
      expect(id.text).toContain('Batas waktu saat ini: 17 Maret 2026 (WITA).');
      expect(id.text).toMatch(/menyetujui atau menolak/);
      expect(renderMessage(data, 'Coordinator', 'en').text).toMatch(/approve or refuse/);
    });

    it('extension-decided: approved shows the new due date, refused keeps the old one', () => {
      const decided = { ...base, kind: 'extension-decided' as const, oldDueDate: '2026-03-17', timeZone: 'WITA', decidedBy: 'Bagian Organisasi' };
      const yes = renderMessage({ ...decided, approved: true, newDueDate: '2026-03-24' }, 'Ibu Lurah', 'id');
      expect(yes.subject).toContain('disetujui');
      expect(yes.text).toContain('Batas waktu baru: 24 Maret 2026 (WITA); sebelumnya 17 Maret 2026 (WITA).');
      expect(yes.text).not.toContain('Catatan');
      const no = renderMessage({ ...decided, approved: false, newDueDate: '2026-03-17', comment: 'Mohon diselesaikan' }, 'Madam', 'en');
      expect(no.subject).toContain('refused');
      expect(no.text).toContain('The due date stays 17 March 2026 (WITA).');
      expect(no.text).toContain('Comment: Mohon diselesaikan');
    });

    it('case-signed-off: case-level, names who signed off', () => {
      const m = renderMessage({ ...base, taskTitle: '', kind: 'case-signed-off', signedOffBy: 'Bagian Organisasi' }, 'Ibu Lurah', 'id');
      expect(m.subject).toContain('Loktabat Utara');
      expect(m.text).toContain('disahkan oleh Bagian Organisasi');
      expect(m.text).not.toContain('Catatan');
    });

    it.each([
      ['extended', 3, /selama 3 hari kerja/, /by 3 working days/],
      ['suspended', undefined, /menghentikan sementara/, /suspended/],
      ['resumed', 2, /digeser 2 hari kerja/, /moved by 2 working days/],
      ['cancelled', undefined, /membatalkan/, /cancelled/],
      ['closed', undefined, /menutup/, /closed/],
    ] as const)('programme-notice %s: says what happened, why and by whom', (action, workingDays, idText, enText) => {
      const data = { ...base, taskTitle: '', kind: 'programme-notice' as const, action, reason: 'Libur nasional', by: 'Bagian Organisasi', workingDays };
      const id = renderMessage(data, 'Ibu Lurah', 'id');
      const en = renderMessage(data, 'Madam', 'en');
      expect(id.text).toMatch(idText);
      expect(en.text).toMatch(enText);
      expect(id.text).toContain('Alasan: Libur nasional');
      expect(en.text).toContain('Reason: Libur nasional');
      expect(id.text).toContain('Bagian Organisasi');
      expect(id.subject).not.toBe(en.subject);
      expect(id.text).not.toMatch(/undefined/);
    });
  });
  describe('programme-level kinds, to the coordinator', () => {
    const base = { programmeName: 'Kelurahan Bebas Maladministrasi <2027>', timeZone: 'WITA', link: 'https://kawal.test/programmes/p1?x=1&y=2' };
    const launched: Extract<MessageData, { kind: 'programme-launched' }> = {
      ...base,
      kind: 'programme-launched',
      unitsLaunched: 1234,
      startDate: '2027-03-17',
      templateName: 'Tindak lanjut standar pelayanan',
      templateVersion: 3,
      summaryTime: '07:30',
    };
    const summary: Extract<MessageData, { kind: 'programme-weekly-summary' }> = {
      ...base,
      kind: 'programme-weekly-summary',
      weekKey: '2027-W10',
      weekStart: '2027-03-08',
      weekEnd: '2027-03-14',
      unitCount: 20,
      taskCount: 200,
      tasksByState: { BLOCKED: 10, OPEN: 60, SUBMITTED: 12, IN_REVIEW: 8, RETURNED: 5, APPROVED: 95, WAIVED: 10 },
      percentApproved: 52.5,
      approvedThisWeek: 17,
      overdueUnitCount: 12,
      overdueTaskCount: 31,
      overdueUnits: Array.from({ length: 10 }, (_, i) => ({ code: `63.72.01.10${String(i + 1).padStart(2, '0')}`, name: `Kelurahan ${i + 1}`, overdueTasks: 10 - i, percentApproved: 10 * i })),
      worstUnits: [
        { code: '63.72.01.1001', name: 'Kelurahan 1', overdueTasks: 10, percentApproved: 0 },
        { code: '63.72.01.1002', name: 'Kelurahan <2>', overdueTasks: 0, percentApproved: 12.5 },
      ],
    };
    /** Every programme-level kind has an example (a new one fails to compile until it has). */
    const programmeExamples: { [K in ProgrammeMessageKind]: Extract<MessageData, { kind: K }> } = { 'programme-launched': launched, 'programme-weekly-summary': summary };

    describe.each(Object.values(programmeExamples).map((d) => [d.kind, d] as const))('%s', (_kind, data) => {
      it.each(['id', 'en'] as const)('%s: greets, names the programme, links to it, says what to do next, escapes in HTML', (locale) => {
        const m = renderMessage(data, locale === 'id' ? 'Bagian Organisasi' : 'Coordinator', locale);
        expect(m.subject).toMatch(/^\[Kawal\] /);
        expect(m.subject).toContain(data.programmeName);
        expect(m.text.startsWith(locale === 'id' ? 'Yth. Bagian Organisasi,' : 'Dear Coordinator,')).toBe(true);
        expect(m.text).toContain(data.programmeName);
        expect(m.text).toContain(data.link);
        expect(m.text).toMatch(locale === 'id' ? /Langkah berikutnya/ : /Next step/);
        expect(m.text).not.toMatch(/undefined|NaN|null|""/);
        expect(m.html).toContain('href="https://kawal.test/programmes/p1?x=1&amp;y=2"');
        expect(m.html).toContain('Kelurahan Bebas Maladministrasi &lt;2027&gt;');
        expect(m.html).not.toContain('<2027>');
      });

      it('differs between the languages', () => {
        const [id, en] = [renderMessage(data, 'X', 'id'), renderMessage(data, 'X', 'en')];
        expect(id.subject).not.toBe(en.subject);
        expect(id.text).not.toBe(en.text);
      });
    });

    it('programme-launched: units launched, the local start date, the template and its version, the Monday summaries', () => {
      const id = renderMessage(launched, 'Bagian Organisasi', 'id');
      expect(id.subject).toBe('[Kawal] Program diluncurkan: "Kelurahan Bebas Maladministrasi <2027>" (1.234 unit)');
      expect(id.text).toContain('diluncurkan untuk 1.234 unit dengan templat "Tindak lanjut standar pelayanan" versi 3.');
      expect(id.text).toContain('Tanggal mulai: 17 Maret 2027 (WITA).');
      expect(id.text).toContain('setiap hari Senin pukul 07.30 WITA');
      const en = renderMessage(launched, 'Coordinator', 'en');
      expect(en.subject).toBe('[Kawal] Programme launched: "Kelurahan Bebas Maladministrasi <2027>" (1,234 units)');
      expect(en.text).toContain('launched for 1,234 units with the template "Tindak lanjut standar pelayanan", version 3.');
      expect(en.text).toContain('Start date: 17 March 2027 (WITA).');
      expect(en.text).toContain('every Monday at 07:30 WITA');
      expect(renderMessage({ ...launched, unitsLaunched: 1 }, 'Coordinator', 'en').subject).toContain('(1 unit)');
    });

    it('programme-weekly-summary in Bahasa Indonesia: the week in local dates, % approved, tasks by state, overdue and worst units', () => {
      const m = renderMessage(summary, 'Bagian Organisasi', 'id');
      expect(m.subject).toBe('[Kawal] Ringkasan mingguan "Kelurahan Bebas Maladministrasi <2027>" (2027-W10): 52,5% disetujui, 12 unit terlambat');
      expect(m.text).toContain('untuk pekan 2027-W10 (8 Maret 2027 – 14 Maret 2027 (WITA)).');
      expect(m.text).toContain(formatLocalDate(summary.weekEnd, 'WITA', 'id'));
      expect(m.text).toContain('Kemajuan: 52,5% tugas telah disetujui atau dikecualikan (105 dari 200 tugas pada 20 unit); 17 tugas disetujui selama pekan tersebut.');
      expect(m.text).toContain('Tugas menurut status: 60 terbuka, 12 dikirim, 8 dalam pemeriksaan, 5 dikembalikan, 95 disetujui, 10 dikecualikan, 10 menunggu tugas lain.');
      expect(m.text).toContain('Unit terlambat: 12 dari 20 unit, dengan 31 tugas terlambat.');
      expect(m.text).toContain('  - Kelurahan 1 (63.72.01.1001): 10 tugas terlambat');
      expect(m.text).toContain('  - Kelurahan 10 (63.72.01.1010): 1 tugas terlambat');
      expect(m.text).toContain('  - dan 2 unit lainnya');
      expect(m.text).toContain('Unit dengan persentase persetujuan terendah:\n  - Kelurahan 1 (63.72.01.1001): 0% disetujui, 10 tugas terlambat\n  - Kelurahan <2> (63.72.01.1002): 12,5% disetujui');
      expect(m.text).toMatch(/Langkah berikutnya: mohon menindaklanjuti unit yang terlambat/);
      // Lists are lists in HTML, escaped.
      expect(m.html).toContain('<ul><li>Kelurahan 1 (63.72.01.1001): 10 tugas terlambat</li>');
      expect(m.html).toContain('Kelurahan &lt;2&gt; (63.72.01.1002): 12,5% disetujui');
    });

    it('programme-weekly-summary in English, and without overdue units', () => {
      const m = renderMessage(summary, 'Coordinator', 'en');
      expect(m.subject).toBe('[Kawal] Weekly summary "Kelurahan Bebas Maladministrasi <2027>" (2027-W10): 52.5% approved, 12 units overdue');
      expect(m.text).toContain('for the week 2027-W10 (8 March 2027 – 14 March 2027 (WITA)).');
      expect(m.text).toContain('Progress: 52.5% of the tasks are approved or waived (105 of 200 tasks across 20 units); 17 tasks approved during the week.');
      expect(m.text).toContain('Tasks by state: 60 open, 12 submitted, 8 in review, 5 returned, 95 approved, 10 waived, 10 waiting on another task.');
      expect(m.text).toContain('Overdue units: 12 of 20 units, with 31 tasks overdue.');
      expect(m.text).toContain('  - Kelurahan 10 (63.72.01.1010): 1 task overdue');
      expect(m.text).toContain('  - and 2 more units');
      expect(m.text).toContain('  - Kelurahan <2> (63.72.01.1002): 12.5% approved');

      const calm = renderMessage({ ...summary, overdueUnitCount: 0, overdueTaskCount: 0, overdueUnits: [], worstUnits: [] }, 'Coordinator', 'en');
      expect(calm.text).toContain('No unit is overdue.');
      expect(calm.text).not.toContain('Units with');
      expect(calm.text).toContain('Next step: nothing is urgent');
      expect(calm.subject).toContain('0 units overdue');
      expect(renderMessage({ ...summary, overdueUnitCount: 0, overdueUnits: [] }, 'Ibu', 'id').text).toContain('Tidak ada unit yang terlambat.');
    });

    it('a week across the new year is written with both years', () => {
      const m = renderMessage({ ...summary, weekKey: '2026-W53', weekStart: '2026-12-28', weekEnd: '2027-01-03', timeZone: 'WIT' }, 'Ibu', 'id');
      expect(m.text).toContain('pekan 2026-W53 (28 Desember 2026 – 3 Januari 2027 (WIT))');
    });

    it('formats numbers the way each language writes them', () => {
      expect(formatNumber(1234567, 'id')).toBe('1.234.567');
      expect(formatNumber(1234567, 'en')).toBe('1,234,567');
      expect(formatNumber(66.666, 'id')).toBe('66,67');
      expect(formatNumber(12.5, 'en')).toBe('12.5');
      expect(formatNumber(100, 'id')).toBe('100');
      expect(formatNumber(0, 'en')).toBe('0');
    });
  });
});
