import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '@kawal/database';
import { ApiError, isUuid } from '../common/api-error';
import { requestLocale } from '../common/locale';
import { ProblemDto } from '../common/problem.dto';
import { Actor, AuthenticatedRequest, CurrentActor, Public } from './actor';
import { ChangePasswordDto, CreateApiTokenDto, MeDto, PasswordSignInDto, SessionDto, SessionTokenDto, SignInLinkRequestDto } from './auth.dto';
import { AuthService, IssuedSession } from './auth.service';
import { LINK_STATUS, badLinkPage, confirmSignInPage, linkProblem, setLinkPageHeaders, setSessionCookie, signedInPage } from './link-pages';
import { SESSION_COOKIE } from './tokens';

const toTokenDto = (s: IssuedSession): SessionTokenDto => ({
  token: s.token,
  sessionId: s.id,
  kind: s.kind,
  expiresAt: s.expiresAt?.toISOString() ?? null,
  email: s.person.email,
  name: s.person.name,
});

const clientIp = (req: AuthenticatedRequest) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly prisma: PrismaService,
  ) {}

  @Public()
  @Post('sign-in')
  @ApiOperation({ summary: 'Sign in with email and password; returns a bearer token for a session' })
  @ApiCreatedResponse({ type: SessionTokenDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'Wrong email or password (INVALID_CREDENTIALS)' })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'Too many failed attempts for this email or address' })
  async signIn(@Body() dto: PasswordSignInDto, @Req() req: AuthenticatedRequest): Promise<SessionTokenDto> {
    return toTokenDto(await this.auth.signInWithPassword(dto.email, dto.password, clientIp(req), req.headers['user-agent']));
  }

  @Public()
  @Post('links')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Email a one-time sign-in link',
    description: 'The answer is the same whether or not the address has an account. The link opens a page; signing in happens only on its POST.',
  })
  @ApiAcceptedResponse({ schema: { type: 'object', properties: { accepted: { type: 'boolean' } } } })
  @ApiBadRequestResponse({ type: ProblemDto })
  async requestLink(@Body() dto: SignInLinkRequestDto, @Req() req: AuthenticatedRequest): Promise<{ accepted: true }> {
    await this.auth.requestSignInLink(dto.email, clientIp(req));
    return { accepted: true };
  }

  @Public()
  @Get('links/:token')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The page behind an emailed link: shows what will happen and a button; changes nothing' })
  @ApiOkResponse({ description: 'HTML page with a POST form' })
  @ApiNotFoundResponse({ description: 'HTML page: the link is unknown or was altered' })
  async showLink(@Param('token') token: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const check = await this.auth.inspectLink(token);
    const locale = requestLocale(req);
    setLinkPageHeaders(res);
    if (!check.ok) {
      res.status(LINK_STATUS[check.reason]).send(badLinkPage(locale, check.reason));
      return;
    }
    res.status(200).send(confirmSignInPage(check.person.locale === 'en' ? 'en' : locale, check.person, check.expiresAt));
  }

  @Public()
  @Post('links/:token')
  @ApiOperation({
    summary: 'Use a sign-in link (once)',
    description: 'From the page: sets the session cookie and shows an HTML page. With Accept: application/json: returns the bearer token. A second use is refused (410).',
  })
  @ApiCreatedResponse({ type: SessionTokenDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  async useLink(@Param('token') token: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const result = await this.auth.redeemSignInLink(token, clientIp(req), req.headers['user-agent']);
    const wantsJson = String(req.headers.accept ?? '').includes('application/json');
    const locale = requestLocale(req);
    if ('ok' in result) {
      if (wantsJson) {
        throw linkProblem(result.reason);
      }
      setLinkPageHeaders(res);
      res.status(LINK_STATUS[result.reason]).send(badLinkPage(locale, result.reason));
      return;
    }
    if (wantsJson) {
      res.status(201).json(toTokenDto(result));
      return;
    }
    setLinkPageHeaders(res);
    setSessionCookie(req, res, result);
    res.status(200).send(signedInPage(result.person.locale === 'en' ? 'en' : locale, result.person));
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who is signed in, with their roles' })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async me(@CurrentActor() actor: Actor): Promise<MeDto> {
    const roles = await this.prisma.roleAssignment.findMany({ where: { personId: actor.personId }, include: { unit: { select: { code: true } } } });
    return {
      id: actor.personId,
      email: actor.email,
      name: actor.name,
      locale: actor.locale,
      roles: roles.map((r) => ({ role: r.role, unitCode: r.unit?.code ?? null })),
      via: actor.via,
    };
  }

  @Post('sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session (or revoke the API token) this request was made with' })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async signOut(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.revoke(actor.personId, actor.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'My active sessions and API tokens' })
  @ApiOkResponse({ type: [SessionDto] })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async sessions(@CurrentActor() actor: Actor): Promise<SessionDto[]> {
    return (await this.auth.sessionsOf(actor.personId)).map((s) => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      method: s.method,
      ip: s.ip,
      userAgent: s.userAgent,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt?.toISOString() ?? null,
      current: s.id === actor.sessionId,
    }));
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke one of my sessions or API tokens' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async revoke(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    if (!isUuid(id) || !(await this.auth.revoke(actor.personId, id))) throw ApiError.notFound({ id: 'Sesi', en: 'Session' }, id);
  }

  @Post('tokens')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a named bearer token for an API client (shown once)' })
  @ApiCreatedResponse({ type: SessionTokenDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async createToken(@CurrentActor() actor: Actor, @Body() dto: CreateApiTokenDto): Promise<SessionTokenDto> {
    return toTokenDto(await this.auth.createApiToken(actor, dto.name.trim(), dto.expiresInDays));
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Set or change my password; my other sessions end' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ProblemDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  async changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(actor, dto.currentPassword, dto.newPassword);
  }
}
