/**
 * A setting edited as JSON (the manufacturer's rendezvous info, the rendezvous' acceptance
 * policy): shown as the server answers it, checked to be a JSON object before it is sent, and set
 * or forgotten (with confirmation); the server's refusal is shown with the field it names.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { Confirm } from '../../components/Confirm.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Problem } from '../../components/Problem.tsx';
import { FormProblem } from './FormProblem.tsx';

interface Props {
  id: string;
  title: string;
  help: string;
  path: string;
  /** The members of the answer that are sent back (the rest, like `source`, only describe it). */
  editable: (answer: Record<string, unknown>) => Record<string, unknown>;
}

export function jsonObjectError(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'Give a JSON object, { … }.';
  } catch (e) {
    return `This is not JSON: ${(e as Error).message}`;
  }
}

export function JsonSetting({ id, title, help, path, editable }: Props) {
  const client = useQueryClient();
  const current = useQuery({ queryKey: [path], queryFn: ({ signal }) => api<Record<string, unknown>>(path, { signal }) });
  const [text, setText] = useState<string | undefined>(undefined);
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const [resetting, setResetting] = useState(false);
  const show = (answer: Record<string, unknown>) => setText(JSON.stringify(editable(answer), null, 2));

  useEffect(() => {
    if (text === undefined && current.data !== undefined) setText(JSON.stringify(editable(current.data), null, 2));
  }, [text, current.data, editable]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (text === undefined) return;
    setSaved(false);
    setRefused(undefined);
    const problem = jsonObjectError(text);
    setInvalid(problem);
    if (problem !== undefined) return;
    try {
      const answer = await api<Record<string, unknown>>(path, { method: 'PUT', body: JSON.parse(text) });
      client.setQueryData([path], answer);
      show(answer);
      setSaved(true);
    } catch (e) {
      setRefused(e);
    }
  }

  const source = current.data?.['source'];
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="muted">{help}</p>
      {current.error !== null ? <Problem error={current.error} what={title.toLowerCase()} /> : null}
      {current.isLoading || text === undefined ? (
        current.error === null && <Loading what={title.toLowerCase()} />
      ) : (
        <form onSubmit={submit} noValidate className="onb-form" aria-label={title}>
          <p>
            In force: <strong>{source === 'stored' ? 'set here' : "the server's default"}</strong>
          </p>
          <label htmlFor={`${id}-json`}>{title} (JSON)</label>
          <textarea
            id={`${id}-json`}
            className="mono"
            rows={10}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          {invalid !== undefined && (
            <p className="error" role="alert">
              {invalid}
            </p>
          )}
          <FormProblem error={refused} id={`${id}-problem`} />
          {saved && (
            <p className="onb-saved" role="status">
              Saved.
            </p>
          )}
          <div className="onb-buttons">
            <button type="submit">Save {title.toLowerCase()}</button>
            {source === 'stored' && (
              <button type="button" className="secondary" onClick={() => setResetting(true)}>
                Use the default
              </button>
            )}
          </div>
        </form>
      )}
      <Confirm
        open={resetting}
        title={`Forget the stored ${title.toLowerCase()}?`}
        message="The server's default applies again from now on."
        confirmLabel="Use the default"
        onConfirm={async () => {
          const answer = await api<Record<string, unknown>>(path, { method: 'DELETE' });
          client.setQueryData([path], answer);
          show(answer);
        }}
        onClose={() => setResetting(false)}
      />
    </section>
  );
}
