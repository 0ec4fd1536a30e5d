import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Actor, CurrentActor } from '../auth/actor';
import { ProblemDto } from '../common/problem.dto';
import { CreatePersonDto, PeopleQueryDto, PersonDto, PersonPageDto, ReplaceRolesDto, SessionsRevokedDto, UpdatePersonDto } from './person.dto';
import { PeopleService } from './people.service';

const EMAIL_PARAM = { name: 'email', example: 'lurah.loktabat@banjarbarukota.go.id', description: 'Case-insensitive' };

@ApiTags('people')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a person with role assignments scoped to units',
    description:
      'Administrators only: every unit of the roles must be in their scope, and roles without a unit (everywhere) need an administrator everywhere. ' +
      'An initial password is optional (without one the person signs in with emailed links). Audited as person.created.',
  })
  @ApiCreatedResponse({ type: PersonDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid field, unknown unit, or a password that breaks the rules' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Not an administrator, or a role outside the administrator’s scope' })
  @ApiConflictResponse({ type: ProblemDto, description: 'The email is registered already (PERSON_EXISTS)' })
  create(@Body() dto: CreatePersonDto, @CurrentActor() actor: Actor): Promise<PersonDto> {
    return this.people.create(dto, actor);
  }

  @Get()
  @ApiOperation({
    summary: 'List people, a page at a time, ordered by email',
    description:
      'Administrators and coordinators only; those scoped to units see the people holding a role on their units or under them. ' +
      'Filters: unitCode (a role on exactly that unit), role (with unitCode: that role on that unit), q (email or name contains).',
  })
  @ApiOkResponse({ type: PersonPageDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid filter or cursor' })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Neither administrator nor coordinator' })
  list(@Query() query: PeopleQueryDto, @CurrentActor() actor: Actor): Promise<PersonPageDto> {
    return this.people.list(query, actor);
  }

  @Get(':email')
  @ApiParam(EMAIL_PARAM)
  @ApiOperation({ summary: 'One person: oneself, or for an administrator or coordinator over one of the units they hold a role on' })
  @ApiOkResponse({ type: PersonDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Someone else, asked by neither an administrator nor a coordinator' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such person, or outside the asker’s scope' })
  get(@Param('email') email: string, @CurrentActor() actor: Actor): Promise<PersonDto> {
    return this.people.get(email, actor);
  }

  @Patch(':email')
  @ApiParam(EMAIL_PARAM)
  @ApiOperation({
    summary: 'Change a person: name, language, or disable / enable the account',
    description:
      'An administrator over every unit the person holds a role on (everywhere, for someone holding a role everywhere or none); a person may change their own name and language. ' +
      'Disabling revokes every session and API token of the person at once. Audited as person.updated, person.disabled or person.enabled.',
  })
  @ApiOkResponse({ type: PersonDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such person, or outside the asker’s scope' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Disabling one’s own account (CANNOT_DISABLE_SELF)' })
  update(@Param('email') email: string, @Body() dto: UpdatePersonDto, @CurrentActor() actor: Actor): Promise<PersonDto> {
    return this.people.update(email, dto, actor);
  }

  @Put(':email/roles')
  @ApiParam(EMAIL_PARAM)
  @ApiOperation({
    summary: 'Replace the role assignments of a person',
    description:
      'Every role removed and every role added must be on a unit in the administrator’s scope (roles everywhere: administrators everywhere only); roles that stay are not checked. ' +
      'Nobody may remove their own role as administrator everywhere (409). Audited as person.roles-changed with the roles before and after.',
  })
  @ApiOkResponse({ type: PersonDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'Invalid role or unknown unit' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Removing one’s own role as administrator everywhere (LAST_GLOBAL_ADMIN_ROLE)' })
  replaceRoles(@Param('email') email: string, @Body() dto: ReplaceRolesDto, @CurrentActor() actor: Actor): Promise<PersonDto> {
    return this.people.replaceRoles(email, dto.roles, actor);
  }

  @Post(':email/sessions/revoke')
  @HttpCode(200)
  @ApiParam(EMAIL_PARAM)
  @ApiOperation({
    summary: 'Sign a person out everywhere: revoke all their sessions and API tokens',
    description: 'An administrator over the person, or the person themself. Audited as person.sessions-revoked.',
  })
  @ApiOkResponse({ type: SessionsRevokedDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  revokeSessions(@Param('email') email: string, @CurrentActor() actor: Actor): Promise<SessionsRevokedDto> {
    return this.people.revokeSessions(email, actor);
  }
}
