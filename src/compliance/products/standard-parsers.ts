/** The parsers and matcher of src/compliance/sbom and src/compliance/vulns, as the product services take them. */
import { parseSbom } from '../sbom/parse-sbom.ts';
import { matchVulnerabilities } from '../vulns/match.ts';
import { parseOsvRecord } from '../vulns/parse-osv.ts';
import { parseVex } from '../vulns/parse-vex.ts';
import type { ComplianceParsers } from './parsers.ts';

export const standardParsers: ComplianceParsers = { parseSbom, parseOsvRecord, parseVex, matchVulnerabilities };
