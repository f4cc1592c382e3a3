// A config → berth.yaml text that reads like one a person wrote: values equal to the schema's
// defaults are left out, one-group forwards use the short form, short lists are written inline.
// Parsing the text again gives the same config (the import tests check that).
import { Document, isScalar, isSeq, visit } from 'yaml';
import {
  listenerSchema, loadBalancerSchema, redirectSchema, ruleSchema, targetGroupSchema,
  type Action, type BerthConfig, type Listener, type LoadBalancer, type Rule, type TargetGroup,
} from '../../shared/model/index.js';
import { deepEqual, jsonClone } from './local-settings.js';

type Json = Record<string, unknown>;

/** Keeps the keys whose value differs from the default, plus `keep`, in the object's own order. */
function prune(value: Json, defaults: Json, keep: string[] = []): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (keep.includes(k) || !deepEqual(v, defaults[k])) out[k] = v;
  }
  return out;
}

const PLACEHOLDER_ACTION = { fixedResponse: { statusCode: 200 } };

function action(a: Action): Json {
  if (a.forward) {
    const f = a.forward;
    if (f.targetGroups.length === 1 && f.targetGroups[0]!.weight === 1 && !f.stickiness) return { forward: f.targetGroups[0]!.name };
    return { forward: prune({ targetGroups: f.targetGroups.map((g) => prune(g, { weight: 1 }, ['name'])), stickiness: f.stickiness }, {}) };
  }
  if (a.redirect) {
    const defaults = redirectSchema.parse({ statusCode: a.redirect.statusCode, path: '/x' });
    return { redirect: prune(a.redirect, { ...defaults, path: '/#{path}' }, ['statusCode']) };
  }
  const f = a.fixedResponse!;
  return { fixedResponse: { ...f, statusCode: Number(f.statusCode) } };
}

function rule(r: Rule): Json {
  const defaults = ruleSchema.parse({ priority: r.priority, conditions: { pathPattern: ['/'] }, action: PLACEHOLDER_ACTION });
  return { ...prune({ ...r, conditions: jsonClone(r.conditions), action: action(r.action) }, defaults, ['priority', 'conditions', 'action']) };
}

function listener(l: Listener): Json {
  const defaults = listenerSchema.parse({ port: l.port, protocol: l.protocol, defaultAction: PLACEHOLDER_ACTION });
  return prune({ ...l, defaultAction: action(l.defaultAction), rules: l.rules.map(rule) }, { ...defaults, rules: [] }, ['port', 'protocol', 'defaultAction']);
}

function loadBalancer(lb: LoadBalancer): Json {
  const defaults = loadBalancerSchema.parse({ name: lb.name });
  return prune({ ...lb, listeners: lb.listeners.map(listener) }, { ...defaults, listeners: [] }, ['name']);
}

function targetGroup(tg: TargetGroup): Json {
  const defaults = targetGroupSchema.parse({ name: tg.name, protocol: tg.protocol }) as unknown as Json;
  const hc = prune(tg.healthCheck, defaults.healthCheck as Json);
  const stickiness = prune(tg.stickiness, defaults.stickiness as Json);
  return prune(
    { ...tg, healthCheck: Object.keys(hc).length ? hc : undefined, stickiness: Object.keys(stickiness).length ? stickiness : undefined, targets: Object.keys(tg.targets).length ? tg.targets : undefined },
    { ...defaults, healthCheck: undefined, stickiness: undefined },
    ['name', 'protocol'],
  );
}

export function configToYaml(config: BerthConfig, header?: string): string {
  const doc = new Document(jsonClone({
    loadBalancers: config.loadBalancers.map(loadBalancer),
    targetGroups: config.targetGroups.map(targetGroup),
  }));
  // Lists of plain values (hosts, methods, static targets) read best on one line.
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node) && node.items.length > 0 && node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  if (header) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
