import type { MessageData } from '@kawal/contracts';

/**
 * Every email Kawal sends, in Bahasa Indonesia (default) and English, each with a text and an HTML part.
 * Each names the programme, the task, the due date in the recipient's local zone, and what to do next.
 */
export type Locale = 'id' | 'en';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const MONTHS: Record<Locale, string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** '2026-03-17' + 'WITA' -> '17 Maret 2026 (WITA)'. */
export function formatLocalDate(date: string, zone: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = locale === 'id' ? `${d} ${MONTHS.id[m - 1]} ${y}` : `${d} ${MONTHS.en[m - 1]} ${y}`;
  return `${day} (${zone})`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

interface Body {
  subject: string;
  greeting: string;
  lines: string[];
  action: { label: string; url: string };
  footer: string;
}

function compose(b: Body): RenderedMessage {
  const text = [b.greeting, '', ...b.lines, '', `${b.action.label}: ${b.action.url}`, '', '--', b.footer].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,sans-serif;line-height:1.5;color:#1f2933">',
    `<p>${escapeHtml(b.greeting)}</p>`,
    ...b.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    `<p><a href="${escapeHtml(b.action.url)}" style="background:#0b6e4f;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">${escapeHtml(b.action.label)}</a></p>`,
    `<hr><p style="font-size:12px;color:#6b7280">${escapeHtml(b.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: b.subject, text, html };
}

const FOOTER: Record<Locale, string> = {
  id: 'Pesan ini dikirim otomatis oleh Kawal. Mohon tidak membalas email ini.',
  en: 'This message was sent automatically by Kawal. Please do not reply to this email.',
};

export function renderMessage(data: MessageData, recipientName: string, locale: Locale): RenderedMessage {
  const id = locale === 'id';
  const greeting = id ? `Yth. ${recipientName},` : `Dear ${recipientName},`;
  switch (data.kind) {
    case 'reminder': {
      const due = formatLocalDate(data.dueDate, data.timeZone, locale);
      const when =
        data.workingDaysBefore === 0
          ? id ? 'hari ini' : 'today'
          : id ? `dalam ${data.workingDaysBefore} hari kerja` : `in ${data.workingDaysBefore} working day${data.workingDaysBefore === 1 ? '' : 's'}`;
      return compose({
        subject: id ? `[Kawal] Pengingat: "${data.taskTitle}" jatuh tempo ${due}` : `[Kawal] Reminder: "${data.taskTitle}" is due ${due}`,
        greeting,
        lines: id
          ? [
              `Tugas "${data.taskTitle}" untuk ${data.unitName} dalam program "${data.programmeName}" jatuh tempo ${when}, pada ${due}, dan belum dikirim.`,
              'Langkah berikutnya: unggah bukti yang diminta lalu kirim tugas untuk diperiksa.',
            ]
          : [
              `The task "${data.taskTitle}" for ${data.unitName} in the programme "${data.programmeName}" is due ${when}, on ${due}, and has not been submitted.`,
              'Next step: upload the requested evidence, then submit the task for review.',
            ],
        action: { label: id ? 'Buka tugas' : 'Open the task', url: data.link },
        footer: FOOTER[locale],
      });
    }
    case 'task-returned': {
      const due = formatLocalDate(data.dueDate, data.timeZone, locale);
      return compose({
        subject: id ? `[Kawal] Dikembalikan untuk perbaikan: "${data.taskTitle}"` : `[Kawal] Returned for changes: "${data.taskTitle}"`,
        greeting,
        lines: id
          ? [
              `Pemeriksa mengembalikan tugas "${data.taskTitle}" untuk ${data.unitName} dalam program "${data.programmeName}".`,
              `Catatan pemeriksa: ${data.comment}`,
              `Langkah berikutnya: perbaiki sesuai catatan dan kirim kembali sebelum ${due}.`,
            ]
          : [
              `The reviewer returned the task "${data.taskTitle}" for ${data.unitName} in the programme "${data.programmeName}".`,
              `Reviewer's comment: ${data.comment}`,
              `Next step: make the changes asked for and submit again before ${due}.`,
            ],
        action: { label: id ? 'Perbaiki tugas' : 'Fix the task', url: data.link },
        footer: FOOTER[locale],
      });
    }
    case 'task-approved':
      return compose({
        subject: id ? `[Kawal] Disetujui: "${data.taskTitle}"` : `[Kawal] Approved: "${data.taskTitle}"`,
        greeting,
        lines: id
          ? [`Tugas "${data.taskTitle}" untuk ${data.unitName} dalam program "${data.programmeName}" telah disetujui.`, 'Tidak ada tindakan lebih lanjut untuk tugas ini.']
          : [`The task "${data.taskTitle}" for ${data.unitName} in the programme "${data.programmeName}" has been approved.`, 'Nothing more is needed for this task.'],
        action: { label: id ? 'Lihat tugas' : 'View the task', url: data.link },
        footer: FOOTER[locale],
      });
  }
}
