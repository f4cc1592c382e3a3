// A target's health as a coloured pill with AWS's reason code on hover.
import type { TargetHealthState } from '../../shared/model/index.js';

const tone: Record<TargetHealthState, string> = {
  healthy: 'ok',
  initial: 'info',
  unhealthy: 'bad',
  'unhealthy.draining': 'bad',
  draining: 'warn',
  unused: 'muted',
  unavailable: 'muted',
};

export function HealthPill({ health, reason, description }: { health: TargetHealthState; reason?: string | undefined; description?: string | undefined }) {
  return (
    <span className={`pill ${tone[health]}`} title={[reason, description].filter(Boolean).join(': ') || undefined}>
      {health}
    </span>
  );
}
