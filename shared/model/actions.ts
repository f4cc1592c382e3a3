// Rule actions: forward (one group, or weighted over several with group stickiness), redirect and
// fixed-response, in AWS's shapes and ranges (elbv2-model.md section 3). Exactly one per action object.
import { z } from 'zod';
import { FIXED_RESPONSE_CONTENT_TYPES, LIMITS } from './limits.js';

export const resourceName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.nameMaxLength, `must be at most ${LIMITS.nameMaxLength} characters (AWS limit)`)
  .regex(/^[A-Za-z0-9-]+$/, 'may hold only letters, digits and "-"')
  .refine((n) => !n.startsWith('-') && !n.endsWith('-'), 'must not start or end with "-"');

const weightedGroup = z.strictObject({
  name: resourceName,
  weight: z.number().int().min(LIMITS.weightMin).max(LIMITS.weightMax, `a weight is 0–${LIMITS.weightMax}`).default(1),
});

const groupStickiness = z.strictObject({
  enabled: z.boolean().default(false),
  durationSeconds: z.number().int().min(LIMITS.stickinessSecondsMin).max(LIMITS.stickinessSecondsMax).default(3600),
});

const forwardObject = z.strictObject({
  targetGroups: z
    .array(weightedGroup)
    .min(1, 'forward needs at least one target group')
    .max(LIMITS.targetGroupsPerForward, `forward may name at most ${LIMITS.targetGroupsPerForward} target groups`),
  stickiness: groupStickiness.optional(),
});

/** `forward: users` is shorthand for `forward: { targetGroups: [{ name: users, weight: 1 }] }`. */
export const forwardSchema = z.union([
  resourceName.transform((name) => ({ targetGroups: [{ name, weight: 1 }], stickiness: undefined as z.output<typeof groupStickiness> | undefined })),
  forwardObject,
]);

const placeholderOr = (re: RegExp, message: string) => z.string().refine((v) => re.test(v), message);

export const redirectSchema = z
  .strictObject({
    protocol: z.enum(['HTTP', 'HTTPS', '#{protocol}']).default('#{protocol}'),
    port: z
      .union([z.number().int().min(1).max(65535), placeholderOr(/^(#\{port\}|[1-9]\d{0,4})$/, 'a port 1–65535 or #{port}')])
      .transform((p) => String(p))
      .default('#{port}'),
    host: z.string().min(1).max(128).default('#{host}'),
    path: z
      .string()
      .min(1)
      .max(128)
      .refine((p) => p.startsWith('/'), 'a redirect path must be absolute (start with "/")')
      .default('/#{path}'),
    query: z
      .string()
      .max(128)
      .refine((q) => !q.startsWith('?'), 'leave out the leading "?": it is added automatically')
      .default('#{query}'),
    statusCode: z.enum(['HTTP_301', 'HTTP_302'], { message: 'statusCode must be HTTP_301 or HTTP_302' }),
  })
  .superRefine((r, ctx) => {
    if (r.protocol === '#{protocol}' && r.port === '#{port}' && r.host === '#{host}' && r.path === '/#{path}') {
      ctx.addIssue({ code: 'custom', message: 'a redirect must change at least one of protocol, port, host or path, or it would loop' });
    }
  });

export const fixedResponseSchema = z.strictObject({
  statusCode: z
    .union([z.number().int(), z.string()])
    .transform((s) => String(s))
    .refine((s) => /^[245]\d\d$/.test(s), 'a fixed-response status code must be 2XX, 4XX or 5XX'),
  contentType: z.enum(FIXED_RESPONSE_CONTENT_TYPES).optional(),
  messageBody: z
    .string()
    .refine((b) => utf8Length(b) <= LIMITS.fixedResponseBodyMaxBytes, `a fixed-response body is at most ${LIMITS.fixedResponseBodyMaxBytes} bytes`)
    .optional(),
});

export const actionSchema = z
  .strictObject({
    forward: forwardSchema.optional(),
    redirect: redirectSchema.optional(),
    fixedResponse: fixedResponseSchema.optional(),
  })
  .superRefine((a, ctx) => {
    const kinds = ['forward', 'redirect', 'fixedResponse'].filter((k) => a[k as keyof typeof a] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0 ? 'an action needs one of forward, redirect or fixedResponse' : `an action has exactly one of forward, redirect or fixedResponse, not ${kinds.join(' and ')}`,
      });
    }
  });

export type ForwardAction = z.output<typeof forwardObject>;
export type RedirectAction = z.output<typeof redirectSchema>;
export type FixedResponseAction = z.output<typeof fixedResponseSchema>;
export type Action = z.output<typeof actionSchema>;

/** UTF-8 byte length without TextEncoder (shared/ is typed without DOM or Node libraries). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
