import { FOOTER, Locale, RenderedMessage, compose } from './messages';

/** Emails about a person's own account (not about a task): the one-time sign-in link. */
export type AccountMessage = { kind: 'sign-in-link'; url: string; expiresInMinutes: number; requestedFrom?: string };

export function renderAccountMessage(data: AccountMessage, recipientName: string, locale: Locale): RenderedMessage {
  const id = locale === 'id';
  switch (data.kind) {
    case 'sign-in-link':
      return compose({
        subject: id ? '[Kawal] Tautan masuk sekali pakai' : '[Kawal] Your one-time sign-in link',
        greeting: id ? `Yth. ${recipientName},` : `Dear ${recipientName},`,
        lines: id
          ? [
              `Seseorang (semoga Bapak/Ibu sendiri) meminta tautan untuk masuk ke Kawal${data.requestedFrom ? ` dari alamat ${data.requestedFrom}` : ''}.`,
              `Tautan di bawah hanya dapat dipakai satu kali dan berlaku ${data.expiresInMinutes} menit. Membuka tautan belum membuat Bapak/Ibu masuk: tekan tombol "Masuk" pada halaman yang terbuka.`,
              'Jika Bapak/Ibu tidak memintanya, abaikan email ini; tidak ada yang berubah.',
            ]
          : [
              `Someone (hopefully you) asked for a link to sign in to Kawal${data.requestedFrom ? ` from ${data.requestedFrom}` : ''}.`,
              `The link below works once and for ${data.expiresInMinutes} minutes. Opening it does not sign you in yet: press "Sign in" on the page it opens.`,
              'If you did not ask for it, ignore this email; nothing changes.',
            ],
        action: { label: id ? 'Buka halaman masuk' : 'Open the sign-in page', url: data.url },
        footer: FOOTER[locale],
      });
  }
}
