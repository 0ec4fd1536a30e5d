import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { HttpStatus, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TemplateDefinition } from '@kawal/domain';
import { TemplateValidationError, parseTemplate, templateChecksum } from '@kawal/templates';
import { AppConfig } from '@kawal/config';
import YAML from 'yaml';
import { AccessService } from '../access/access.service';
import { TEMPLATE_AUTHORS } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { ApiError } from '../common/api-error';
import { TemplateContent, TemplatesRepository } from './templates.repository';

export type TemplateRow = NonNullable<Awaited<ReturnType<TemplatesRepository['find']>>>;
export type TemplateVersionRow = Awaited<ReturnType<TemplatesRepository['versions']>>[number];

export const TEMPLATE_LIST_STATUSES = ['published', 'draft', 'all'] as const;
export type TemplateListStatus = (typeof TEMPLATE_LIST_STATUSES)[number];

/** The outcome of a dry run (POST /templates/validate). */
export interface TemplateCheck {
  valid: true;
  key: string;
  version: number;
  name: TemplateDefinition['name'];
  checksum: string;
  phases: Array<{ key: string; name: TemplateDefinition['name']; tasks: number }>;
  tasks: Array<{ key: string; title: TemplateDefinition['name']; phase: string | null; assigneeRole: string; reviewLevels: number; minEvidence: number; recurring: boolean }>;
  summary: { phases: number; tasks: number; reviewSteps: number; reminders: number; escalationRungs: number; recurringTasks: number; signOffRequired: boolean; scoringInstrument: string | null };
  /** What is stored under the same key and version now: null = nothing; `identical` = same checksum. */
  existing: { status: 'draft' | 'published'; checksum: string; identical: boolean } | null;
  definition: TemplateDefinition;
}

const contentOf = (definition: TemplateDefinition): TemplateContent => ({ key: definition.key, version: definition.version, name: definition.name.id, definition, checksum: templateChecksum(definition) });
/** What the audit trail keeps of a version: enough to identify the exact content. */
const auditView = (t: { key: string; version: number; checksum: string; publishedAt?: Date | null }) => ({
  key: t.key,
  version: t.version,
  checksum: t.checksum,
  status: t.publishedAt ? 'published' : 'draft',
  ...(t.publishedAt ? { publishedAt: t.publishedAt.toISOString() } : {}),
});

const TEMPLATE_TEXT = { id: 'Template', en: 'Template' };

const immutable = (key: string, version: number, what: { id: string; en: string }) =>
  ApiError.conflict('TEMPLATE_VERSION_IMMUTABLE', {
    id: `Template ${key} versi ${version} sudah diterbitkan dan tidak dapat ${what.id}; simpan perubahan sebagai versi baru.`,
    en: `Template ${key} version ${version} is already published and cannot ${what.en}; save the change as a new version.`,
  });

const notPublished = (key: string, version: number) =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    'TEMPLATE_NOT_PUBLISHED',
    { id: 'Template belum diterbitkan', en: 'Template not published' },
    {
      id: `Template ${key} versi ${version} masih berupa draf dan belum diterbitkan; program hanya dapat memakai versi yang sudah diterbitkan (POST /templates/${key}/versions/${version}/publish).`,
      en: `Template ${key} version ${version} is a draft and has not been published; programmes can only use published versions (POST /templates/${key}/versions/${version}/publish).`,
    },
  );

/**
 * Programme templates: validated documents, stored as drafts while authors work on them and immutable once
 * published. Only published versions are ever handed to programmes (`get`).
 */
@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TemplatesService.name);

  constructor(
    private readonly repo: TemplatesRepository,
    private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** Parses YAML or JSON text, or takes an already-parsed object. */
  parseDocument(body: unknown): unknown {
    if (typeof body !== 'string') return body;
    try {
      return YAML.parse(body);
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      throw ApiError.invalid([{ field: '(document)', rule: `is not valid YAML/JSON: ${reason}`, message: `bukan YAML/JSON yang valid: ${reason}` }]);
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

  isAuthor(actor: Actor): boolean {
    return this.access.holdsAnywhere(actor, TEMPLATE_AUTHORS);
  }

  assertAuthor(actor: Actor): void {
    if (this.isAuthor(actor)) return;
    throw ApiError.forbidden({
      id: `${actor.email} tidak berperan sebagai ${TEMPLATE_AUTHORS.join(' atau ')}; hanya mereka yang dapat menyusun, menerbitkan, dan menghapus draf template.`,
      en: `${actor.email} holds neither the ${TEMPLATE_AUTHORS.join(' nor the ')} role; only they may write, publish and delete template drafts.`,
    });
  }

  /** A dry run: validates the document and describes it, without storing anything. */
  async check(document: unknown): Promise<TemplateCheck> {
    const definition = this.validate(document);
    const checksum = templateChecksum(definition);
    const stored = await this.repo.find(definition.key, definition.version);
    const phases = definition.phases ?? [];
    return {
      valid: true,
      key: definition.key,
      version: definition.version,
      name: definition.name,
      checksum,
      phases: phases.map((p) => ({ key: p.key, name: p.name, tasks: definition.tasks.filter((t) => t.phase === p.key).length })),
      tasks: definition.tasks.map((t) => ({
        key: t.key,
        title: t.title,
        phase: t.phase ?? null,
        assigneeRole: t.assigneeRole,
        reviewLevels: t.review?.levels.length ?? 0,
        minEvidence: t.evidence.minItems,
        recurring: t.recurrence !== undefined,
      })),
      summary: {
        phases: phases.length,
        tasks: definition.tasks.length,
        reviewSteps: definition.tasks.reduce((n, t) => n + (t.review?.levels.length ?? 0), 0),
        reminders: definition.reminders.length,
        escalationRungs: definition.escalation?.length ?? 0,
        recurringTasks: definition.tasks.filter((t) => t.recurrence !== undefined).length,
        signOffRequired: definition.signOff?.required ?? true,
        scoringInstrument: definition.scoring?.instrument ?? null,
      },
      existing: stored ? { status: stored.publishedAt ? 'published' : 'draft', checksum: stored.checksum, identical: stored.checksum === checksum } : null,
      definition,
    };
  }

  /**
   * Saves a draft: a new version, or a new content for a version that is still a draft. A published version is
   * immutable (409). `outcome` says whether the draft was created, replaced, or already held this content.
   */
  async saveDraft(document: unknown, actor: Actor): Promise<{ template: TemplateRow; outcome: 'created' | 'replaced' | 'unchanged' }> {
    this.assertAuthor(actor);
    const content = contentOf(this.validate(document));
    return this.repo.transaction(async (tx) => {
      const existing = await this.repo.find(content.key, content.version, tx);
      if (existing?.publishedAt) throw immutable(content.key, content.version, { id: 'diubah', en: 'change' });
      if (existing && existing.checksum === content.checksum) return { template: existing, outcome: 'unchanged' as const };
      if (!(await this.repo.writeUnlessPublished(content, false, tx))) throw immutable(content.key, content.version, { id: 'diubah', en: 'change' });
      const template = (await this.repo.find(content.key, content.version, tx))!;
      await this.audit.record({ actor, action: 'template.draft-saved', before: existing ? auditView(existing) : undefined, after: { ...auditView(template), name: template.name } }, tx);
      return { template, outcome: existing ? ('replaced' as const) : ('created' as const) };
    });
  }

  /**
   * Validates and publishes in one step (a draft of the same version is replaced and published). Published versions
   * are immutable: the same content again is a no-op (`created: false`), other content a 409. `actor` null = the
   * built-in templates at boot, which are not audited.
   */
  async publish(document: unknown, actor: Actor | null): Promise<{ template: TemplateRow; created: boolean }> {
    if (actor) this.assertAuthor(actor);
    const content = contentOf(this.validate(document));
    const sameOrConflict = (row: TemplateRow) => {
      if (row.checksum === content.checksum) return { template: row, created: false };
      throw immutable(content.key, content.version, { id: 'diubah', en: 'change' });
    };
    return this.repo.transaction(async (tx) => {
      const existing = await this.repo.find(content.key, content.version, tx);
      if (existing?.publishedAt) return sameOrConflict(existing);
      if (!(await this.repo.writeUnlessPublished(content, true, tx))) return sameOrConflict((await this.repo.find(content.key, content.version, tx))!);
      const template = (await this.repo.find(content.key, content.version, tx))!;
      if (actor) await this.recordPublished(actor, existing, template, tx);
      return { template, created: true };
    });
  }

  /** Publishes a stored draft; publishing a version that is already published changes nothing (`published: false`). */
  async publishDraft(key: string, version: number, actor: Actor): Promise<{ template: TemplateRow; published: boolean }> {
    this.assertAuthor(actor);
    return this.repo.transaction(async (tx) => {
      const existing = await this.repo.find(key, version, tx);
      if (!existing) throw ApiError.notFound({ id: 'Draf template', en: 'Template draft' }, `${key}@${version}`);
      if (existing.publishedAt) return { template: existing, published: false };
      // The template language may have grown stricter since the draft was saved: publish only what is valid today.
      this.validate(existing.definition);
      if (!(await this.repo.publishDraft(key, version, tx))) {
        const now = await this.repo.find(key, version, tx);
        if (now?.publishedAt) return { template: now, published: false };
        throw ApiError.notFound({ id: 'Draf template', en: 'Template draft' }, `${key}@${version}`);
      }
      const template = (await this.repo.find(key, version, tx))!;
      await this.recordPublished(actor, existing, template, tx);
      return { template, published: true };
    });
  }

  /** Deletes a draft; published versions stay forever (409). */
  async deleteDraft(key: string, version: number, actor: Actor): Promise<void> {
    this.assertAuthor(actor);
    await this.repo.transaction(async (tx) => {
      const existing = await this.repo.find(key, version, tx);
      if (existing?.publishedAt) throw immutable(key, version, { id: 'dihapus', en: 'be deleted' });
      if (!existing || !(await this.repo.deleteDraft(key, version, tx))) {
        const now = await this.repo.find(key, version, tx);
        if (now?.publishedAt) throw immutable(key, version, { id: 'dihapus', en: 'be deleted' });
        throw ApiError.notFound({ id: 'Draf template', en: 'Template draft' }, `${key}@${version}`);
      }
      await this.audit.record({ actor, action: 'template.draft-deleted', before: auditView(existing), after: { key, version, checksum: existing.checksum, status: 'deleted' } }, tx);
    });
  }

  private recordPublished(actor: Actor, before: TemplateRow | null, template: TemplateRow, tx: Parameters<AuditService['record']>[1]) {
    return this.audit.record(
      {
        actor,
        action: 'template.published',
        before: before ? auditView(before) : undefined,
        after: { ...auditView(template), name: template.name },
        // A version is published once, ever.
        idempotencyKey: `template.published:${template.key}:${template.version}`,
      },
      tx,
    );
  }

  /**
   * The catalogue: `published` = the latest published version of each key; `draft` = every draft (authors only);
   * `all` = both (drafts left out for people who are not authors).
   */
  async list(actor: Actor, status: TemplateListStatus = 'published'): Promise<TemplateRow[]> {
    if (status === 'draft') this.assertAuthor(actor);
    const [published, drafts] = await Promise.all([
      status === 'draft' ? [] : this.repo.latestPublishedOfEachKey(),
      status === 'published' || !this.isAuthor(actor) ? [] : this.repo.drafts(),
    ]);
    return [...published, ...drafts].sort((a, b) => a.key.localeCompare(b.key) || b.version - a.version);
  }

  /** Every version of a key, newest first; drafts only for authors. */
  async versions(key: string, actor: Actor): Promise<TemplateVersionRow[]> {
    const rows = await this.repo.versions(key, this.isAuthor(actor));
    if (rows.length === 0) throw ApiError.notFound(TEMPLATE_TEXT, key);
    return rows;
  }

  /** One version as a reader sees it: published ones for everyone, drafts for authors only. */
  async version(key: string, version: number, actor: Actor): Promise<TemplateRow> {
    const row = await this.repo.find(key, version);
    if (!row || (!row.publishedAt && !this.isAuthor(actor))) throw ApiError.notFound(TEMPLATE_TEXT, `${key}@${version}`);
    return row;
  }

  /**
   * A PUBLISHED version (the latest one when `version` is omitted): what programmes launch and migrate to.
   * A draft is a 404 (TEMPLATE_NOT_PUBLISHED) saying so.
   */
  async get(key: string, version?: number): Promise<TemplateRow> {
    if (version === undefined) {
      const latest = await this.repo.latestPublished(key);
      if (latest) return latest;
      const draft = await this.repo.latestDraft(key);
      if (draft) throw notPublished(key, draft.version);
      throw ApiError.notFound(TEMPLATE_TEXT, key);
    }
    const row = await this.repo.find(key, version);
    if (!row) throw ApiError.notFound(TEMPLATE_TEXT, `${key}@${version}`);
    if (!row.publishedAt) throw notPublished(key, version);
    return row;
  }

  /** Built-in templates under templates/ are published at boot (idempotent across replicas; not audited). */
  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.templatesDir;
    const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    for (const file of files) {
      try {
        const { template, created } = await this.publish(YAML.parse(await fs.readFile(path.join(dir, file), 'utf8')), null);
        if (created) this.logger.log(`published built-in template ${template.key} v${template.version}`);
      } catch (err) {
        const detail = err instanceof ApiError ? err.detail.en : (err as Error).message;
        this.logger.error(`built-in template ${file} was not published: ${detail}`);
      }
    }
  }
}
