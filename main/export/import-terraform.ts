// A Terraform file → the AWS model, parsed with HashiCorp's HCL parser (@cdktn/hcl2json). Reads the
// aws_lb* resources (and their aws_alb* aliases) and the load_balancer blocks of ECS services;
// anything else is reported with its line. References between resources become model ids;
// variables fall back to their defaults (reported), other expressions are reported as unsupported.
import { parse as parseHcl } from '@cdktn/hcl2json';
import { emptyModel, type CertificateRef, type ElbAction, type ElbCondition, type Where } from './elb-model.js';
import { localSettingsSchema, type LocalEntry } from './local-settings.js';
import type { ImportProblem } from './model-to-config.js';
import type { ReadResult } from './import-cloudformation.js';
import { TF_ATTRIBUTES, TF_METADATA_LOCAL, TF_TARGET_HEALTH_STATE } from './terraform.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const blocks = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);
const ALIASES: Record<string, string> = { aws_alb: 'aws_lb', aws_alb_listener: 'aws_lb_listener', aws_alb_listener_rule: 'aws_lb_listener_rule', aws_alb_target_group: 'aws_lb_target_group', aws_alb_listener_certificate: 'aws_lb_listener_certificate', aws_alb_target_group_attachment: 'aws_lb_target_group_attachment' };
const canonical = (type: string) => ALIASES[type] ?? type;
const ARGUMENT_ATTRIBUTE = Object.fromEntries(Object.entries(TF_ATTRIBUTES).map(([key, [arg]]) => [arg, key]));
/** Arguments that describe AWS infrastructure Berth has no use for locally; accepted without comment. */
const INFRASTRUCTURE = new Set(['subnets', 'subnet_mapping', 'security_groups', 'ip_address_type', 'tags', 'tags_all', 'region', 'vpc_id', 'depends_on', 'lifecycle', 'provider', 'timeouts']);

/** hcl2json keeps template escapes (`$${`, `%%{`) in literal strings; undo them. */
function unescape<T>(v: T): T {
  if (typeof v === 'string') return v.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') as T;
  if (Array.isArray(v)) return v.map(unescape) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescape(x)])) as T;
  return v;
}

/** `${aws_lb.web.arn}` → `aws_lb.web.arn`; undefined for literals. */
function expression(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\$\{([^{}]*)\}$/.exec(v);
  return m ? m[1]!.trim() : /(^|[^$])\$\{/.test(v) ? v : undefined;
}

export async function readTerraform(text: string, fileName = 'main.tf'): Promise<ReadResult> {
  const model = emptyModel();
  const problems: ImportProblem[] = [];
  let doc: Json;
  try {
    doc = (await parseHcl(fileName, text)) as Json;
  } catch (e) {
    const m = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(String(e));
    problems.push({ severity: 'error', code: 'syntax', message: m ? m[3]!.trim() : String(e), where: m ? { line: Number(m[1]), column: Number(m[2]) } : {} });
    return { model, problems };
  }
  const lines = text.split('\n');
  const lineOf = (pattern: RegExp) => {
    const i = lines.findIndex((l) => pattern.test(l));
    return i >= 0 ? { line: i + 1, column: lines[i]!.search(/\S/) + 1 } : {};
  };
  const variables = isObject(doc.variable) ? doc.variable : {};

  let local: LocalEntry[] | undefined;
  for (const l of blocks(doc.locals)) {
    if (l[TF_METADATA_LOCAL] === undefined) continue;
    const m = localSettingsSchema.safeParse(unescape(l[TF_METADATA_LOCAL]));
    if (m.success) local = m.data.local as LocalEntry[];
    else problems.push({ severity: 'warning', code: 'bad-metadata', message: `local.${TF_METADATA_LOCAL} is not in the form Berth writes; ignored`, where: lineOf(new RegExp(`^\\s*${TF_METADATA_LOCAL}\\s*=`)) });
  }

  const resources: { type: string; name: string; body: Json; where: Where }[] = [];
  for (const [type, byName] of Object.entries(isObject(doc.resource) ? doc.resource : {})) {
    for (const [name, bodies] of Object.entries(isObject(byName) ? byName : {})) {
      const pos = lineOf(new RegExp(`^\\s*resource\\s+"${type}"\\s+"${name}"`));
      for (const body of blocks(bodies)) resources.push({ type, name, body, where: { ...pos, resource: `${type}.${name}` } });
    }
  }
  resources.sort((a, b) => (a.where.line ?? 0) - (b.where.line ?? 0));

  for (const { type: rawType, name, body, where } of resources) {
    const type = canonical(rawType);
    const id = `${type}.${name}`;
    const problem = (severity: ImportProblem['severity'], code: string, message: string, path?: string) => problems.push({ severity, code, message, where: { ...where, ...(path ? { path } : {}) } });
    for (const meta of ['count', 'for_each', 'dynamic']) if (body[meta] !== undefined) problem('error', 'unsupported-meta-argument', `${meta} cannot be evaluated offline; read as a single resource`, meta);
    /** A literal, or a variable's default; other expressions are reported. */
    const value = (v: unknown, path: string): unknown => {
      const e = expression(v);
      if (e === undefined) return unescape(v);
      const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(e)?.[1];
      const def = variable ? blocks(variables[variable])[0]?.default : undefined;
      if (def !== undefined) {
        problem('warning', 'parameter-default', `uses var.${variable}; imported its default ${JSON.stringify(def)}`, path);
        return unescape(def);
      }
      problem('error', 'unsupported-expression', `${e} cannot be evaluated offline; set a literal value`, path);
      return undefined;
    };
    const str = (o: Json, k: string, path = k) => (o[k] === undefined ? undefined : String(value(o[k], path)));
    const num = (o: Json, k: string, path = k) => {
      const v = o[k] === undefined ? undefined : value(o[k], path);
      return v === undefined || Number.isNaN(Number(v)) ? undefined : Number(v);
    };
    const bool = (o: Json, k: string) => (o[k] === undefined ? undefined : String(value(o[k], k)) === 'true');
    const ref = (v: unknown, path: string, want?: string): string | undefined => {
      const m = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(arn|id)$/.exec(expression(v) ?? '');
      if (m && (!want || canonical(m[1]!) === want)) return `${canonical(m[1]!)}.${m[2]}`;
      problem('error', 'external-reference', `${path} must refer to a${want ? ` ${want}` : ''} resource in this file`, path);
      return undefined;
    };
    const certificate = (v: unknown): CertificateRef | undefined => {
      const e = expression(v);
      const variable = e ? /^var\.([A-Za-z0-9_-]+)$/.exec(e)?.[1] : undefined;
      return variable ? { parameter: variable } : typeof v === 'string' && !e ? { arn: v } : undefined;
    };
    const attributes = (keys: string[]) => {
      const out: Record<string, string> = {};
      for (const k of keys) if (body[k] !== undefined && ARGUMENT_ATTRIBUTE[k]) out[ARGUMENT_ATTRIBUTE[k]!] = String(value(body[k], k));
      return out;
    };
    const unknown = (known: string[]) => {
      for (const k of Object.keys(body)) if (!known.includes(k) && !INFRASTRUCTURE.has(k) && !ARGUMENT_ATTRIBUTE[k]) problem('warning', 'unsupported-argument', `${k} has no Berth equivalent; ignored`, k);
    };

    switch (type) {
      case 'aws_lb': {
        unknown(['name', 'load_balancer_type', 'internal']);
        const lbType = str(body, 'load_balancer_type') ?? 'application';
        if (lbType !== 'application' && lbType !== 'network') {
          problem('error', 'unsupported-load-balancer', `${lbType} load balancers have no Berth equivalent; skipped`, 'load_balancer_type');
          break;
        }
        const lbName = str(body, 'name') ?? name.replace(/_/g, '-');
        if (body.name === undefined) problem('warning', 'derived-name', `no name; imported as "${lbName}"`);
        model.loadBalancers.push({ id, tfName: name, where, name: lbName, type: lbType, scheme: bool(body, 'internal') ? 'internal' : 'internet-facing', attributes: attributes(Object.keys(body)) });
        break;
      }
      case 'aws_lb_listener': {
        unknown(['load_balancer_arn', 'port', 'protocol', 'ssl_policy', 'certificate_arn', 'alpn_policy', 'default_action']);
        const lb = ref(body.load_balancer_arn, 'load_balancer_arn', 'aws_lb');
        if (!lb) break;
        const cert = body.certificate_arn === undefined ? undefined : certificate(body.certificate_arn);
        model.listeners.push({
          id, tfName: name, where, loadBalancer: lb, port: num(body, 'port') ?? 0, protocol: str(body, 'protocol') ?? '', certificates: cert ? [cert] : [],
          ...(body.ssl_policy !== undefined ? { sslPolicy: str(body, 'ssl_policy') } : {}),
          ...(body.alpn_policy !== undefined ? { alpnPolicy: str(body, 'alpn_policy') } : {}),
          attributes: attributes(Object.keys(body)),
          defaultActions: actions(blocks(body.default_action), 'default_action'),
        });
        break;
      }
      case 'aws_lb_listener_rule': {
        unknown(['listener_arn', 'priority', 'action', 'condition', 'transform']);
        const listener = ref(body.listener_arn, 'listener_arn', 'aws_lb_listener');
        if (!listener) break;
        if (body.transform !== undefined) problem('error', 'unsupported-transform', 'rule transforms (host and URL rewrites) have no Berth equivalent; ignored', 'transform');
        if (body.priority === undefined) problem('error', 'missing-priority', 'no priority: Terraform would pick the next free one; set it explicitly', 'priority');
        const conditions = blocks(body.condition).map((c, i) => condition(c, `condition[${i}]`));
        if (conditions.some((c) => c === undefined)) {
          // Dropping one of ANDed conditions would make the rule catch more requests than on AWS.
          problem('error', 'rule-skipped', 'rule not imported: it uses a condition Berth cannot evaluate');
          break;
        }
        model.rules.push({ id, tfName: name, where, listener, priority: num(body, 'priority') ?? 0, conditions: conditions as ElbCondition[], actions: actions(blocks(body.action), 'action') });
        break;
      }
      case 'aws_lb_listener_certificate': {
        const listener = ref(body.listener_arn, 'listener_arn', 'aws_lb_listener');
        const cert = certificate(body.certificate_arn);
        if (listener && cert) model.listenerCertificates.push({ id, tfName: name, where, listener, certificate: cert });
        break;
      }
      case 'aws_lb_target_group': {
        unknown(['name', 'port', 'protocol', 'protocol_version', 'target_type', 'health_check', 'stickiness', 'target_health_state']);
        const targetType = str(body, 'target_type') ?? 'instance';
        if (targetType !== 'instance' && targetType !== 'ip') {
          problem('error', 'unsupported-target-type', `${targetType} target groups have no Berth equivalent; skipped`, 'target_type');
          break;
        }
        const tgName = str(body, 'name') ?? name.replace(/_/g, '-');
        if (body.name === undefined) problem('warning', 'derived-name', `no name; imported as "${tgName}"`);
        const hc = blocks(body.health_check)[0] ?? {};
        const s = blocks(body.stickiness)[0];
        const protocolVersion = str(body, 'protocol_version');
        const matcher = str(hc, 'matcher', 'health_check.matcher');
        const attrs = attributes(Object.keys(body));
        if (s) {
          const sType = str(s, 'type', 'stickiness.type') ?? 'lb_cookie';
          attrs['stickiness.enabled'] = String(bool(s, 'enabled') ?? true);
          attrs['stickiness.type'] = sType;
          const duration = str(s, 'cookie_duration', 'stickiness.cookie_duration');
          if (duration !== undefined && sType !== 'source_ip') attrs[`stickiness.${sType}.duration_seconds`] = duration;
          const cookie = str(s, 'cookie_name', 'stickiness.cookie_name');
          if (cookie !== undefined) attrs['stickiness.app_cookie.cookie_name'] = cookie;
        }
        const healthState = blocks(body.target_health_state)[0] ?? {};
        for (const [key, [arg]] of Object.entries(TF_TARGET_HEALTH_STATE)) {
          const v = str(healthState, arg, `target_health_state.${arg}`);
          if (v !== undefined) attrs[key] = v;
        }
        model.targetGroups.push({
          id, tfName: name, where, name: tgName, protocol: str(body, 'protocol') ?? '', port: num(body, 'port'), targetType, ...(protocolVersion ? { protocolVersion } : {}),
          healthCheck: {
            enabled: bool(hc, 'enabled'), protocol: str(hc, 'protocol'), port: str(hc, 'port'), path: str(hc, 'path'), intervalSeconds: num(hc, 'interval'), timeoutSeconds: num(hc, 'timeout'),
            healthyThresholdCount: num(hc, 'healthy_threshold'), unhealthyThresholdCount: num(hc, 'unhealthy_threshold'),
            ...(matcher === undefined ? {} : protocolVersion === 'GRPC' ? { grpcCode: matcher } : { httpCode: matcher }),
          },
          attributes: attrs,
        });
        break;
      }
      case 'aws_lb_target_group_attachment':
        problem('warning', 'registered-targets', 'registered targets are not imported: Berth fills target groups from Docker (see targets.docker)');
        break;
      case 'aws_ecs_service':
        for (const b of blocks(body.load_balancer)) {
          const tg = /^([a-z_]+)\.([A-Za-z0-9_-]+)\.arn$/.exec(expression(b.target_group_arn) ?? '');
          if (tg && b.container_name !== undefined && b.container_port !== undefined) {
            model.ecsBindings.push({ targetGroup: `${canonical(tg[1]!)}.${tg[2]}`, containerName: String(unescape(b.container_name)), containerPort: Number(b.container_port) });
          }
        }
        break;
      case 'aws_ecs_task_definition':
        break;
      default:
        problem('warning', 'unsupported-resource', `${rawType} is not a load-balancing resource; ignored`);
    }

    function actions(list: Json[], path: string): ElbAction[] {
      const ordered = list.map((a, i) => ({ a, i })).sort((x, y) => Number(x.a.order ?? x.i) - Number(y.a.order ?? y.i));
      return ordered.flatMap(({ a, i }): ElbAction[] => {
        const p = `${path}[${i}]`;
        const type = str(a, 'type', `${p}.type`);
        const forward = blocks(a.forward)[0];
        if (type === 'forward') {
          const groups = forward
            ? blocks(forward.target_group).map((g) => ({ targetGroup: ref(g.arn, `${p}.forward.target_group.arn`, 'aws_lb_target_group') ?? '', ...(g.weight !== undefined ? { weight: Number(g.weight) } : {}) }))
            : [{ targetGroup: ref(a.target_group_arn, `${p}.target_group_arn`, 'aws_lb_target_group') ?? '' }];
          const s = forward ? blocks(forward.stickiness)[0] : undefined;
          return [{ type: 'forward', targetGroups: groups, ...(s ? { stickiness: { enabled: bool(s, 'enabled') ?? false, ...(s.duration !== undefined ? { durationSeconds: Number(s.duration) } : {}) } } : {}) }];
        }
        const r = blocks(a.redirect)[0];
        if (type === 'redirect' && r) {
          return [{ type: 'redirect', protocol: str(r, 'protocol'), port: str(r, 'port'), host: str(r, 'host'), path: str(r, 'path'), query: str(r, 'query'), statusCode: str(r, 'status_code') ?? '' }];
        }
        const f = blocks(a.fixed_response)[0];
        if (type === 'fixed-response' && f) {
          const body = str(f, 'message_body');
          return [{ type: 'fixed-response', statusCode: str(f, 'status_code') ?? '', ...(f.content_type !== undefined ? { contentType: str(f, 'content_type') } : {}), ...(body !== undefined ? { messageBody: body } : {}) }];
        }
        problem('warning', 'unsupported-action', `${type} actions have no Berth equivalent (Berth does not authenticate); not imported`, p);
        return [];
      });
    }

    function condition(c: Json, path: string): ElbCondition | undefined {
      const kinds = Object.keys(c);
      const kind = kinds[0];
      if (kinds.length !== 1 || !kind) {
        problem('error', 'bad-condition', `a condition block holds exactly one of host_header, path_pattern, http_header, http_request_method, query_string, source_ip (found ${kinds.join(', ') || 'none'})`, path);
        return undefined;
      }
      const all = blocks(c[kind]);
      const b = all[0] ?? {};
      const regex = Array.isArray(b.regex_values) ? { regexValues: b.regex_values.map((v) => String(unescape(v))) } : {};
      const values = Array.isArray(b.values) ? b.values.map((v) => String(unescape(v))) : [];
      switch (kind) {
        case 'host_header':
        case 'path_pattern':
          return { field: kind.replace(/_/g, '-') as 'host-header', values, ...regex };
        case 'http_request_method':
        case 'source_ip':
          return { field: kind.replace(/_/g, '-') as 'source-ip', values };
        case 'http_header':
          return { field: 'http-header', name: String(unescape(b.http_header_name)), values, ...regex };
        case 'query_string':
          return { field: 'query-string', pairs: all.map((q) => ({ ...(q.key !== undefined ? { key: String(unescape(q.key)) } : {}), value: String(unescape(q.value)) })) };
      }
      problem('error', 'unsupported-condition', `${kind} conditions have no Berth equivalent`, `${path}.${kind}`);
      return undefined;
    }

  }
  return { model, problems, ...(local ? { local } : {}) };
}
