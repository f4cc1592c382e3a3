// A labelled form control (or a small group of them) with its validation message underneath.
import type { ReactNode } from 'react';
import type { FieldErrors } from './form-errors.js';

export function Field({ label, name, errors, hint, children }: { label: string; name: string; errors: FieldErrors; hint?: string | undefined; children: ReactNode }) {
  const error = errors[name];
  return (
    <div className={`field${error ? ' invalid' : ''}`} data-field={name} role="group" aria-label={label}>
      <span className="field-label">{label}</span>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="muted small-text">{hint}</span>
      ) : null}
    </div>
  );
}
