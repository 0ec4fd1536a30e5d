import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@kawal/database';
import { AccessService } from '../access/access.service';
import { DIRECTORY_ADMINS } from '../access/policy';
import { Actor, CurrentActor } from '../auth/actor';
import { ApiError, isUuid } from '../common/api-error';
import { ProblemDto } from '../common/problem.dto';
import { AuditPageDto, AuditPageQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly prisma: PrismaService,
  ) {}

  @Get('cases/:id/timeline')
  @ApiOperation({ summary: "A case's timeline: every decision, who, when, why, before and after, with the hash chain verified" })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such case, or not visible to this person' })
  async caseTimeline(@Param('id') id: string, @CurrentActor() actor: Actor, @Query() q: AuditPageQueryDto): Promise<AuditPageDto> {
    const c = isUuid(id) ? await this.prisma.case.findUnique({ where: { id }, include: { unit: true, programme: { select: { coordinatorId: true } } } }) : null;
    if (!c) throw ApiError.notFound({ id: 'Kasus', en: 'Case' }, id);
    await this.access.assertCase(actor, 'case.read', { id: c.id, unitId: c.unitId, unitName: c.unit.name, coordinatorId: c.programme.coordinatorId });
    return this.page(AuditService.chainOfCase(c.id), q);
  }

  @Get('programmes/:id/audit')
  @ApiOperation({ summary: "A programme's own audit chain (launch, bulk actions, closing), verified" })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such programme, or not visible to this person' })
  async programmeAudit(@Param('id') id: string, @CurrentActor() actor: Actor, @Query() q: AuditPageQueryDto): Promise<AuditPageDto> {
    const p = isUuid(id) ? await this.prisma.programme.findUnique({ where: { id }, select: { id: true, coordinatorId: true } }) : null;
    if (!p) throw ApiError.notFound({ id: 'Program', en: 'Programme' }, id);
    await this.access.assertProgramme(actor, p, 'read');
    return this.page(AuditService.chainOfProgramme(p.id), q);
  }

  @Get('audit/directory')
  @ApiOperation({ summary: 'The directory audit chain (units, people, roles, templates), verified; administrators only' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  async directoryAudit(@CurrentActor() actor: Actor, @Query() q: AuditPageQueryDto): Promise<AuditPageDto> {
    if (!this.access.holdsAnywhere(actor, DIRECTORY_ADMINS)) {
      throw ApiError.forbidden({ id: 'Jejak audit direktori hanya untuk admin.', en: 'The directory audit trail is for administrators.' });
    }
    return this.page('admin', q);
  }

  private async page(chain: string, q: AuditPageQueryDto): Promise<AuditPageDto> {
    const limit = q.limit ?? 500;
    const [verification, rows] = await Promise.all([
      this.audit.verify(chain),
      this.prisma.auditEvent.findMany({ where: { chain, seq: { gt: q.afterSeq ?? 0 } }, orderBy: { seq: 'asc' }, take: limit + 1 }),
    ]);
    const page = rows.slice(0, limit);
    return {
      verification,
      events: page.map((e) => ({
        seq: e.seq,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        reason: e.reason,
        before: e.before,
        after: e.after,
        caseId: e.caseId,
        programmeId: e.programmeId,
        hash: e.hash,
        prevHash: e.prevHash,
      })),
      nextAfterSeq: rows.length > limit ? page[page.length - 1].seq : null,
    };
  }
}
