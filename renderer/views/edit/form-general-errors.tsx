// The problems a form has no field for (cross-field checks, whole-object rules), shown at its top.
import type { FieldErrors } from './form-errors.js';

export function GeneralErrors({ errors, fields }: { errors: FieldErrors; fields: ReadonlySet<string> }) {
  const general = Object.entries(errors).filter(([k]) => !fields.has(k));
  if (general.length === 0) return null;
  return (
    <div className="error-box" role="alert">
      {general.map(([k, m]) => (
        <div key={k}>
          {k ? <span className="mono">{k}: </span> : null}
          {m}
        </div>
      ))}
    </div>
  );
}
