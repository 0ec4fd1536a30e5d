import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../auth/actor';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
});

/**
 * Fills in what every operation shares, so no endpoint can forget it: the security requirement (none for public
 * operations), 401 for signed-in operations, 500 everywhere, and problem+json as the media type of every error.
 */
export function completeOpenApi(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method] as (Record<string, unknown> & { responses: Record<string, { description?: string; content?: Record<string, unknown> }> }) | undefined;
      if (!op) continue;
      const isPublic = op[PUBLIC_EXTENSION] === true;
      delete op[PUBLIC_EXTENSION];
      op.security = isPublic ? [] : [{ bearer: [] }, { 'session-cookie': [] }];
      if (!isPublic && !op.responses['401']) op.responses['401'] = problem('Not signed in, or the token is unknown, revoked or expired (AUTHENTICATION_REQUIRED, INVALID_TOKEN)');
      if (!op.responses['500']) op.responses['500'] = problem('Unexpected error; logged with the request id returned in X-Request-Id (INTERNAL_ERROR)');
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || !response.content) continue;
        const json = response.content['application/json'];
        if (json) {
          delete response.content['application/json'];
          response.content['application/problem+json'] = json;
        }
      }
    }
  }
  return document;
}
