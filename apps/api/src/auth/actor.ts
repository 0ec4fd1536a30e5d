import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { RoleGrant } from '../access/policy';

/** The signed-in person a request acts for (set by AuthGuard from the bearer token or the session cookie). */
export interface Actor {
  personId: string;
  email: string;
  name: string;
  locale: 'id' | 'en';
  grants: RoleGrant[];
  sessionId: string;
  via: 'SESSION' | 'API_TOKEN';
}

export type AuthenticatedRequest = Request & { actor?: Actor; id?: string };

export const IS_PUBLIC = 'kawal:public';
/** Marks public operations in the OpenAPI document until bootstrap turns it into `security: []`. */
export const PUBLIC_EXTENSION = 'x-kawal-public';
/** Marks a route that needs no sign-in (health, docs, signing in itself, the pages behind email links). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.actor) throw new Error('CurrentActor used on a public route');
  return req.actor;
});
