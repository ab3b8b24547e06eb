/**
 * `npm run bench`: prints one JSON document with the machine and every measurement.
 * BENCH_SECONDS sets the time per measurement (default 1). Names select benchmarks:
 * `npm run bench -- onboarding` runs only that one (cbor, cose, fdo, fdo-http, onboarding, onboarding-floor, onboarding-statements, intent-verdict, intent-conform, mud, mud-signature, suit, suit-process, suit-report, to0, intent-apply, intent-rss, campaign-plan, campaign-tick, campaign-actions, device-poll, release-payloads, server-rss, artifact-download, store-query); options after
 * them go to the benchmark (`onboarding --database postgres://… --count N --concurrency C`).
 * `onboarding` compares `iotopia up` with 1 worker and with `--workers N` (default 2) in one run,
 * on `--store sqlite` (default), `postgres` or `both` (PostgreSQL from IOTOPIA_TEST_PG_URL or
 * `--database URL`, a fresh database made and dropped per row); `--variants all` adds the HTTPS and
 * PKCS#11 rows (SQLite, 1 worker). Server CPU per device is summed over the primary and every
 * worker; on SQLite each row also has the wait for the write lock per device (bench/onboarding.ts).
 * `interop` (IoTopia's owner beside go-fdo-server's, with go-fdo-client devices; needs the built
 * Go peers) runs only when named: `npm run bench -- interop --count N --concurrency C`.
 * `assess-fleet` builds a fleet of `--devices N` devices (default 10,000) and assesses it `--runs R`
 * times (default 5) for the EU market and for EN 303 645 (bench/assess-fleet.ts).
 * `console-fleet` fills a fresh `iotopia up` with `--devices N` devices (default 100,000) and times
 * a page of the fleet table and the fleet page's time to interactive in Chromium (bench/console-fleet.ts).
 */
import { artifactDownloadBench } from './artifact-download.ts';
import { assessFleetBench } from './assess-fleet.ts';
import { campaignActionsBench } from './campaign-actions.ts';
import { campaignPlanBench } from './campaign-plan.ts';
import { campaignTickBench } from './campaign-tick.ts';
import { cborBench } from './cbor.ts';
import { consoleFleetBench } from './console-fleet.ts';
import { coseBench } from './cose.ts';
import { devicePollBench } from './device-poll.ts';
import { fdoBench } from './fdo.ts';
import { fdoHttpBench } from './fdo-http.ts';
import { intentApplyBench } from './intent-apply.ts';
import { intentConformBench } from './intent-conform.ts';
import { intentRssBench } from './intent-rss.ts';
import { intentVerdictBench } from './intent-verdict.ts';
import { interopBench } from './interop.ts';
import { machine } from './measure.ts';
import { mudBench } from './mud.ts';
import { mudSignatureBench } from './mud-signature.ts';
import { onboardingBench } from './onboarding.ts';
import { onboardingCryptoFloor } from './onboarding-floor.ts';
import { onboardingStatementsBench } from './onboarding-statements.ts';
import { onboardingStatsBench } from './onboarding-stats.ts';
import { releasePayloadsBench } from './release-payloads.ts';
import { sbomMatchBench } from './sbom-match.ts';
import { serverRssBench } from './server-rss.ts';
import { storeQueryBench } from './store-query.ts';
import { suitBench } from './suit.ts';
import { suitProcessBench } from './suit-process.ts';
import { suitReportBench } from './suit-report.ts';
import { to0Bench } from './to0.ts';

const KNOWN = [
  'cbor',
  'cose',
  'fdo',
  'fdo-http',
  'onboarding',
  'onboarding-floor',
  'onboarding-statements',
  'interop',
  'intent-apply',
  'intent-rss',
  'intent-verdict',
  'intent-conform',
  'mud',
  'mud-signature',
  'suit',
  'suit-process',
  'suit-report',
  'to0',
  'campaign-plan',
  'campaign-tick',
  'campaign-actions',
  'device-poll',
  'release-payloads',
  'server-rss',
  'artifact-download',
  'store-query',
  'sbom-match',
  'assess-fleet',
  'onboarding-stats',
  'console-fleet',
] as const;
const args = process.argv.slice(2);
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string;
  if (a.startsWith('--')) i++;
  else names.push(a);
}
for (const n of names) {
  if (!(KNOWN as readonly string[]).includes(n)) {
    process.stderr.write(`bench: unknown benchmark "${n}" (one of ${KNOWN.join(', ')})\n`);
    process.exit(2);
  }
}
const wanted = (n: (typeof KNOWN)[number]) => (names.length === 0 && n !== 'interop') || names.includes(n);

const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const doc: Record<string, unknown> = { machine: machine() };
if (wanted('cbor') || wanted('cose')) {
  const cose = wanted('cose') ? coseBench(seconds) : undefined;
  doc.results = [...(wanted('cbor') ? cborBench(seconds) : []), ...(cose?.results ?? [])];
  if (cose !== undefined) doc.ratios = cose.ratios;
}
if (wanted('fdo')) doc.fdo = await fdoBench(seconds);
if (wanted('fdo-http')) doc.fdoHttp = await fdoHttpBench(seconds, args);
if (wanted('mud')) doc.mud = mudBench(seconds);
if (wanted('intent-verdict')) doc.intentVerdict = intentVerdictBench(seconds);
if (wanted('intent-conform')) doc.intentConform = await intentConformBench();
if (wanted('mud-signature')) doc.mudSignature = mudSignatureBench(seconds);
if (wanted('suit')) doc.suit = suitBench(seconds);
if (wanted('suit-process')) doc.suitProcess = await suitProcessBench(seconds);
if (wanted('suit-report')) doc.suitReport = suitReportBench(seconds);
if (wanted('onboarding')) doc.onboarding = await onboardingBench(seconds, args);
if (wanted('onboarding-floor')) doc.onboardingFloor = onboardingCryptoFloor(seconds);
if (wanted('onboarding-statements')) doc.onboardingStatements = await onboardingStatementsBench(args);
if (wanted('to0')) doc.to0 = await to0Bench(seconds, args);
if (wanted('intent-apply')) doc.intentApply = intentApplyBench(seconds);
if (wanted('intent-rss')) doc.intentRss = intentRssBench(seconds);
if (wanted('campaign-plan')) doc.campaignPlan = await campaignPlanBench(seconds);
if (wanted('campaign-tick')) doc.campaignTick = await campaignTickBench(seconds);
if (wanted('campaign-actions')) doc.campaignActions = await campaignActionsBench(seconds);
if (wanted('device-poll')) doc.devicePoll = await devicePollBench(seconds, args);
if (wanted('release-payloads')) doc.releasePayloads = await releasePayloadsBench();
if (wanted('server-rss')) doc.serverRss = await serverRssBench(seconds, args);
if (wanted('artifact-download')) doc.artifactDownload = await artifactDownloadBench(seconds);
if (wanted('store-query')) doc.storeQuery = await storeQueryBench(seconds);
if (wanted('sbom-match')) doc.sbomMatch = await sbomMatchBench();
if (wanted('assess-fleet')) doc.assessFleet = await assessFleetBench(args);
if (wanted('console-fleet')) doc.consoleFleet = await consoleFleetBench(args);
if (wanted('interop')) doc.interop = await interopBench(args);
if (wanted('onboarding-stats')) doc.onboardingStats = await onboardingStatsBench(args);
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
