/**
 * Who may use the compliance routes: the device maker (manufacturer) and the operator (owner) record
 * products, SBOMs, vulnerabilities, evidence and assessments; an auditor reads them.
 */
export const COMPLIANCE_READ = ['manufacturer', 'owner', 'auditor'] as const;
export const COMPLIANCE_WRITE = ['manufacturer', 'owner'] as const;
