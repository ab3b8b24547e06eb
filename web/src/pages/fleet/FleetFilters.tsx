/** The fleet's search box and filters; each text field says what is wrong with it before anything is sent. */
import { DEVICE_STATES, type Filters, filterErrors, INTENT_STATES } from './fleet-query.ts';

function TextFilter({
  id,
  label,
  value,
  error,
  hint,
  onChange,
}: {
  id: keyof Filters;
  label: string;
  value: string;
  error: string | undefined;
  hint?: string;
  onChange: (v: string) => void;
}) {
  const describedBy = [hint === undefined ? '' : `fleet-${id}-hint`, error === undefined ? '' : `fleet-${id}-error`]
    .filter((s) => s !== '')
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={`fleet-${id}`}>{label}</label>
      <input
        id={`fleet-${id}`}
        type={id === 'q' ? 'search' : 'text'}
        value={value}
        aria-invalid={error !== undefined}
        {...(describedBy === '' ? {} : { 'aria-describedby': describedBy })}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint === undefined ? null : (
        <small id={`fleet-${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {error === undefined ? null : (
        <small id={`fleet-${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function SelectFilter({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: keyof Filters;
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={`fleet-${id}`}>{label}</label>
      <select id={`fleet-${id}`} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FleetFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const errors = filterErrors(value);
  const set = (k: keyof Filters) => (v: string) => onChange({ ...value, [k]: v });
  return (
    <search className="filters fleet-filters" aria-label="Search and filter devices">
      <TextFilter
        id="q"
        label="Search"
        value={value.q}
        error={errors.q}
        hint="GUID or its start, model, tag or group"
        onChange={set('q')}
      />
      <SelectFilter id="state" label="State" value={value.state} options={DEVICE_STATES} onChange={set('state')} />
      <TextFilter id="model" label="Model" value={value.model} error={errors.model} onChange={set('model')} />
      <TextFilter id="firmware" label="Firmware" value={value.firmware} error={errors.firmware} onChange={set('firmware')} />
      <SelectFilter id="intent" label="Intent" value={value.intent} options={INTENT_STATES} onChange={set('intent')} />
    </search>
  );
}
