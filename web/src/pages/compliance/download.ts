/**
 * Saves a report the API answers as a download. A link cannot carry the Authorization header, so
 * the console fetches the report with the token and hands the browser the bytes as a file, named
 * as the server's Content-Disposition says.
 */
import { apiFetch } from '../../api/client.ts';

const fileNameOf = (disposition: string | null, fallback: string): string => /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;

export async function downloadReport(path: string, fallback: string): Promise<string> {
  const response = await apiFetch(path);
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('content-disposition'), fallback);
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // The click has handed the bytes to the browser's download; the URL is not needed after this turn.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return name;
}
