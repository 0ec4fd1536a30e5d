import { fromBuffer } from 'file-type';

/** Evidence types accepted, detected from the bytes themselves (the client's claim is never trusted). */
export const ALLOWED_EVIDENCE_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (XLSX)',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint (PPTX)',
};

export type DetectedType = { ok: true; mediaType: string; extension: string } | { ok: false; detected?: string };

export async function detectEvidenceType(content: Buffer): Promise<DetectedType> {
  const found = await fromBuffer(content);
  if (!found) return { ok: false };
  if (!(found.mime in ALLOWED_EVIDENCE_TYPES)) return { ok: false, detected: found.mime };
  return { ok: true, mediaType: found.mime, extension: found.ext };
}
