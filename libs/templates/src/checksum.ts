import { createHash } from 'node:crypto';
import type { TemplateDefinition } from '@kawal/domain';

/** Canonical JSON (sorted keys) so the checksum does not depend on key order or YAML formatting. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The checksum a template version is stored with: SHA-256 (hex) of its canonical JSON. */
export const templateChecksum = (definition: TemplateDefinition): string => createHash('sha256').update(canonicalJson(definition)).digest('hex');
