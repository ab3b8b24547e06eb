/**
 * The report's one stylesheet. It is inlined in a single <style> element whose SHA-256 the
 * Content-Security-Policy names, so the document needs neither 'unsafe-inline' nor any network.
 * Outcomes carry a symbol and a word as well as a colour, so nothing depends on colour alone.
 */
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --fg: #1d1f23; --muted: #545962; --bg: #ffffff; --panel: #f3f4f6; --line: #d3d6db; --link: #0b57b0;
  --met: #1b7a3a; --met-bg: #e3f4e8; --notmet: #b3261e; --notmet-bg: #fbe6e4;
  --partial: #8a5300; --partial-bg: #fdf0d8; --na: #4b5563; --na-bg: #eceef1; --manual: #5b3fa8; --manual-bg: #ece7f8;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e7ea; --muted: #a9aeb7; --bg: #16181c; --panel: #20232a; --line: #3a3e46; --link: #8ab8ff;
    --met: #7ddc97; --met-bg: #17301f; --notmet: #ff9a91; --notmet-bg: #3a1a18;
    --partial: #f5c46b; --partial-bg: #352812; --na: #c2c7cf; --na-bg: #262a31; --manual: #c6b4ff; --manual-bg: #2a2340;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 78rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--link); }
.muted { color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; margin: .5rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .35rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: var(--panel); white-space: nowrap; }
code, ul.evidence li { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.outcome { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.o-met { color: var(--met); background: var(--met-bg); }
.o-not-met { color: var(--notmet); background: var(--notmet-bg); }
.o-partially-met { color: var(--partial); background: var(--partial-bg); }
.o-not-applicable { color: var(--na); background: var(--na-bg); }
.o-manual-evidence-needed { color: var(--manual); background: var(--manual-bg); }
.bar { width: 100%; height: 1.25rem; display: block; margin: .5rem 0; }
.bar .s-met { fill: var(--met); } .bar .s-not-met { fill: var(--notmet); } .bar .s-partially-met { fill: var(--partial); }
.bar .s-not-applicable { fill: var(--na); } .bar .s-manual-evidence-needed { fill: var(--manual); }
ul.rules, ul.evidence { margin: .25rem 0; padding-left: 1.1rem; }
ul.rules > li { margin-bottom: .35rem; }
.rule-id, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
.remedy { margin: .25rem 0 0; }
.notice { background: var(--panel); border-left: 4px solid var(--line); padding: .5rem .75rem; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
@media print {
  :root {
    color-scheme: light;
    --fg: #000; --muted: #333; --bg: #fff; --panel: #eee; --line: #999; --link: #000;
    --met: #125f2b; --met-bg: #e3f4e8; --notmet: #8f1d16; --notmet-bg: #fbe6e4;
    --partial: #6b4000; --partial-bg: #fdf0d8; --na: #333; --na-bg: #eee; --manual: #47308a; --manual-bg: #ece7f8;
  }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3, caption { break-after: avoid; }
  section.provisions, section.diff { break-before: page; }
  tr, .notice { break-inside: avoid; }
  thead { display: table-header-group; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
  a[href^="#"] { text-decoration: none; }
}
`;

/** The CSP source expression for REPORT_CSS (CSP Level 3 §2.3.1 hash-source: base64 of SHA-256). */
export function reportCssHashSource(): string {
  return `'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'`;
}
