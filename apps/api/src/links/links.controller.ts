import { Controller, Get, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OPEN_TASK_PURPOSE, parseActionLinkTarget } from '@kawal/links';
import { AuthenticatedRequest, Public } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { LINK_STATUS, badActionLinkPage, confirmActionLinkPage, linkProblem, setLinkPageHeaders, setSessionCookie } from '../auth/link-pages';
import { Locale, requestLocale } from '../common/locale';
import { ProblemDto } from '../common/problem.dto';
import { ActionLinkSessionDto } from './links.dto';
import { LinksService } from './links.service';

/** What the links of notification emails may do: sign their person in and open a case or task. */
const PURPOSES = [OPEN_TASK_PURPOSE] as const;

const clientIp = (req: AuthenticatedRequest) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
const localeOf = (personLocale: string | undefined, req: AuthenticatedRequest): Locale =>
  personLocale === 'en' ? 'en' : personLocale === 'id' ? 'id' : requestLocale(req);

/**
 * The signed, single-use, expiring links in notification emails (`/links/kwa_…`). GET only shows a page naming
 * the person and the task; the link is used by the POST from that page, so a mail filter that opens every link
 * cannot sign anyone in.
 */
@ApiTags('auth')
@Controller('links')
export class LinksController {
  constructor(
    private readonly auth: AuthService,
    private readonly links: LinksService,
  ) {}

  @Public()
  @Get(':token')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The page behind a link in a notification email: names the person and the task, with a button; changes nothing' })
  @ApiOkResponse({ description: 'HTML page with a POST form' })
  @ApiNotFoundResponse({ description: 'HTML page: the link is unknown or was altered' })
  @ApiGoneResponse({ description: 'HTML page: the link has expired or was already used' })
  async show(@Param('token') token: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const check = await this.auth.inspectLink(token, 'kwa');
    const target = check.ok ? parseActionLinkTarget(check.payload) : null;
    setLinkPageHeaders(res);
    if (!check.ok || !target || !(PURPOSES as readonly string[]).includes(check.purpose)) {
      const reason = check.ok ? 'invalid' : check.reason;
      res.status(LINK_STATUS[reason]).send(badActionLinkPage(localeOf(check.ok ? undefined : check.personLocale, req), reason));
      return;
    }
    const locale = localeOf(check.person.locale, req);
    res.status(200).send(confirmActionLinkPage(locale, check.person, await this.links.context(target, check.expiresAt, locale)));
  }

  @Public()
  @Post(':token')
  @ApiOperation({
    summary: 'Use a link from a notification email (once): sign in and open the case',
    description:
      'From the page: sets the session cookie and answers 303 See Other to /cases/{caseId}. With Accept: application/json: returns a bearer token and the case and task. ' +
      'A second use or an expired link is refused (410), an unknown or altered one is not found (404).',
  })
  @ApiResponse({ status: HttpStatus.SEE_OTHER, description: 'Signed in (session cookie); Location: /cases/{caseId}' })
  @ApiCreatedResponse({ type: ActionLinkSessionDto, description: 'With Accept: application/json' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'The link is unknown or was altered (an HTML page unless JSON is asked for)' })
  @ApiGoneResponse({ type: ProblemDto, description: 'The link has expired or was already used (an HTML page unless JSON is asked for)' })
  async use(@Param('token') token: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const wantsJson = String(req.headers.accept ?? '').includes('application/json');
    // A payload without a case is treated as unknown (nothing to open), before the link is used.
    const result = await this.auth.redeemActionLink(token, PURPOSES, clientIp(req), req.headers['user-agent'], (payload) => parseActionLinkTarget(payload) !== null);
    if (!result.ok) {
      if (wantsJson) {
        throw linkProblem(result.reason);
      }
      setLinkPageHeaders(res);
      res.status(LINK_STATUS[result.reason]).send(badActionLinkPage(localeOf(result.personLocale, req), result.reason));
      return;
    }
    const { session } = result;
    const target = parseActionLinkTarget(result.payload)!;
    if (wantsJson) {
      const body: ActionLinkSessionDto = { token: session.token, caseId: target.caseId, taskKey: target.taskKey ?? null };
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json(body);
      return;
    }
    setLinkPageHeaders(res);
    setSessionCookie(req, res, session);
    res.redirect(HttpStatus.SEE_OTHER, `/cases/${encodeURIComponent(target.caseId)}`);
  }
}
