// An on/off switch that reads as a button to assistive technology.
export function Switch({ on, label, onChange, disabled }: { on: boolean; label: string; onChange: (next: boolean) => void; disabled?: boolean }) {
  return <button type="button" role="switch" aria-checked={on} aria-label={label} title={label} className={`switch${on ? ' on' : ''}`} disabled={disabled} onClick={() => onChange(!on)} />;
}
