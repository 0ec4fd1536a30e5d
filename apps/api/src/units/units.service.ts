import { Injectable } from '@nestjs/common';
import { timeZoneForUnitCode } from '@kawal/domain';
import { ApiError } from '../common/api-error';
import { CreateUnitDto, UnitDto, UnitKind } from './unit.dto';
import { UnitsRepository } from './units.repository';

type UnitRow = NonNullable<Awaited<ReturnType<UnitsRepository['byCode']>>>;
const toDto = (u: UnitRow): UnitDto => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, parentCode: u.parent?.code ?? null, timeZone: u.timeZone });

@Injectable()
export class UnitsService {
  constructor(private readonly repo: UnitsRepository) {}

  async create(dto: CreateUnitDto): Promise<UnitDto> {
    if (await this.repo.byCode(dto.code)) {
      throw ApiError.conflict('UNIT_EXISTS', { id: `Unit dengan kode ${dto.code} sudah ada.`, en: `A unit with code ${dto.code} already exists.` });
    }
    let parentId: string | undefined;
    if (dto.parentCode) {
      const parent = await this.repo.byCode(dto.parentCode);
      if (!parent) {
        throw ApiError.invalid([{ field: 'parentCode', rule: `must name an existing unit; ${dto.parentCode} does not exist`, message: `harus kode unit yang sudah ada; ${dto.parentCode} tidak ditemukan` }]);
      }
      parentId = parent.id;
    }
    const created = await this.repo.create({ code: dto.code, name: dto.name, kind: dto.kind, parentId, timeZone: dto.timeZone ?? timeZoneForUnitCode(dto.code) });
    return toDto(created);
  }

  async get(code: string): Promise<UnitDto> {
    const unit = await this.repo.byCode(code);
    if (!unit) throw ApiError.notFound({ id: 'Unit', en: 'Unit' }, code);
    return toDto(unit);
  }

  async list(filter: { parentCode?: string; kind?: UnitKind }): Promise<UnitDto[]> {
    return (await this.repo.list(filter)).map(toDto);
  }
}
