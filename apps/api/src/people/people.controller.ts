import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemDto } from '../common/problem.dto';
import { CreatePersonDto, PersonDto } from './person.dto';
import { PeopleService } from './people.service';

@ApiTags('people')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post()
  @ApiOperation({ summary: 'Register a person with role assignments scoped to units' })
  @ApiCreatedResponse({ type: PersonDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  create(@Body() dto: CreatePersonDto): Promise<PersonDto> {
    return this.people.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: [PersonDto] })
  list(): Promise<PersonDto[]> {
    return this.people.list();
  }

  @Get(':email')
  @ApiOkResponse({ type: PersonDto })
  get(@Param('email') email: string): Promise<PersonDto> {
    return this.people.get(email);
  }
}
