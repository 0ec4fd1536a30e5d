import { renderMessage } from '@kawal/mail';

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
});
