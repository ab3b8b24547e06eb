/** Checks a manual statement from outside against the limits before anything is stored. */
import type { AttachmentInput } from '../../store/evidence-record-repository.ts';
import { AssessmentError } from './errors.ts';
import {
  ATTACHMENT_NAME,
  EVIDENCE_ID_TEXT,
  MANUAL_OUTCOMES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_STATEMENT_BYTES,
  MAX_STATEMENT_CHARS,
  MEDIA_TYPE,
} from './evidence-limits.ts';
import type { ManualEvidence } from './result-types.ts';

export interface NewManualEvidence {
  catalog: string;
  provision: string;
  statement: string;
  outcome: ManualEvidence['outcome'];
  attachments: AttachmentInput[];
}

const bad = (field: string, reason: string) => new AssessmentError('ERR_ASSESSMENT_MANUAL_EVIDENCE', `${field}: ${reason}`, { field });

function checkAttachments(list: readonly AttachmentInput[]): void {
  if (!Array.isArray(list)) throw bad('attachments', 'not a list');
  if (list.length > MAX_ATTACHMENTS) throw bad('attachments', `at most ${MAX_ATTACHMENTS} per statement`);
  let total = 0;
  for (const [i, a] of list.entries()) {
    if (typeof a.name !== 'string' || !ATTACHMENT_NAME.test(a.name))
      throw bad(`attachments/${i}/name`, 'a file name without a path, 1–255 characters');
    if (typeof a.mediaType !== 'string' || !MEDIA_TYPE.test(a.mediaType)) throw bad(`attachments/${i}/mediaType`, 'not a media type');
    if (!(a.bytes instanceof Uint8Array)) throw bad(`attachments/${i}/content`, 'not bytes');
    if (a.bytes.length > MAX_ATTACHMENT_BYTES)
      throw new AssessmentError('ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE', `attachments/${i}: at most ${MAX_ATTACHMENT_BYTES} bytes`, {
        field: `attachments/${i}/content`,
      });
    total += a.bytes.length;
  }
  if (total > MAX_STATEMENT_BYTES)
    throw new AssessmentError('ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE', `attachments: at most ${MAX_STATEMENT_BYTES} bytes together`, {
      field: 'attachments',
    });
}

/** The statement's own fields; whether its catalog and provision exist is the service's check. */
export function checkManualEvidence(e: NewManualEvidence): void {
  if (typeof e.catalog !== 'string' || !EVIDENCE_ID_TEXT.test(e.catalog)) throw bad('catalog', 'not a catalog id');
  if (typeof e.provision !== 'string' || !EVIDENCE_ID_TEXT.test(e.provision)) throw bad('provision', 'not a provision id');
  if (typeof e.statement !== 'string' || e.statement.trim() === '') throw bad('statement', 'empty');
  if (e.statement.length > MAX_STATEMENT_CHARS) throw bad('statement', `at most ${MAX_STATEMENT_CHARS} characters`);
  if (!(MANUAL_OUTCOMES as readonly string[]).includes(e.outcome)) throw bad('outcome', `one of ${MANUAL_OUTCOMES.join(', ')}`);
  checkAttachments(e.attachments);
}
