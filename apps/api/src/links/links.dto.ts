import { ApiProperty } from '@nestjs/swagger';

/** The answer to POST /links/{token} with Accept: application/json: a session and what the link opens. */
export class ActionLinkSessionDto {
  @ApiProperty({ description: 'Bearer token of the new session (shown once)', example: 'kws_…' })
  token!: string;

  @ApiProperty({ format: 'uuid', description: 'The case the link opens: GET /cases/{caseId}' })
  caseId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The task the link opens, or null for the case as a whole' })
  taskKey!: string | null;
}
