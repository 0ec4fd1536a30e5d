import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ApiError } from '../common/api-error';
import { AuthenticatedRequest, IS_PUBLIC } from './actor';
import { AuthService } from './auth.service';
import { SESSION_COOKIE } from './tokens';

/** The token of a request: `Authorization: Bearer ...`, else the session cookie set by the sign-in pages. */
export function requestToken(req: AuthenticatedRequest): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : null;
  }
  const cookies = String(req.headers.cookie ?? '');
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Every route needs a signed-in person unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = requestToken(req);
    const actor = token ? await this.auth.authenticate(token) : null;
    if (!actor) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', `Bearer realm="kawal"${token ? ', error="invalid_token"' : ''}`);
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        token ? 'INVALID_TOKEN' : 'AUTHENTICATION_REQUIRED',
        { id: 'Perlu masuk', en: 'Sign-in required' },
        token
          ? { id: 'Token tidak dikenal, sudah dicabut, atau kedaluwarsa. Silakan masuk lagi.', en: 'The token is unknown, revoked or expired. Please sign in again.' }
          : { id: 'Masuk dulu: kirim header Authorization: Bearer <token>.', en: 'Sign in first: send an Authorization: Bearer <token> header.' },
      );
    }
    req.actor = actor;
    return true;
  }
}
