/** The product members as `iotopia product create|update` options, and the body they make. */
import type { Command } from 'commander';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';

export interface ProductFlags {
  manufacturer?: string;
  name?: string;
  mudUrl?: string;
  disclosurePolicy?: string;
  securityContact?: string;
  supportEnd?: string;
  supportPublished?: boolean;
  updatable?: boolean;
  constrained?: boolean;
  usesPasswords?: boolean;
  userInterface?: boolean;
  personalData?: boolean;
  remediationDays?: string;
}

const BOOLEANS = [
  ['supportPublished', 'support-published', 'the support period is published where buyers see it'],
  ['updatable', 'updatable', 'its software can be updated'],
  ['constrained', 'constrained', 'a constrained device (EN 303 645)'],
  ['usesPasswords', 'uses-passwords', 'it uses passwords anywhere'],
  ['userInterface', 'user-interface', 'it has a user interface'],
  ['personalData', 'personal-data', 'it processes personal data'],
] as const;

export function withProductOptions(cmd: Command): Command {
  cmd
    .option('--manufacturer <name>', 'the manufacturer')
    .option('--name <name>', 'the product name')
    .option('--mud-url <url>', 'https URL of its MUD file')
    .option('--disclosure-policy <url>', 'https URL of the vulnerability disclosure policy')
    .option('--security-contact <url>', 'mailto: or https: URL of the security contact')
    .option('--support-end <date>', 'the last day of the defined support period, YYYY-MM-DD')
    .option('--remediation-days <n>', 'days from publication by which a vulnerability is fixed (default 90)');
  for (const [, flag, what] of BOOLEANS) cmd.option(`--${flag}`, what).option(`--no-${flag}`, `not: ${what}`);
  return cmd;
}

/** The members the flags set over `base` (an existing product, or the defaults of a new one). */
export function productBody(flags: ProductFlags, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const set = (key: string, v: unknown) => {
    if (v !== undefined) out[key] = v;
  };
  set('manufacturer', flags.manufacturer);
  set('name', flags.name);
  set('mudUrl', flags.mudUrl);
  set('disclosurePolicyUrl', flags.disclosurePolicy);
  set('securityContact', flags.securityContact);
  set('supportEnd', flags.supportEnd);
  if (flags.remediationDays !== undefined) {
    if (!/^\d{1,4}$/.test(flags.remediationDays))
      throw new CliExit(EXIT_USAGE, `--remediation-days: ${JSON.stringify(flags.remediationDays)} is not a number of days`);
    out['remediationDays'] = Number(flags.remediationDays);
  }
  const member = {
    supportPublished: 'supportPublished',
    updatable: 'updatable',
    constrained: 'constrained',
    usesPasswords: 'usesPasswords',
    userInterface: 'hasUserInterface',
    personalData: 'processesPersonalData',
  } as const;
  for (const [key] of BOOLEANS) set(member[key], flags[key]);
  return out;
}

export const NEW_PRODUCT_DEFAULTS = {
  supportPublished: false,
  updatable: false,
  constrained: false,
  usesPasswords: false,
  hasUserInterface: false,
  processesPersonalData: false,
};
