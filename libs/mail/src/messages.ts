import type { MessageData, ProgrammeMessageKind, SummaryUnit, TaskCountsByState } from '@kawal/contracts';

/**
 * Every email Kawal sends, in Bahasa Indonesia (default) and English, each with a text and an HTML part.
 * Each names the programme, the unit, the task (when there is one), the relevant due date(s) in the unit's local
 * zone, and what to do next. Programme-level emails to the coordinator name the programme and its figures instead
 * of a unit and a task.
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

/** '2026-03-17' -> '17 Maret 2026' (no zone: for the first date of a range). */
function formatDay(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number);
  return locale === 'id' ? `${d} ${MONTHS.id[m - 1]} ${y}` : `${d} ${MONTHS.en[m - 1]} ${y}`;
}

/** '2026-03-17' + 'WITA' -> '17 Maret 2026 (WITA)'. */
export function formatLocalDate(date: string, zone: string, locale: Locale): string {
  return `${formatDay(date, locale)} (${zone})`;
}

/** '2027-03-08'..'2027-03-14' + 'WITA' -> '8 Maret 2027 – 14 Maret 2027 (WITA)' (the end as formatLocalDate writes it). */
export function formatLocalDateRange(start: string, end: string, zone: string, locale: Locale): string {
  return `${formatDay(start, locale)} – ${formatLocalDate(end, zone, locale)}`;
}

/** 1234567 -> '1.234.567' (id) or '1,234,567' (en); decimals (at most 2) after ',' (id) or '.' (en). */
export function formatNumber(n: number, locale: Locale): string {
  const [whole, fraction] = (Math.round(n * 100) / 100).toFixed(2).replace(/\.?0+$/, '').split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, locale === 'id' ? '.' : ',');
  return `${sign}${digits}${fraction ? (locale === 'id' ? ',' : '.') + fraction : ''}`;
}

const formatPercent = (n: number, locale: Locale) => `${formatNumber(n, locale)}%`;

/** Text made safe to put in HTML (what people typed goes into every email and link page). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface Body {
  subject: string;
  greeting: string;
  /** Paragraphs; a list of strings is a bulleted list. */
  lines: (string | string[])[];
  action: { label: string; url: string };
  footer: string;
}

export function compose(b: Body): RenderedMessage {
  const textLines = b.lines.flatMap((l) => (typeof l === 'string' ? [l] : l.map((item) => `  - ${item}`)));
  const text = [b.greeting, '', ...textLines, '', `${b.action.label}: ${b.action.url}`, '', '--', b.footer].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,sans-serif;line-height:1.5;color:#1f2933">',
    `<p>${escapeHtml(b.greeting)}</p>`,
    ...b.lines.map((l) => (typeof l === 'string' ? `<p>${escapeHtml(l)}</p>` : `<ul>${l.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`)),
    `<p><a href="${escapeHtml(b.action.url)}" style="background:#0b6e4f;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">${escapeHtml(b.action.label)}</a></p>`,
    `<hr><p style="font-size:12px;color:#6b7280">${escapeHtml(b.footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: b.subject, text, html };
}

export const FOOTER: Record<Locale, string> = {
  id: 'Pesan ini dikirim otomatis oleh Kawal. Mohon tidak membalas email ini.',
  en: 'This message was sent automatically by Kawal. Please do not reply to this email.',
};

/** What a kind contributes; renderMessage adds the greeting and the footer. */
type Content = Pick<Body, 'subject' | 'lines' | 'action'>;
type Of<K extends MessageData['kind']> = Extract<MessageData, { kind: K }>;
/** Messages about a unit (and usually a task), as opposed to a whole programme. */
type UnitMessage = Exclude<MessageData, { kind: ProgrammeMessageKind }>;

const workingDays = (n: number, id: boolean) => (id ? `${n} hari kerja` : `${n} working day${n === 1 ? '' : 's'}`);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Optional free text (comment, reason): one labelled line, or nothing when absent or blank. */
const noteLine = (label: string, note: string | undefined) => (note?.trim() ? [`${label}: ${note.trim()}`] : []);

/** 'tugas "X" untuk U dalam program "P"', or 'U dalam program "P"' for case- and programme-level messages. */
function about(d: UnitMessage, id: boolean): string {
  if (d.taskTitle) return id ? `tugas "${d.taskTitle}" untuk ${d.unitName} dalam program "${d.programmeName}"` : `the task "${d.taskTitle}" for ${d.unitName} in the programme "${d.programmeName}"`;
  return id ? `${d.unitName} dalam program "${d.programmeName}"` : `${d.unitName} in the programme "${d.programmeName}"`;
}

/** What a subject is about: the task when there is one, else the unit and the programme. */
const topic = (d: UnitMessage) => (d.taskTitle ? `"${d.taskTitle}"` : `${d.unitName}, "${d.programmeName}"`);

const openTask = (d: UnitMessage, id: boolean) => ({ label: id ? 'Buka tugas' : 'Open the task', url: d.link });
const viewTask = (d: UnitMessage, id: boolean) => ({ label: id ? 'Lihat tugas' : 'View the task', url: d.link });

function reminder(d: Of<'reminder'>, id: boolean, locale: Locale): Content {
  const due = formatLocalDate(d.dueDate, d.timeZone, locale);
  const when =
    d.workingDaysBefore === 0
      ? id ? 'hari ini' : 'today'
      : id ? `dalam ${d.workingDaysBefore} hari kerja` : `in ${workingDays(d.workingDaysBefore, false)}`;
  return {
    subject: id ? `[Kawal] Pengingat: "${d.taskTitle}" jatuh tempo ${due}` : `[Kawal] Reminder: "${d.taskTitle}" is due ${due}`,
    lines: id
      ? [
          `Tugas "${d.taskTitle}" untuk ${d.unitName} dalam program "${d.programmeName}" jatuh tempo ${when}, pada ${due}, dan belum dikirim.`,
          'Langkah berikutnya: unggah bukti yang diminta lalu kirim tugas untuk diperiksa.',
        ]
      : [
          `The task "${d.taskTitle}" for ${d.unitName} in the programme "${d.programmeName}" is due ${when}, on ${due}, and has not been submitted.`,
          'Next step: upload the requested evidence, then submit the task for review.',
        ],
    action: openTask(d, id),
  };
}

function overdue(d: Of<'overdue'>, id: boolean, locale: Locale): Content {
  const due = formatLocalDate(d.dueDate, d.timeZone, locale);
  const late = workingDays(d.workingDaysLate, id);
  return {
    subject: id ? `[Kawal] Terlambat ${late}: "${d.taskTitle}"` : `[Kawal] Overdue by ${late}: "${d.taskTitle}"`,
    lines: id
      ? [
          `${capitalise(about(d, id))} jatuh tempo pada ${due} dan hingga kini belum dikirim, sehingga terlambat ${late}.`,
          'Langkah berikutnya: mohon segera mengunggah bukti yang diminta dan mengirim tugas untuk diperiksa. Apabila memerlukan tambahan waktu, mohon ajukan perpanjangan melalui halaman tugas.',
        ]
      : [
          `${capitalise(about(d, id))} was due on ${due} and has not been submitted yet; it is ${late} late.`,
          'Next step: please upload the requested evidence and submit the task for review as soon as possible. If you need more time, please request an extension on the task page.',
        ],
    action: openTask(d, id),
  };
}

function escalation(d: Of<'escalation'>, id: boolean, locale: Locale): Content {
  const due = formatLocalDate(d.dueDate, d.timeZone, locale);
  const late = workingDays(d.workingDaysLate, id);
  const task = d.taskTitle ? (id ? `tugas "${d.taskTitle}"` : `the task "${d.taskTitle}"`) : id ? 'tugasnya' : 'its task';
  const why = {
    UNIT_HEAD: id ? `Bapak/Ibu menerima email ini selaku pimpinan ${d.unitName}` : `You are receiving this email as the head of ${d.unitName}`,
    PARENT_UNIT_HEAD: id ? `Bapak/Ibu menerima email ini selaku pimpinan unit yang membawahi ${d.unitName}` : `You are receiving this email as the head of the unit that oversees ${d.unitName}`,
    COORDINATOR: id ? `Bapak/Ibu menerima email ini selaku koordinator program "${d.programmeName}"` : `You are receiving this email as the coordinator of the programme "${d.programmeName}"`,
  }[d.target];
  const next =
    d.target === 'UNIT_HEAD'
      ? id
        ? 'Langkah berikutnya: mohon memastikan petugas yang ditunjuk segera mengirim tugas ini, atau mengajukan perpanjangan waktu apabila diperlukan.'
        : 'Next step: please make sure the assigned staff submit this task promptly, or request an extension if more time is needed.'
      : id
        ? `Langkah berikutnya: mohon menindaklanjuti dengan ${d.unitName} agar tugas ini segera dikirim, atau agar diajukan perpanjangan waktu apabila diperlukan.`
        : `Next step: please follow up with ${d.unitName} so that the task is submitted promptly, or an extension requested if more time is needed.`;
  return {
    subject: id ? `[Kawal] Eskalasi: ${d.unitName} terlambat ${late} – ${topic(d)}` : `[Kawal] Escalation: ${d.unitName} is ${late} late – ${topic(d)}`,
    lines: id
      ? [
          `Dengan hormat, kami sampaikan bahwa ${d.unitName} belum mengirim ${task} dalam program "${d.programmeName}". Tugas tersebut jatuh tempo pada ${due} dan kini terlambat ${late}.`,
          `${why} (eskalasi tingkat ${d.level}).`,
          next,
        ]
      : [
          `${d.unitName} has not yet submitted ${task} in the programme "${d.programmeName}". It was due on ${due} and is now ${late} late.`,
          `${why} (escalation level ${d.level}).`,
          next,
        ],
    action: viewTask(d, id),
  };
}

function taskReturned(d: Of<'task-returned'>, id: boolean, locale: Locale): Content {
  const due = formatLocalDate(d.dueDate, d.timeZone, locale);
  return {
    subject: id ? `[Kawal] Dikembalikan untuk perbaikan: "${d.taskTitle}"` : `[Kawal] Returned for changes: "${d.taskTitle}"`,
    lines: id
      ? [
          `Pemeriksa mengembalikan tugas "${d.taskTitle}" untuk ${d.unitName} dalam program "${d.programmeName}".`,
          `Catatan pemeriksa: ${d.comment}`,
          `Langkah berikutnya: perbaiki sesuai catatan dan kirim kembali sebelum ${due}.`,
        ]
      : [
          `The reviewer returned the task "${d.taskTitle}" for ${d.unitName} in the programme "${d.programmeName}".`,
          `Reviewer's comment: ${d.comment}`,
          `Next step: make the changes asked for and submit again before ${due}.`,
        ],
    action: { label: id ? 'Perbaiki tugas' : 'Fix the task', url: d.link },
  };
}

function taskApproved(d: Of<'task-approved'>, id: boolean): Content {
  return {
    subject: id ? `[Kawal] Disetujui: "${d.taskTitle}"` : `[Kawal] Approved: "${d.taskTitle}"`,
    lines: id
      ? [`Tugas "${d.taskTitle}" untuk ${d.unitName} dalam program "${d.programmeName}" telah disetujui.`, 'Tidak ada tindakan lebih lanjut untuk tugas ini.']
      : [`The task "${d.taskTitle}" for ${d.unitName} in the programme "${d.programmeName}" has been approved.`, 'Nothing more is needed for this task.'],
    action: viewTask(d, id),
  };
}

function taskAssigned(d: Of<'task-assigned'>, id: boolean, locale: Locale): Content {
  const due = d.dueDate === null ? null : formatLocalDate(d.dueDate, d.timeZone, locale);
  const dueLine =
    due === null
      ? id
        ? 'Batas waktu belum ditetapkan karena tugas ini masih menunggu penyelesaian tugas lain; batas waktu akan ditetapkan setelah tugas tersebut selesai.'
        : 'There is no due date yet: this task is waiting on another task, and its due date will be set once that task is done.'
      : id ? `Batas waktu: ${due}.` : `Due date: ${due}.`;
  const next =
    due === null
      ? id
        ? 'Langkah berikutnya: mohon pelajari tugas ini dan mulai menyiapkan bukti yang diminta.'
        : 'Next step: please read the task and start preparing the requested evidence.'
      : id
        ? `Langkah berikutnya: mohon unggah bukti yang diminta lalu kirim tugas untuk diperiksa sebelum ${due}.`
        : `Next step: please upload the requested evidence, then submit the task for review before ${due}.`;
  return {
    subject: id ? `[Kawal] Penugasan: "${d.taskTitle}"` : `[Kawal] Assigned to you: "${d.taskTitle}"`,
    lines: id
      ? [`${capitalise(about(d, id))} telah ditugaskan kepada Bapak/Ibu oleh ${d.assignedBy}.`, ...noteLine('Keterangan', d.reason), dueLine, next]
      : [`${capitalise(about(d, id))} has been assigned to you by ${d.assignedBy}.`, ...noteLine('Note', d.reason), dueLine, next],
    action: openTask(d, id),
  };
}

function extensionRequested(d: Of<'extension-requested'>, id: boolean, locale: Locale): Content {
  const due = formatLocalDate(d.dueDate, d.timeZone, locale);
  const days = workingDays(d.workingDays, id);
  return {
    subject: id ? `[Kawal] Permohonan perpanjangan (${days}): ${d.unitName} – ${topic(d)}` : `[Kawal] Extension request (${days}): ${d.unitName} – ${topic(d)}`,
    lines: id
      ? [
          `${d.requestedBy} dari ${d.unitName} mengajukan perpanjangan waktu ${days} atas ${d.taskTitle ? `tugas "${d.taskTitle}" ` : ''}dalam program "${d.programmeName}".`,
          `Alasan: ${d.reason}`,
          `Batas waktu saat ini: ${due}.`,
          'Langkah berikutnya: mohon meninjau permohonan ini, lalu menyetujui atau menolaknya melalui halaman tugas.',
        ]
      : [
          `${d.requestedBy} of ${d.unitName} asks for an extension of ${days} on ${d.taskTitle ? `the task "${d.taskTitle}" ` : 'their work '}in the programme "${d.programmeName}".`,
          `Reason: ${d.reason}`,
          `Current due date: ${due}.`,
          'Next step: please review the request, then approve or refuse it on the task page.',
        ],
    action: { label: id ? 'Tinjau permohonan' : 'Review the request', url: d.link },
  };
}

function extensionDecided(d: Of<'extension-decided'>, id: boolean, locale: Locale): Content {
  const oldDue = formatLocalDate(d.oldDueDate, d.timeZone, locale);
  const newDue = formatLocalDate(d.newDueDate, d.timeZone, locale);
  const comment = noteLine(id ? 'Catatan' : 'Comment', d.comment);
  if (d.approved) {
    return {
      subject: id ? `[Kawal] Perpanjangan disetujui: ${topic(d)}` : `[Kawal] Extension approved: ${topic(d)}`,
      lines: id
        ? [
            `${d.decidedBy} menyetujui permohonan perpanjangan waktu atas ${about(d, id)}.`,
            `Batas waktu baru: ${newDue}; sebelumnya ${oldDue}.`,
            ...comment,
            `Langkah berikutnya: mohon unggah bukti yang diminta lalu kirim tugas untuk diperiksa sebelum ${newDue}.`,
          ]
        : [
            `${d.decidedBy} approved the request for more time on ${about(d, id)}.`,
            `New due date: ${newDue}, replacing ${oldDue}.`,
            ...comment,
            `Next step: please upload the requested evidence, then submit the task for review before ${newDue}.`,
          ],
      action: openTask(d, id),
    };
  }
  return {
    subject: id ? `[Kawal] Perpanjangan tidak disetujui: ${topic(d)}` : `[Kawal] Extension refused: ${topic(d)}`,
    lines: id
      ? [
          `${d.decidedBy} tidak menyetujui permohonan perpanjangan waktu atas ${about(d, id)}.`,
          `Batas waktu tetap ${oldDue}.`,
          ...comment,
          'Langkah berikutnya: mohon segera mengunggah bukti yang diminta dan mengirim tugas untuk diperiksa sesuai batas waktu tersebut.',
        ]
      : [
          `${d.decidedBy} refused the request for more time on ${about(d, id)}.`,
          `The due date stays ${oldDue}.`,
          ...comment,
          'Next step: please upload the requested evidence and submit the task for review promptly, keeping to that due date.',
        ],
    action: openTask(d, id),
  };
}

function caseSignedOff(d: Of<'case-signed-off'>, id: boolean): Content {
  return {
    subject: id ? `[Kawal] Dinyatakan selesai: ${topic(d)}` : `[Kawal] Signed off: ${topic(d)}`,
    lines: id
      ? [
          `Seluruh tugas ${about(d, id)} telah dinyatakan selesai dan disahkan oleh ${d.signedOffBy}.`,
          ...noteLine('Catatan', d.comment),
          'Tidak ada tindakan lebih lanjut yang diperlukan. Terima kasih atas kerja sama Bapak/Ibu; seluruh bukti tetap dapat dilihat melalui tautan di bawah.',
        ]
      : [
          `All tasks for ${about(d, id)} have been completed and signed off by ${d.signedOffBy}.`,
          ...noteLine('Comment', d.comment),
          'Nothing more is needed. Thank you for your work; all the evidence remains available through the link below.',
        ],
    action: { label: id ? 'Lihat rincian' : 'View the details', url: d.link },
  };
}

function designationRevoked(d: Of<'designation-revoked'>, id: boolean, locale: Locale): Content {
  const tasks = d.reopened.map((t) =>
    t.dueDate
      ? `${t.title} — ${id ? 'batas waktu' : 'due'} ${formatLocalDate(t.dueDate, d.timeZone, locale)}`
      : `${t.title} — ${id ? 'dibuka setelah tugas sebelumnya disetujui' : 'opens once the task before it is approved'}`,
  );
  const ref = d.reference ? (id ? ` (rujukan: ${d.reference})` : ` (reference: ${d.reference})`) : '';
  return {
    subject: id ? `[Kawal] Penetapan dicabut: ${d.designationName} — ${d.unitName}` : `[Kawal] Designation revoked: ${d.designationName} — ${d.unitName}`,
    lines: id
      ? [
          `Penetapan ${d.unitName} sebagai "${d.designationName}" dalam program "${d.programmeName}" dicabut oleh ${d.by}${ref}.`,
          `Alasan: ${d.reason}`,
          'Tugas berikut dibuka kembali dan harus diselesaikan lagi:',
          tasks,
          'Langkah berikutnya: mohon tindak lanjuti laporan yang menjadi dasar pencabutan, lalu kerjakan kembali tugas di atas sesuai batas waktunya.',
        ]
      : [
          `The designation of ${d.unitName} as "${d.designationName}" in the programme "${d.programmeName}" was revoked by ${d.by}${ref}.`,
          `Reason: ${d.reason}`,
          'These tasks are open again and must be completed once more:',
          tasks,
          'Next step: please act on the report behind the revocation, then work through the tasks above by their due dates.',
        ],
    action: { label: id ? 'Lihat kasus' : 'View the case', url: d.link },
  };
}

function deliveryFailed(d: Of<'delivery-failed'>, id: boolean): Content {
  return {
    subject: id ? `[Kawal] Email tidak terkirim ke ${d.failedRecipient}` : `[Kawal] Email not delivered to ${d.failedRecipient}`,
    lines: id
      ? [
          `Email Kawal (${d.failedKind}) untuk ${about(d, id)} tidak dapat dikirim ke ${d.failedRecipient}.`,
          `Keterangan server: ${d.error}`,
          'Email ini tidak akan dikirim ulang. Langkah berikutnya: periksa alamat email orang tersebut di Kawal, atau hubungi yang bersangkutan secara langsung.',
        ]
      : [
          `A Kawal email (${d.failedKind}) about ${about(d, id)} could not be delivered to ${d.failedRecipient}.`,
          `Server said: ${d.error}`,
          'It will not be retried. Next step: check that person\'s email address in Kawal, or contact them directly.',
        ],
    action: { label: id ? 'Lihat kasus' : 'View the case', url: d.link },
  };
}

function programmeNotice(d: Of<'programme-notice'>, id: boolean): Content {
  const p = `"${d.programmeName}"`;
  const days = d.workingDays ? workingDays(d.workingDays, id) : null;
  const notice: Record<Of<'programme-notice'>['action'], { subject: string; what: string; next: string }> = id
    ? {
        extended: {
          subject: `[Kawal] Batas waktu diperpanjang: program ${p}`,
          what: days
            ? `${d.by} memperpanjang seluruh batas waktu yang masih berjalan dalam program ${p} selama ${days}.`
            : `${d.by} memperpanjang batas waktu yang masih berjalan dalam program ${p}.`,
          next: 'Langkah berikutnya: mohon periksa batas waktu yang baru pada halaman tugas dan lanjutkan pekerjaan sesuai jadwal tersebut.',
        },
        suspended: {
          subject: `[Kawal] Program dihentikan sementara: ${p}`,
          what: `${d.by} menghentikan sementara program ${p}. Selama penghentian sementara, pengingat tidak dikirim dan batas waktu akan disesuaikan ketika program dilanjutkan.`,
          next: 'Langkah berikutnya: untuk saat ini tidak ada tindakan yang diperlukan; Bapak/Ibu akan menerima pemberitahuan ketika program dilanjutkan.',
        },
        resumed: {
          subject: `[Kawal] Program dilanjutkan: ${p}`,
          what: days
            ? `${d.by} melanjutkan kembali program ${p}. Seluruh batas waktu yang masih berjalan digeser ${days}.`
            : `${d.by} melanjutkan kembali program ${p}.`,
          next: 'Langkah berikutnya: mohon periksa batas waktu terbaru pada halaman tugas dan lanjutkan pekerjaan.',
        },
        cancelled: {
          subject: `[Kawal] Program dibatalkan: ${p}`,
          what: `${d.by} membatalkan program ${p}.`,
          next: 'Tidak ada tindakan lebih lanjut yang diperlukan; tugas yang belum selesai tidak perlu dikirim.',
        },
        closed: {
          subject: `[Kawal] Program ditutup: ${p}`,
          what: `${d.by} menutup program ${p}.`,
          next: 'Tidak ada tindakan lebih lanjut yang diperlukan; data program tetap dapat dilihat melalui tautan di bawah.',
        },
      }
    : {
        extended: {
          subject: `[Kawal] Deadlines extended: programme ${p}`,
          what: days
            ? `${d.by} extended every open deadline in the programme ${p} by ${days}.`
            : `${d.by} extended the open deadlines in the programme ${p}.`,
          next: 'Next step: please check the new due dates on the task page and carry on with the work accordingly.',
        },
        suspended: {
          subject: `[Kawal] Programme suspended: ${p}`,
          what: `${d.by} suspended the programme ${p}. While it is suspended no reminders are sent, and deadlines will be adjusted when it resumes.`,
          next: 'Next step: nothing is needed for now; you will be notified when the programme resumes.',
        },
        resumed: {
          subject: `[Kawal] Programme resumed: ${p}`,
          what: days ? `${d.by} resumed the programme ${p}. Every open deadline has moved by ${days}.` : `${d.by} resumed the programme ${p}.`,
          next: 'Next step: please check the current due dates on the task page and carry on with the work.',
        },
        cancelled: {
          subject: `[Kawal] Programme cancelled: ${p}`,
          what: `${d.by} cancelled the programme ${p}.`,
          next: 'Nothing more is needed; unfinished tasks do not need to be submitted.',
        },
        closed: {
          subject: `[Kawal] Programme closed: ${p}`,
          what: `${d.by} closed the programme ${p}.`,
          next: 'Nothing more is needed; the programme records remain available through the link below.',
        },
      };
  const n = notice[d.action];
  const appliesTo = id
    ? `Pemberitahuan ini berlaku bagi ${d.unitName}${d.taskTitle ? `, termasuk tugas "${d.taskTitle}"` : ''}.`
    : `This notice applies to ${d.unitName}${d.taskTitle ? `, including the task "${d.taskTitle}"` : ''}.`;
  return {
    subject: n.subject,
    lines: [n.what, ...noteLine(id ? 'Alasan' : 'Reason', d.reason), appliesTo, n.next],
    action: { label: id ? 'Lihat rincian' : 'View the details', url: d.link },
  };
}

const openProgramme = (d: { link: string }, id: boolean) => ({ label: id ? 'Buka halaman program' : 'Open the programme page', url: d.link });
/** '07:30' -> '07.30' in Indonesian (the usual way of writing the hour), unchanged in English. */
const clock = (time: string, id: boolean) => (id ? time.replace(':', '.') : time);
const units = (n: number, locale: Locale) => (locale === 'id' ? `${formatNumber(n, locale)} unit` : `${formatNumber(n, locale)} unit${n === 1 ? '' : 's'}`);
const tasks = (n: number, locale: Locale) => (locale === 'id' ? `${formatNumber(n, locale)} tugas` : `${formatNumber(n, locale)} task${n === 1 ? '' : 's'}`);

function programmeLaunched(d: Of<'programme-launched'>, id: boolean, locale: Locale): Content {
  const start = formatLocalDate(d.startDate, d.timeZone, locale);
  const n = units(d.unitsLaunched, locale);
  const summary = `${clock(d.summaryTime, id)} ${d.timeZone}`;
  return {
    subject: id ? `[Kawal] Program diluncurkan: "${d.programmeName}" (${n})` : `[Kawal] Programme launched: "${d.programmeName}" (${n})`,
    lines: id
      ? [
          `Program "${d.programmeName}" telah diluncurkan untuk ${n} dengan templat "${d.templateName}" versi ${d.templateVersion}.`,
          `Tanggal mulai: ${start}. Setiap unit telah menerima tugasnya beserta batas waktunya; pengingat dan eskalasi dikirim otomatis.`,
          `Langkah berikutnya: pantau kemajuan dan unit yang terlambat melalui halaman program. Ringkasan mingguan akan dikirim kepada Bapak/Ibu setiap hari Senin pukul ${summary}.`,
        ]
      : [
          `The programme "${d.programmeName}" has been launched for ${n} with the template "${d.templateName}", version ${d.templateVersion}.`,
          `Start date: ${start}. Every unit has received its tasks and their due dates; reminders and escalations go out on their own.`,
          `Next step: follow the progress and the late units on the programme page. You will receive a weekly summary every Monday at ${summary}.`,
        ],
    action: openProgramme(d, id),
  };
}

const STATE_LABELS: Record<Locale, Record<keyof TaskCountsByState, string>> = {
  id: { OPEN: 'terbuka', SUBMITTED: 'dikirim', IN_REVIEW: 'dalam pemeriksaan', RETURNED: 'dikembalikan', APPROVED: 'disetujui', WAIVED: 'dikecualikan', BLOCKED: 'menunggu tugas lain' },
  en: { OPEN: 'open', SUBMITTED: 'submitted', IN_REVIEW: 'in review', RETURNED: 'returned', APPROVED: 'approved', WAIVED: 'waived', BLOCKED: 'waiting on another task' },
};
const STATE_ORDER: (keyof TaskCountsByState)[] = ['OPEN', 'SUBMITTED', 'IN_REVIEW', 'RETURNED', 'APPROVED', 'WAIVED', 'BLOCKED'];

function weeklySummary(d: Of<'programme-weekly-summary'>, id: boolean, locale: Locale): Content {
  const week = formatLocalDateRange(d.weekStart, d.weekEnd, d.timeZone, locale);
  const pct = formatPercent(d.percentApproved, locale);
  const done = d.tasksByState.APPROVED + d.tasksByState.WAIVED;
  const unitLabel = (u: SummaryUnit) => `${u.name} (${u.code})`;
  const byState = STATE_ORDER.map((s) => `${formatNumber(d.tasksByState[s], locale)} ${STATE_LABELS[locale][s]}`).join(', ');
  const overdue = d.overdueUnits.map((u) => (id ? `${unitLabel(u)}: ${tasks(u.overdueTasks, locale)} terlambat` : `${unitLabel(u)}: ${tasks(u.overdueTasks, locale)} overdue`));
  const moreOverdue = d.overdueUnitCount - d.overdueUnits.length;
  if (moreOverdue > 0) overdue.push(id ? `dan ${units(moreOverdue, locale)} lainnya` : `and ${formatNumber(moreOverdue, locale)} more unit${moreOverdue === 1 ? '' : 's'}`);
  const worst = d.worstUnits.map((u) =>
    id
      ? `${unitLabel(u)}: ${formatPercent(u.percentApproved, locale)} disetujui${u.overdueTasks > 0 ? `, ${tasks(u.overdueTasks, locale)} terlambat` : ''}`
      : `${unitLabel(u)}: ${formatPercent(u.percentApproved, locale)} approved${u.overdueTasks > 0 ? `, ${tasks(u.overdueTasks, locale)} overdue` : ''}`,
  );
  const lines: (string | string[])[] = id
    ? [
        `Ringkasan program "${d.programmeName}" untuk pekan ${d.weekKey} (${week}).`,
        `Kemajuan: ${pct} tugas telah disetujui atau dikecualikan (${formatNumber(done, locale)} dari ${tasks(d.taskCount, locale)} pada ${units(d.unitCount, locale)}); ${tasks(d.approvedThisWeek, locale)} disetujui selama pekan tersebut.`,
        `Tugas menurut status: ${byState}.`,
        d.overdueUnitCount > 0
          ? `Unit terlambat: ${formatNumber(d.overdueUnitCount, locale)} dari ${units(d.unitCount, locale)}, dengan ${tasks(d.overdueTaskCount, locale)} terlambat.`
          : 'Tidak ada unit yang terlambat.',
      ]
    : [
        `Summary of the programme "${d.programmeName}" for the week ${d.weekKey} (${week}).`,
        `Progress: ${pct} of the tasks are approved or waived (${formatNumber(done, locale)} of ${tasks(d.taskCount, locale)} across ${units(d.unitCount, locale)}); ${tasks(d.approvedThisWeek, locale)} approved during the week.`,
        `Tasks by state: ${byState}.`,
        d.overdueUnitCount > 0
          ? `Overdue units: ${formatNumber(d.overdueUnitCount, locale)} of ${units(d.unitCount, locale)}, with ${tasks(d.overdueTaskCount, locale)} overdue.`
          : 'No unit is overdue.',
      ];
  if (overdue.length > 0) lines.push(id ? 'Unit dengan tugas terlambat terbanyak:' : 'Units with the most overdue tasks:', overdue);
  if (worst.length > 0) lines.push(id ? 'Unit dengan persentase persetujuan terendah:' : 'Units with the lowest share of approved tasks:', worst);
  lines.push(
    d.overdueUnitCount > 0
      ? id
        ? 'Langkah berikutnya: mohon menindaklanjuti unit yang terlambat dan yang kemajuannya rendah, misalnya dengan menghubungi pimpinannya, mengirim pengingat, atau memperpanjang batas waktu melalui halaman program.'
        : 'Next step: please follow up with the overdue units and those making little progress, for example by contacting their heads, sending a reminder or extending deadlines on the programme page.'
      : id
        ? 'Langkah berikutnya: tidak ada yang mendesak; pantau terus kemajuan melalui halaman program.'
        : 'Next step: nothing is urgent; keep following the progress on the programme page.',
  );
  return {
    subject: id
      ? `[Kawal] Ringkasan mingguan "${d.programmeName}" (${d.weekKey}): ${pct} disetujui, ${units(d.overdueUnitCount, locale)} terlambat`
      : `[Kawal] Weekly summary "${d.programmeName}" (${d.weekKey}): ${pct} approved, ${units(d.overdueUnitCount, locale)} overdue`,
    lines,
    action: openProgramme(d, id),
  };
}

export function renderMessage(data: MessageData, recipientName: string, locale: Locale): RenderedMessage {
  const id = locale === 'id';
  const content = ((): Content => {
    switch (data.kind) {
      case 'reminder':
        return reminder(data, id, locale);
      case 'overdue':
        return overdue(data, id, locale);
      case 'escalation':
        return escalation(data, id, locale);
      case 'task-returned':
        return taskReturned(data, id, locale);
      case 'task-approved':
        return taskApproved(data, id);
      case 'task-assigned':
        return taskAssigned(data, id, locale);
      case 'extension-requested':
        return extensionRequested(data, id, locale);
      case 'extension-decided':
        return extensionDecided(data, id, locale);
      case 'case-signed-off':
        return caseSignedOff(data, id);
      case 'programme-notice':
        return programmeNotice(data, id);
      case 'delivery-failed':
        return deliveryFailed(data, id);
      case 'designation-revoked':
        return designationRevoked(data, id, locale);
      case 'programme-launched':
        return programmeLaunched(data, id, locale);
      case 'programme-weekly-summary':
        return weeklySummary(data, id, locale);
      default: {
        // A new kind in MessageData fails to compile here until it is rendered above.
        const unrendered: never = data;
        throw new Error(`No email for message kind ${(unrendered as { kind: string }).kind}`);
      }
    }
  })();
  return compose({ ...content, greeting: id ? `Yth. ${recipientName},` : `Dear ${recipientName},`, footer: FOOTER[locale] });
}
