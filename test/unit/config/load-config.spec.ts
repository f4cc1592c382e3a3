// berth.yaml validation: every invalid config reports its exact FILE:LINE:COL, field path and a
// message for a person (the lines `berth validate` prints).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { exampleConfigPaths } from '../../helpers/example-config.js';
import { parseConfigText, formatProblem } from '../../../main/config/load-config.js';

const base = (rules: string, extra = '') => `loadBalancers:
  - name: web
    listeners:
      - port: 8080
        protocol: HTTP
        defaultAction: { forward: users }
        rules:
${rules}
targetGroups:
  - name: users
    protocol: HTTP
${extra}`;
const cases: Record<string, string> = {
  unknownKey: base(`          - prioirty: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`),
  dupPriority: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }\n          - priority: 10\n            conditions: { pathPattern: ["/b*"] }\n            action: { forward: users }`),
  priorityRange: base(`          - priority: 50001\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`),
  portRange: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 0\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
  badProtocol: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP2\n        defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
  httpOnNlb: `loadBalancers:\n  - name: edge\n    type: network\n    listeners:\n      - port: 7000\n        protocol: HTTP\n        defaultAction: { forward: game }\ntargetGroups:\n  - name: game\n    protocol: TCP\n`,
  missingTg: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: nobody }`),
  incompatibleTg: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP\n        defaultAction: { forward: game }\ntargetGroups:\n  - name: game\n    protocol: TCP\n`,
  bodyTooLong: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 200, messageBody: "${'x'.repeat(1025)}" } }\n`,
  fixed3xx: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 302 } }\n`,
  redirectLoop: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 80\n        protocol: HTTP\n        defaultAction: { redirect: { statusCode: HTTP_301 } }\n`,
  hostLocalhost: base(`          - priority: 10\n            conditions: { hostHeader: [localhost] }\n            action: { forward: users }`),
  wrongType: `loadBalancers:\n  - name: web\n    listeners:\n      - port: "eighty"\n        protocol: HTTP\n        defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
  weightRange: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action:\n              forward:\n                targetGroups: [{ name: users, weight: 1000 }]`),
  tooManyGroups: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action:\n              forward:\n                targetGroups: [{ name: users }, { name: users }, { name: users }, { name: users }, { name: users }, { name: users }]`),
  timeoutInterval: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`, `    healthCheck:\n      intervalSeconds: 5\n      timeoutSeconds: 5\n`),
  threshold: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`, `    healthCheck:\n      healthyThresholdCount: 11\n`),
  dupTg: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`) + `  - name: users\n    protocol: HTTP\n`,
  badStatic: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`, `    targets:\n      static: ["localhost"]\n`),
  unknownCondition: base(`          - priority: 10\n            conditions: { pathPatern: ["/a*"] }\n            action: { forward: users }`),
  appCookie: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`, `    stickiness: { enabled: true, type: app_cookie }\n`),
  dupPort: `loadBalancers:\n  - name: a\n    listeners:\n      - { port: 80, protocol: HTTP, defaultAction: { fixedResponse: { statusCode: 404 } } }\n  - name: b\n    listeners:\n      - { port: 80, protocol: HTTP, defaultAction: { fixedResponse: { statusCode: 404 } } }\n`,
  yamlSyntax: `loadBalancers:\n  - name: web\n    listeners: [\n`,
  dupYamlKey: `loadBalancers:\n  - name: web\n    name: other\n`,
  tooManyValues: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*", "/b*", "/c*", "/d*"] }\n            action: { forward: users }`),
  noConditions: base(`          - priority: 10\n            conditions: {}\n            action: { forward: users }`),
  twoActions: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users, fixedResponse: { statusCode: 200 } }`),
  badMatcher: base(`          - priority: 10\n            conditions: { pathPattern: ["/a*"] }\n            action: { forward: users }`, `    healthCheck: { matcher: "2xx" }\n`),
  badCidr: base(`          - priority: 10\n            conditions: { sourceIp: ["127.0.0.1"] }\n            action: { forward: users }`),
  httpsToHttp: `loadBalancers:\n  - name: web\n    listeners:\n      - port: 443\n        protocol: HTTPS\n        defaultAction: { redirect: { protocol: HTTP, port: 80, statusCode: HTTP_301 } }\n`,
};

const expected: Record<string, string[]> = {
  "unknownKey": [
    "berth.yaml:8:13  loadBalancers[0].listeners[0].rules[0].prioirty  unknown key \"prioirty\" — did you mean \"priority\"?",
    "berth.yaml:8:13  loadBalancers[0].listeners[0].rules[0].priority  is required (a number)"
  ],
  "dupPriority": [
    "berth.yaml:11:23  loadBalancers[0].listeners[0].rules[1].priority  priority 10 is already used by rules[0] of this listener"
  ],
  "priorityRange": [
    "berth.yaml:8:23  loadBalancers[0].listeners[0].rules[0].priority  a priority is 1–50000, got 50001"
  ],
  "portRange": [
    "berth.yaml:4:15  loadBalancers[0].listeners[0].port  a port is 1–65535, got 0"
  ],
  "badProtocol": [
    "berth.yaml:5:19  loadBalancers[0].listeners[0].protocol  protocol must be one of HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, got the string \"HTTP2\""
  ],
  "httpOnNlb": [
    "berth.yaml:6:19  loadBalancers[0].listeners[0].protocol  a network load balancer listens on TCP, TLS, UDP or TCP_UDP, not HTTP",
    "berth.yaml:7:35  loadBalancers[0].listeners[0].defaultAction.forward  the HTTP listener cannot forward to the TCP target group \"game\" (allowed: HTTP, HTTPS)"
  ],
  "missingTg": [
    "berth.yaml:10:32  loadBalancers[0].listeners[0].rules[0].action.forward  no target group named \"nobody\" (known: users)"
  ],
  "incompatibleTg": [
    "berth.yaml:6:35  loadBalancers[0].listeners[0].defaultAction.forward  the HTTP listener cannot forward to the TCP target group \"game\" (allowed: HTTP, HTTPS)"
  ],
  "bodyTooLong": [
    "berth.yaml:6:73  loadBalancers[0].listeners[0].defaultAction.fixedResponse.messageBody  a fixed-response body is at most 1024 bytes"
  ],
  "fixed3xx": [
    "berth.yaml:6:55  loadBalancers[0].listeners[0].defaultAction.fixedResponse.statusCode  a fixed-response status code must be 2XX, 4XX or 5XX"
  ],
  "redirectLoop": [
    "berth.yaml:6:36  loadBalancers[0].listeners[0].defaultAction.redirect  a redirect must change at least one of protocol, port, host or path, or it would loop"
  ],
  "hostLocalhost": [
    "berth.yaml:9:40  loadBalancers[0].listeners[0].rules[0].conditions.hostHeader[0]  a host name must contain a \".\" (AWS rejects single-label names such as \"localhost\"; use e.g. \"app.localhost\")"
  ],
  "wrongType": [
    "berth.yaml:4:15  loadBalancers[0].listeners[0].port  must be a number, got the string \"eighty\""
  ],
  "weightRange": [
    "berth.yaml:12:55  loadBalancers[0].listeners[0].rules[0].action.forward.targetGroups[0].weight  a weight is 0–999, got 1000"
  ],
  "tooManyGroups": [
    "berth.yaml:12:31  loadBalancers[0].listeners[0].rules[0].action.forward.targetGroups  forward may name at most 5 target groups"
  ],
  "timeoutInterval": [
    "berth.yaml:16:23  targetGroups[0].healthCheck.timeoutSeconds  the health-check timeout (5s) must be shorter than the interval (5s)"
  ],
  "threshold": [
    "berth.yaml:15:30  targetGroups[0].healthCheck.healthyThresholdCount  must be at most 10, got 11"
  ],
  "dupTg": [
    "berth.yaml:14:11  targetGroups[1].name  target group \"users\" is defined twice"
  ],
  "badStatic": [
    "berth.yaml:15:16  targetGroups[0].targets.static[0]  a static target is host:port, e.g. 127.0.0.1:3000 or [::1]:3000"
  ],
  "unknownCondition": [
    "berth.yaml:9:25  loadBalancers[0].listeners[0].rules[0].conditions  a rule needs at least one condition",
    "berth.yaml:9:27  loadBalancers[0].listeners[0].rules[0].conditions.pathPatern  unknown key \"pathPatern\" — did you mean \"pathPattern\"?"
  ],
  "appCookie": [
    "berth.yaml:14:17  targetGroups[0].stickiness.cookieName  app_cookie stickiness needs the name of the application cookie"
  ],
  "dupPort": [
    "berth.yaml:7:17  loadBalancers[1].listeners[0].port  tcp port 80 on 127.0.0.1 is already used by load balancer \"a\" (listener 80/HTTP)"
  ],
  "yamlSyntax": [
    "berth.yaml:4:1  (file)  Flow sequence in block collection must be sufficiently indented and end with a ]"
  ],
  "dupYamlKey": [
    "berth.yaml:3:5  (file)  Map keys must be unique"
  ],
  "tooManyValues": [
    "berth.yaml:9:40  loadBalancers[0].listeners[0].rules[0].conditions.pathPattern  at most 3 values per condition (AWS quota)"
  ],
  "noConditions": [
    "berth.yaml:9:25  loadBalancers[0].listeners[0].rules[0].conditions  a rule needs at least one condition"
  ],
  "twoActions": [
    "berth.yaml:10:21  loadBalancers[0].listeners[0].rules[0].action  an action has exactly one of forward, redirect or fixedResponse, not forward and fixedResponse"
  ],
  "badMatcher": [
    "berth.yaml:14:29  targetGroups[0].healthCheck.matcher  a matcher is a code, a list \"200,202\" or a range \"200-299\""
  ],
  "badCidr": [
    "berth.yaml:9:38  loadBalancers[0].listeners[0].rules[0].conditions.sourceIp[0]  must be a CIDR block such as 127.0.0.0/8 or ::1/128"
  ],
  "httpsToHttp": [
    "berth.yaml:6:48  loadBalancers[0].listeners[0].defaultAction.redirect.protocol  AWS does not allow a redirect from HTTPS to HTTP"
  ]
};

describe('berth.yaml validation', () => {
  for (const path of exampleConfigPaths()) {
    it(`accepts the example config as it is (${path.includes('fixtures') ? 'fixture copy' : '../shared/docs'})`, () => {
      const result = parseConfigText(readFileSync(path, 'utf8'), 'berth.example.yaml');
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    });
  }

  it('has at least 20 invalid cases', () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, text] of Object.entries(cases)) {
    it(`reports ${name} at its exact position`, () => {
      const result = parseConfigText(text, 'berth.yaml');
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual(expected[name]);
    });
  }

  it('reports every problem of a file, not just the first', () => {
    const text = 'loadBalancers:\n  - name: web\n    listeners:\n      - port: 99999\n        protocol: FTP\n        defaultAction: { fixedResponse: { statusCode: 302 } }\n';
    const result = parseConfigText(text, 'berth.yaml');
    expect(result.ok ? 0 : result.problems.length).toBe(3);
  });
});
