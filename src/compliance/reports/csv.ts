/**
 * CSV as RFC 4180 §2 writes it: CRLF line breaks, fields with a comma, double quote, CR or LF in
 * double quotes, and a double quote inside a field doubled. Cells reach spreadsheets, so a cell
 * that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a CR) gets a
 * leading apostrophe and stays text.
 */
const CRLF = '\r\n';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The rows as one CSV text; every line, the last included, ends with CRLF. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',') + CRLF).join('');
}
