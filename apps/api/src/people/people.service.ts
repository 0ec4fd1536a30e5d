import { Injectable } from '@nestjs/common';
import { AuthService, assertPasswordRules } from '../auth/auth.service';
import { ApiError } from '../common/api-error';
import { UnitsRepository } from '../units/units.repository';
import { CreatePersonDto, PersonDto } from './person.dto';
import { PeopleRepository } from './people.repository';

type PersonRow = NonNullable<Awaited<ReturnType<PeopleRepository['byEmail']>>>;
const toDto = (p: PersonRow): PersonDto => ({
  id: p.id,
  email: p.email,
  name: p.name,
  locale: p.locale,
  roles: p.roles.map((r) => ({ role: r.role, unitCode: r.unit?.code ?? null })),
});

@Injectable()
export class PeopleService {
  constructor(
    private readonly repo: PeopleRepository,
    private readonly units: UnitsRepository,
    private readonly auth: AuthService,
  ) {}

  async create(dto: CreatePersonDto): Promise<PersonDto> {
    if (await this.repo.byEmail(dto.email)) {
      throw ApiError.conflict('PERSON_EXISTS', { id: `Orang dengan email ${dto.email} sudah terdaftar.`, en: `A person with email ${dto.email} already exists.` });
    }
    const codes = [...new Set(dto.roles.flatMap((r) => (r.unitCode ? [r.unitCode] : [])))];
    const found = new Map((await this.units.byCodes(codes)).map((u) => [u.code, u.id]));
    const missing = dto.roles.findIndex((r) => !!r.unitCode && !found.has(r.unitCode));
    if (missing >= 0) {
      const code = dto.roles[missing].unitCode!;
      throw ApiError.invalid([{ field: `roles[${missing}].unitCode`, rule: `must name an existing unit; ${code} does not exist`, message: `harus kode unit yang sudah ada; ${code} tidak ditemukan` }]);
    }
    const roles = dto.roles.map((r) => ({ role: r.role, unitId: r.unitCode ? found.get(r.unitCode)! : null }));
    const unique = [...new Map(roles.map((r) => [`${r.role}/${r.unitId}`, r])).values()];
    if (dto.password !== undefined) assertPasswordRules(dto.password, dto.email, 'password');
    const passwordHash = dto.password !== undefined ? await this.auth.hashPassword(dto.password) : undefined;
    return toDto(await this.repo.create({ email: dto.email, name: dto.name, locale: dto.locale ?? 'id', roles: unique, passwordHash }));
  }

  async get(email: string): Promise<PersonDto> {
    const person = await this.repo.byEmail(email);
    if (!person) throw ApiError.notFound({ id: 'Orang', en: 'Person' }, email);
    return toDto(person);
  }

  async list(): Promise<PersonDto[]> {
    return (await this.repo.list()).map(toDto);
  }
}
