// The forward action (elbv2-model.md 3.2): one target group, or several split by weight. Weighted
// splits use smooth weighted round robin, so 80/20 is 80/20 over any window, not on average. With
// the rule's group stickiness on, an AWSALBTG cookie names the chosen group for its duration.
import type { ForwardAction } from '../../shared/model/index.js';
// The same cookie format as target stickiness (AWSALB): authenticated value, 7-day Expires.
import { decodeSticky, encodeSticky, readCookie, stickyCookies } from '../targets/sticky-cookies.js';
import { WeightedChoice } from '../targets/weighted-choice.js';

const COOKIE = 'AWSALBTG';

export class ForwardPlan {
  readonly kind = 'forward';
  readonly groups: readonly { readonly name: string; readonly weight: number }[];
  private readonly durationMs: number | undefined;
  private readonly weighted: WeightedChoice;

  constructor(action: ForwardAction) {
    this.groups = action.targetGroups.map((g) => ({ name: g.name, weight: g.weight }));
    this.durationMs = action.stickiness?.enabled ? action.stickiness.durationSeconds * 1000 : undefined;
    this.weighted = new WeightedChoice(this.groups.map((g) => g.weight));
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
    return this.weighted.next();
  }

  /** AWSALBTG and AWSALBTGCORS naming the group, refreshed on every response as AWS does. */
  cookies(index: number, nowMs: number): string[] {
    if (this.durationMs === undefined) return [];
    return stickyCookies(COOKIE, encodeSticky(this.groups[index]!.name, nowMs + this.durationMs), nowMs);
  }

  private fromCookie(header: string, nowMs: number): number {
    const value = readCookie(header, COOKIE);
    const name = value === undefined ? undefined : decodeSticky(value, nowMs);
    if (name === undefined) return -1;
    // A cookie naming a group this rule no longer sends traffic to leads to a fresh choice.
    return this.groups.findIndex((g) => g.name === name && g.weight > 0);
  }
}
