import { Injectable } from '@nestjs/common';
import { PrismaService } from '@kawal/database';
import { isIndonesianTimeZone, zoneAbbreviation } from '@kawal/domain';
import type { ActionLinkTarget } from '@kawal/links';
import { formatLocalDate } from '@kawal/mail';
import type { ActionLinkContext } from '../auth/link-pages';
import type { Locale } from '../common/locale';

/** Offset of an Indonesian zone in hours (WIB 7, WITA 8, WIT 9). */
const OFFSET_HOURS: Record<'WIB' | 'WITA' | 'WIT', number> = { WIB: 7, WITA: 8, WIT: 9 };

/** What the page behind an action link shows: the programme, unit and task of its target, from the read model. */
@Injectable()
export class LinksService {
  constructor(private readonly prisma: PrismaService) {}

  async context(target: ActionLinkTarget | null, expiresAt: Date, locale: Locale): Promise<ActionLinkContext> {
    const c = target
      ? await this.prisma.case.findUnique({
          where: { id: target.caseId },
          select: { programme: { select: { name: true } }, unit: { select: { name: true, timeZone: true } } },
        })
      : null;
    const zone = c && isIndonesianTimeZone(c.unit.timeZone) ? zoneAbbreviation(c.unit.timeZone) : null;
    const task =
      c && target?.taskKey ? await this.prisma.task.findUnique({ where: { caseId_key: { caseId: target.caseId, key: target.taskKey } }, select: { title: true, dueDate: true } }) : null;
    return {
      programmeName: c?.programme.name,
      unitName: c?.unit.name,
      taskTitle: task?.title,
      due: task?.dueDate && zone ? formatLocalDate(task.dueDate.toISOString().slice(0, 10), zone, locale) : undefined,
      until: formatInstant(expiresAt, zone, locale),
    };
  }
}

/** '17 Maret 2027, 14.30 (WITA)' in the unit's zone, or '2027-03-17 06:30 UTC' when the zone is unknown. */
export function formatInstant(at: Date, zone: 'WIB' | 'WITA' | 'WIT' | null, locale: Locale): string {
  if (!zone) return at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const local = new Date(at.getTime() + OFFSET_HOURS[zone] * 3_600_000).toISOString();
  const time = locale === 'id' ? `${local.slice(11, 13)}.${local.slice(14, 16)}` : local.slice(11, 16);
  return formatLocalDate(local.slice(0, 10), zone, locale).replace(' (', `, ${time} (`);
}
