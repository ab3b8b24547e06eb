/** The audit log, read-only, for auditors: who changed which voucher or device, and when. */
import { Type } from 'typebox';
import type { AuditRecord } from '../../store/audit-log.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

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

/** An audit record as the API shows it. */
export const auditView = (r: AuditRecord) => ({ ...r, at: r.at.toISOString() });

const AuditQuery = pageQuery({ subject: Type.Optional(Type.String({ minLength: 1, description: 'only records about this subject' })) });

export const auditRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/audit',
    roles: ['auditor'],
    summary: 'The audit log, oldest first',
    schema: { querystring: AuditQuery },
    openapi: {
      responses: { 200: jsonResponse('a page of audit records', pageOf('AuditRecord')) },
    },
    async handler(request) {
      const { subject, ...query } = request.query;
      const page = await withCursorCheck(() =>
        ctx.store.audit.list({ ...pageRequest(query), ...(subject === undefined ? {} : { subject }) }),
      );
      return {
        items: page.items.map(auditView),
        ...(page.next === undefined ? {} : { next: page.next }),
      };
    },
  }),
];
