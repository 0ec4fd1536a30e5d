import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { PrismaClient } from '@kawal/database';
import { caseWorkflowId, programmeWorkflowId } from '@kawal/contracts';
import { parseTemplate } from '@kawal/templates';

export const SLICE_TEMPLATE_FILE = path.join(__dirname, '..', '..', 'templates', 'kawal-slice.v1.yaml');

export function sliceTemplate() {
  return parseTemplate(YAML.parse(readFileSync(SLICE_TEMPLATE_FILE, 'utf8')));
}

/** Kota Banjarbaru > Kecamatan Banjarbaru Utara > a few kelurahan, each with a lurah; one coordinator. */
export async function seedProgramme(prisma: PrismaClient, opts: { programmeId: string; startDate: string; kelurahan: number; templateKey?: string }) {
  const template = { ...sliceTemplate(), ...(opts.templateKey ? { key: opts.templateKey } : {}) };
  const tpl = await prisma.template.create({ data: { key: template.key, version: template.version, name: template.name.id, definition: template as never, checksum: 'test', publishedAt: new Date() } });
  // Units and people are shared by every programme seeded into the same database.
  const kota = await prisma.unit.upsert({ where: { code: '63.72' }, update: {}, create: { code: '63.72', name: 'Kota Banjarbaru', kind: 'KOTA', timeZone: 'Asia/Makassar' } });
  const kec = await prisma.unit.upsert({ where: { code: '63.72.01' }, update: {}, create: { code: '63.72.01', name: 'Banjarbaru Utara', kind: 'KECAMATAN', parentId: kota.id, timeZone: 'Asia/Makassar' } });
  const coordinator = await prisma.person.upsert({
    where: { email: 'organisasi@banjarbarukota.go.id' },
    update: {},
    create: { email: 'organisasi@banjarbarukota.go.id', name: 'Bagian Organisasi', roles: { create: [{ role: 'COORDINATOR', unitId: kota.id }] } },
  });
  const units = [];
  for (let i = 1; i <= opts.kelurahan; i++) {
    const code = `63.72.01.100${i}`;
    const unit = await prisma.unit.upsert({ where: { code }, update: {}, create: { code, name: `Kelurahan ${i}`, kind: 'KELURAHAN', parentId: kec.id, timeZone: 'Asia/Makassar' } });
    await prisma.person.upsert({
      where: { email: `lurah${i}@banjarbarukota.go.id` },
      update: {},
      create: { email: `lurah${i}@banjarbarukota.go.id`, name: `Lurah ${i}`, locale: i === 2 ? 'en' : 'id', roles: { create: [{ role: 'UNIT_HEAD', unitId: unit.id }] } },
    });
    units.push(unit);
  }
  await prisma.programme.create({
    data: {
      id: opts.programmeId,
      name: 'Tindak Lanjut Standar Pelayanan 2027',
      templateId: tpl.id,
      coordinatorId: coordinator.id,
      startDate: new Date(`${opts.startDate}T00:00:00Z`),
      workflowId: programmeWorkflowId(opts.programmeId),
      cases: { create: units.map((u) => ({ unitId: u.id, workflowId: caseWorkflowId(opts.programmeId, u.code) })) },
    },
  });
  return { template, units, coordinator };
}
