// The AWS side of export and import: ELBv2 resources in the API's own terms (CreateLoadBalancer,
// CreateListener, CreateRule, CreateTargetGroup), referring to each other by id. CloudFormation and
// Terraform are both written from it and read into it, so the mapping to berth.yaml exists once.

/** Where an imported resource came from, for problems; `path` is inside the resource. */
export interface Where {
  line?: number;
  column?: number;
  /** CloudFormation logical id or Terraform address. */
  resource?: string;
  path?: string;
}

/** A certificate ARN the user supplies (a template parameter / variable) or a literal ARN. */
export type CertificateRef = { parameter: string } | { arn: string };

interface Resource {
  /** Unique in the model; the CloudFormation logical id on export. */
  id: string;
  /** Terraform resource name on export (import: the source's own name). */
  tfName: string;
  where?: Where;
}

export interface ElbLoadBalancer extends Resource {
  name: string;
  type: 'application' | 'network';
  scheme: 'internet-facing' | 'internal';
  /** LoadBalancerAttributes, values as AWS strings. */
  attributes: Record<string, string>;
}

export interface ElbListener extends Resource {
  loadBalancer: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  alpnPolicy?: string;
  /** The default certificate first; AWS takes exactly one on the listener itself. */
  certificates: CertificateRef[];
  attributes: Record<string, string>;
  defaultActions: ElbAction[];
}

export interface ElbListenerCertificate extends Resource {
  listener: string;
  certificate: CertificateRef;
}

export interface ElbRule extends Resource {
  listener: string;
  priority: number;
  conditions: ElbCondition[];
  actions: ElbAction[];
}

export interface ElbHealthCheck {
  enabled?: boolean;
  protocol?: string;
  port?: string;
  path?: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  httpCode?: string;
  grpcCode?: string;
}

export interface ElbTargetGroup extends Resource {
  name: string;
  protocol: string;
  port?: number;
  protocolVersion?: string;
  targetType: string;
  healthCheck: ElbHealthCheck;
  attributes: Record<string, string>;
}

export interface ElbWeightedGroup {
  targetGroup: string;
  weight?: number;
}

export type ElbAction =
  | { type: 'forward'; targetGroups: ElbWeightedGroup[]; stickiness?: { enabled: boolean; durationSeconds?: number } }
  | { type: 'redirect'; protocol?: string; port?: string; host?: string; path?: string; query?: string; statusCode: string }
  | { type: 'fixed-response'; statusCode: string; contentType?: string; messageBody?: string };

export type ElbCondition =
  | { field: 'host-header' | 'path-pattern' | 'http-request-method' | 'source-ip'; values: string[]; regexValues?: string[] }
  | { field: 'http-header'; name: string; values: string[]; regexValues?: string[] }
  | { field: 'query-string'; pairs: { key?: string; value: string }[] };

/** An ECS service's `loadBalancers` entry, read on import to propose Docker selectors. */
export interface EcsBinding {
  targetGroup: string;
  containerName: string;
  containerPort: number;
}

export interface ElbModel {
  loadBalancers: ElbLoadBalancer[];
  listeners: ElbListener[];
  listenerCertificates: ElbListenerCertificate[];
  rules: ElbRule[];
  targetGroups: ElbTargetGroup[];
  ecsBindings: EcsBinding[];
}

export function emptyModel(): ElbModel {
  return { loadBalancers: [], listeners: [], listenerCertificates: [], rules: [], targetGroups: [], ecsBindings: [] };
}

export const APPLICATION_TG_PROTOCOLS = new Set(['HTTP', 'HTTPS']);
