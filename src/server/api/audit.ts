/** The audit log, read-only, for auditors: who changed which voucher or device, and when. */
import { pageRequest, withCursorCheck } from './pagination.ts';
import { invalidField } from './problem.ts';
import { jsonResponse, pageOf, pageParameters, type RouteFactory } from './route.ts';

export const AUDIT_SCHEMA = {
  type: 'object',
  required: ['id', 'at', 'actor', 'action', 'subject', 'details'],
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'string' },
    action: { type: 'string' },
    subject: { type: 'string' },
    details: { type: 'object' },
  },
};

export const auditRoutes: RouteFactory = (ctx) => [
  {
    method: 'GET',
    url: '/audit',
    roles: ['auditor'],
    summary: 'The audit log, oldest first',
    openapi: {
      parameters: [
        ...pageParameters,
        { name: 'subject', in: 'query', description: 'only records about this subject', schema: { type: 'string' } },
      ],
      responses: { 200: jsonResponse('a page of audit records', pageOf('AuditRecord')) },
    },
    async handler(request) {
      const query = request.query as Record<string, unknown>;
      const subject = query.subject;
      if (subject !== undefined && (typeof subject !== 'string' || subject === '')) throw invalidField('subject', 'a non-empty string');
      const page = await withCursorCheck(() =>
        ctx.store.audit.list({ ...pageRequest(query), ...(subject === undefined ? {} : { subject }) }),
      );
      return {
        items: page.items.map((r) => ({ ...r, at: r.at.toISOString() })),
        ...(page.next === undefined ? {} : { next: page.next }),
      };
    },
  },
];
