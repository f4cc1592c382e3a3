// Smooth weighted round robin (as nginx does it): over any window of W = Σweights picks, an entry of
// weight w is picked exactly w times, spread out rather than in runs. Weight 0 is never picked.
// Used for weighted forwards, per request (ALB) and per new connection or UDP flow (NLB).
export class WeightedChoice {
  private readonly weights: readonly number[];
  private readonly current: number[];
  private readonly total: number;

  constructor(weights: readonly number[]) {
    this.weights = weights;
    this.current = weights.map(() => 0);
    this.total = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
  }

  /** The index of the next pick; 0 when every weight is 0 (the config checks refuse that). */
  next(): number {
    if (this.weights.length === 1 || this.total <= 0) return 0;
    let best = -1;
    for (let i = 0; i < this.weights.length; i++) {
      const weight = this.weights[i]!;
      if (weight <= 0) continue;
      this.current[i]! += weight;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.total;
    return best;
  }
}
