import { FOOTER, Locale, RenderedMessage, escapeHtml, formatLocalDate } from './messages';

export interface DigestItem {
  programmeName: string;
  unitName: string;
  taskTitle: string;
  /** Local due date (YYYY-MM-DD) and the unit's zone abbreviation. */
  dueDate: string | null;
  timeZone: string;
  overdue: boolean;
  state: 'OPEN' | 'RETURNED';
  link: string;
}

export interface DigestData {
  /** The recipient's local date the digest is for. */
  date: string;
  timeZone: string;
  items: DigestItem[];
  /** Items beyond those listed (the list is capped). */
  more: number;
  /** The inbox, where every item is. */
  inboxLink: string;
}


/**
 * The daily digest: one email listing every task due or overdue for the person, instead of one email per task.
 * Overdue items first, then by due date; each names the programme, the unit, the task and its local due date.
 */
export function renderDigest(data: DigestData, recipientName: string, locale: Locale): RenderedMessage {
  const id = locale === 'id';
  const total = data.items.length + data.more;
  const overdue = data.items.filter((i) => i.overdue).length;
  const day = formatLocalDate(data.date, data.timeZone, locale);
  const subject = id
    ? `[Kawal] Ringkasan harian ${day}: ${total} tugas jatuh tempo${overdue ? `, ${overdue} terlambat` : ''}`
    : `[Kawal] Daily digest ${day}: ${total} task${total === 1 ? '' : 's'} due${overdue ? `, ${overdue} overdue` : ''}`;
  const line = (i: DigestItem) => {
    const due = i.dueDate ? formatLocalDate(i.dueDate, i.timeZone, locale) : id ? 'belum ditentukan' : 'not set yet';
    const flags = [i.overdue ? (id ? 'TERLAMBAT' : 'OVERDUE') : null, i.state === 'RETURNED' ? (id ? 'dikembalikan' : 'returned') : null].filter(Boolean).join(', ');
    return {
      text: `- ${i.taskTitle} — ${i.unitName}, "${i.programmeName}" — ${id ? 'tenggat' : 'due'} ${due}${flags ? ` (${flags})` : ''}`,
      html: `<li><a href="${escapeHtml(i.link)}">${escapeHtml(i.taskTitle)}</a> — ${escapeHtml(i.unitName)}, &ldquo;${escapeHtml(i.programmeName)}&rdquo; — ${id ? 'tenggat' : 'due'} ${escapeHtml(due)}${flags ? ` <strong>(${escapeHtml(flags)})</strong>` : ''}</li>`,
    };
  };
  const lines = data.items.map(line);
  const intro = id
    ? `Berikut ${total} tugas Bapak/Ibu yang jatuh tempo atau sudah terlambat. Pengingat untuk tugas-tugas ini dikumpulkan dalam satu email ini.`
    : `Here are your ${total} tasks that are due or overdue. The reminders for them are gathered in this one email.`;
  const moreLine = data.more > 0 ? (id ? `… dan ${data.more} tugas lainnya di kotak masuk.` : `… and ${data.more} more in your inbox.`) : null;
  const next = id
    ? 'Langkah berikutnya: dahulukan tugas yang terlambat, unggah bukti yang diminta dan kirim untuk diperiksa.'
    : 'Next step: start with the overdue tasks, upload the requested evidence and submit them for review.';
  const greeting = id ? `Yth. ${recipientName},` : `Dear ${recipientName},`;
  const label = id ? 'Buka kotak masuk' : 'Open my inbox';
  const text = [greeting, '', intro, '', ...lines.map((l) => l.text), ...(moreLine ? [moreLine] : []), '', next, '', `${label}: ${data.inboxLink}`, '', '--', FOOTER[locale]].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,sans-serif;line-height:1.5;color:#1f2933">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<ul>${lines.map((l) => l.html).join('')}</ul>`,
    ...(moreLine ? [`<p>${escapeHtml(moreLine)}</p>`] : []),
    `<p>${escapeHtml(next)}</p>`,
    `<p><a href="${escapeHtml(data.inboxLink)}" style="background:#0b6e4f;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">${escapeHtml(label)}</a></p>`,
    `<hr><p style="font-size:12px;color:#6b7280">${escapeHtml(FOOTER[locale])}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
