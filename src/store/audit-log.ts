import type { Page, PageRequest } from './page.ts';

export interface AuditRecord {
  /** Increases with every append. */
  id: number;
  at: Date;
  /** Who: 'system', 'token:<id>', a role name. */
  actor: string;
  /** What, dotted: 'voucher.created', 'device.onboarded'. */
  action: string;
  /** Usually a device GUID in hex. */
  subject: string;
  details: Record<string, unknown>;
}

/** Append-only: there is no way to change or remove a record through IoTopia. */
export interface AuditLog {
  append(r: { actor: string; action: string; subject: string; details?: Record<string, unknown> }): Promise<AuditRecord>;
  /** Oldest first; `subject` filters, or `subjects` (1 to MAX_AUDIT_SUBJECTS, records about any of them). */
  list(page?: PageRequest & { subject?: string; subjects?: readonly string[] }): Promise<Page<AuditRecord>>;
}

/** The most subjects one listing takes. */
export const MAX_AUDIT_SUBJECTS = 16;
