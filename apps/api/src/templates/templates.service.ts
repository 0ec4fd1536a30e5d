import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TemplateDefinition } from '@kawal/domain';
import { TemplateValidationError, parseTemplate } from '@kawal/templates';
import { AppConfig } from '@kawal/config';
import YAML from 'yaml';
import { ApiError } from '../common/api-error';
import { TemplatesRepository } from './templates.repository';

export type TemplateRow = NonNullable<Awaited<ReturnType<TemplatesRepository['find']>>>;

/** Canonical JSON (sorted keys) so the checksum does not depend on key order or YAML formatting. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TemplatesService.name);

  constructor(
    private readonly repo: TemplatesRepository,
    private readonly config: AppConfig,
  ) {}

  /** Parses YAML or JSON text, or takes an already-parsed object. */
  parseDocument(body: unknown): unknown {
    if (typeof body !== 'string') return body;
    try {
      return YAML.parse(body);
    } catch (err) {
      throw ApiError.invalid([{ field: '(document)', rule: `is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`, message: `bukan YAML/JSON yang valid: ${(err as Error).message.split('\n')[0]}` }]);
    }
  }

  validate(document: unknown): TemplateDefinition {
    try {
      return parseTemplate(document);
    } catch (err) {
      if (err instanceof TemplateValidationError) {
        throw ApiError.invalid(err.issues.map((i) => ({ field: i.path || '(root)', rule: i.rule, message: i.rule })));
      }
      throw err;
    }
  }

  /** Publishes a template version. Published versions are immutable: the same content again is a no-op, other content a 409. */
  async publish(document: unknown): Promise<{ template: TemplateRow; created: boolean }> {
    const definition = this.validate(document);
    const checksum = createHash('sha256').update(canonical(definition)).digest('hex');
    const existing = await this.repo.find(definition.key, definition.version);
    if (existing) {
      if (existing.checksum === checksum) return { template: existing, created: false };
      throw ApiError.conflict('TEMPLATE_VERSION_IMMUTABLE', {
        id: `Template ${definition.key} versi ${definition.version} sudah diterbitkan dan tidak dapat diubah; terbitkan sebagai versi baru.`,
        en: `Template ${definition.key} version ${definition.version} is already published and cannot change; publish it as a new version.`,
      });
    }
    const template = await this.repo.insertIfAbsent({ key: definition.key, version: definition.version, name: definition.name.id, definition: definition as never, checksum });
    if (template.checksum !== checksum) throw ApiError.conflict('TEMPLATE_VERSION_IMMUTABLE', { id: 'Versi template ini baru saja diterbitkan dengan isi lain.', en: 'This template version was just published with other content.' });
    return { template, created: true };
  }

  list() {
    return this.repo.list();
  }

  async get(key: string, version?: number): Promise<TemplateRow> {
    const row = version === undefined ? await this.repo.latest(key) : await this.repo.find(key, version);
    if (!row) throw ApiError.notFound({ id: 'Template', en: 'Template' }, version === undefined ? key : `${key}@${version}`);
    return row;
  }

  /** Built-in templates under templates/ are published at boot (idempotent across replicas). */
  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.templatesDir;
    const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    for (const file of files) {
      try {
        const { template, created } = await this.publish(YAML.parse(await fs.readFile(path.join(dir, file), 'utf8')));
        if (created) this.logger.log(`published built-in template ${template.key} v${template.version}`);
      } catch (err) {
        const detail = err instanceof ApiError ? err.detail.en : (err as Error).message;
        this.logger.error(`built-in template ${file} was not published: ${detail}`);
      }
    }
  }
}
