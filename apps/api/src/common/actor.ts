import { createParamDecorator, ExecutionContext, HttpStatus } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiError } from './api-error';

export const ACTOR_HEADER = 'x-actor-email';

/**
 * Who is acting. Until sign-in lands (issue 4: passwords, one-time links, bearer tokens), a trusted front end
 * names the person in the X-Actor-Email header; the services check that person's role assignments.
 */
export const ActorEmail = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const value = String(req.headers[ACTOR_HEADER] ?? '').trim().toLowerCase();
  if (!value || !/^[^\s@]+@[^\s@]+$/.test(value)) {
    throw new ApiError(
      HttpStatus.UNAUTHORIZED,
      'ACTOR_REQUIRED',
      { id: 'Identitas pengguna diperlukan', en: 'Who is acting must be given' },
      { id: 'Header X-Actor-Email wajib berisi email orang yang bertindak.', en: 'The X-Actor-Email header must hold the email of the person acting.' },
    );
  }
  return value;
});

export const ApiActorHeader = () => ApiHeader({ name: 'X-Actor-Email', required: true, description: 'Email of the person acting (temporary, until authentication)' });
