// What an HTTP listener needs from the target groups and the traffic recorder, stated as the
// listener uses it, so it runs against the engine's runtimes and against small fakes alike.
import type { TrafficRecord } from '../../shared/model/index.js';
import type { RecordDetail } from '../traffic/recorder.js';
import type { InFlightRequest, PickContext } from '../targets/index.js';

export type { InFlightRequest, PickContext };

export interface ForwardTarget {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface ForwardTargetGroup {
  readonly name: string;
  /** HTTPS groups are reached over TLS (certificates not verified, as on AWS); HTTP2 and GRPC
   * protocol versions over HTTP/2. */
  readonly config: { readonly protocol: string; readonly protocolVersion?: string };
  /** False → 503: AWS answers 503 only when a group has no registered targets at all. */
  hasRegisteredTargets(): boolean;
  /** Healthy targets (failing open when none is), the group's algorithm and target stickiness. */
  pick(ctx: PickContext): { target: ForwardTarget; setCookies: string[] } | undefined;
  /** `request` is cut (its `deregistered()` called) if the target's deregistration delay ends first. */
  begin(target: ForwardTarget, request?: InFlightRequest): void;
  end(target: ForwardTarget, request?: InFlightRequest): void;
  /** Cookies to add for app_cookie stickiness, given the target's own Set-Cookie headers. */
  responseCookies(target: ForwardTarget, setCookieHeaders: string[] | undefined): string[];
}

export type TargetGroupResolver = (name: string) => ForwardTargetGroup | undefined;

export interface TrafficSink {
  nextId(): number;
  /** `detail`: the headers and bodies the listener's capture settings kept. */
  record(record: TrafficRecord, detail?: RecordDetail): void;
}
