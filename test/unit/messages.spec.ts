import type { MessageData } from '@kawal/contracts';
import { formatLocalDate, renderMessage, type Locale } from '@kawal/mail';

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

    /** One message per kind (the Record makes a new kind without an example fail to compile) and the dates it must show. */
    const examples: { [K in MessageData['kind']]: { data: Extract<MessageData, { kind: K }>; dates: string[]; caseLevel?: boolean } } = {
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
});
