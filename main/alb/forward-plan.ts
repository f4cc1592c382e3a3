// The forward action (elbv2-model.md 3.2): one target group, or several split by weight. Weighted
// splits use smooth weighted round robin, so 80/20 is 80/20 over any window, not on average. With
// the rule's group stickiness on, an AWSALBTG cookie names the chosen group for its duration.
import type { ForwardAction } from '../../shared/model/index.js';
// The same cookie format as target stickiness (AWSALB): authenticated value, 7-day Expires.
import { decodeSticky, encodeSticky, readCookie, stickyCookies } from '../targets/sticky-cookies.js';

const COOKIE = 'AWSALBTG';

export class ForwardPlan {
  readonly kind = 'forward';
  readonly groups: readonly { readonly name: string; readonly weight: number }[];
  private readonly durationMs: number | undefined;
  private readonly current: number[];
  private readonly total: number;

  constructor(action: ForwardAction) {
    this.groups = action.targetGroups.map((g) => ({ name: g.name, weight: g.weight }));
    this.durationMs = action.stickiness?.enabled ? action.stickiness.durationSeconds * 1000 : undefined;
    this.current = this.groups.map(() => 0);
    this.total = this.groups.reduce((sum, g) => sum + g.weight, 0);
  }

  get sticky(): boolean {
    return this.durationMs !== undefined;
  }

  /** Index of the group for this request: the cookie's group when sticky and still fresh. */
  choose(cookieHeader: string | undefined, nowMs: number): number {
    if (this.groups.length === 1) return 0;
    if (this.durationMs !== undefined && cookieHeader !== undefined) {
      const index = this.fromCookie(cookieHeader, nowMs);
      if (index >= 0) return index;
    }
    return this.next();
  }

  /** AWSALBTG and AWSALBTGCORS naming the group, refreshed on every response as AWS does. */
  cookies(index: number, nowMs: number): string[] {
    if (this.durationMs === undefined) return [];
    return stickyCookies(COOKIE, encodeSticky(this.groups[index]!.name, nowMs + this.durationMs), nowMs);
  }

  private next(): number {
    if (this.total <= 0) return 0;
    let best = -1;
    for (let i = 0; i < this.groups.length; i++) {
      const weight = this.groups[i]!.weight;
      if (weight === 0) continue;
      this.current[i]! += weight;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.total;
    return best;
  }

  private fromCookie(header: string, nowMs: number): number {
    const value = readCookie(header, COOKIE);
    const name = value === undefined ? undefined : decodeSticky(value, nowMs);
    if (name === undefined) return -1;
    // A cookie naming a group this rule no longer sends traffic to leads to a fresh choice.
    return this.groups.findIndex((g) => g.name === name && g.weight > 0);
  }
}
