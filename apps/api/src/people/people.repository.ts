import { Injectable } from '@nestjs/common';
import { PrismaService, db } from '@kawal/database';

const withRoles = { roles: { include: { unit: { select: { code: true } } } } } as const;

@Injectable()
export class PeopleRepository {
  constructor(private readonly prisma: PrismaService) {}

  byEmail(email: string) {
    return this.prisma.person.findUnique({ where: { email: email.toLowerCase() }, include: withRoles });
  }

  create(data: { email: string; name: string; locale: string; roles: Array<{ role: db.Role; unitId: string | null }>; passwordHash?: string }) {
    return this.prisma.person.create({
      data: { email: data.email.toLowerCase(), name: data.name, locale: data.locale, passwordHash: data.passwordHash, roles: { create: data.roles } },
      include: withRoles,
    });
  }

  list() {
    return this.prisma.person.findMany({ include: withRoles, orderBy: { email: 'asc' }, take: 1000 });
  }

  /** Does the person hold one of the roles on any of these units? */
  async holdsRole(personId: string, roles: db.Role[], unitIds: string[]): Promise<boolean> {
    const count = await this.prisma.roleAssignment.count({ where: { personId, role: { in: roles }, unitId: { in: unitIds } } });
    return count > 0;
  }
}
