// HAR 1.2's required fields and their types (http://www.softwareishard.com/blog/har-12-spec/), as a
// zod schema, so an export is checked against the format without fetching anything.
import { z } from 'zod';

const nameValue = z.strictObject({ name: z.string(), value: z.string(), comment: z.string().optional() });
const optionalTime = z.number().min(-1);

const request = z.strictObject({
  method: z.string().min(1),
  url: z.string().url(),
  httpVersion: z.string().min(1),
  cookies: z.array(z.object({ name: z.string(), value: z.string() })),
  headers: z.array(nameValue),
  queryString: z.array(nameValue),
  postData: z.strictObject({ mimeType: z.string(), text: z.string(), params: z.array(z.object({ name: z.string() })).optional(), comment: z.string().optional() }).optional(),
  headersSize: z.number().int().min(-1),
  bodySize: z.number().int().min(-1),
  comment: z.string().optional(),
});

const response = z.strictObject({
  status: z.number().int(),
  statusText: z.string(),
  httpVersion: z.string().min(1),
  cookies: z.array(z.object({ name: z.string(), value: z.string() })),
  headers: z.array(nameValue),
  content: z.strictObject({ size: z.number().int(), compression: z.number().int().optional(), mimeType: z.string(), text: z.string().optional(), encoding: z.string().optional(), comment: z.string().optional() }),
  redirectURL: z.string(),
  headersSize: z.number().int().min(-1),
  bodySize: z.number().int().min(-1),
  comment: z.string().optional(),
});

const entry = z
  .strictObject({
    pageref: z.string().optional(),
    startedDateTime: z.string().datetime({ offset: true }),
    time: z.number().min(0),
    request,
    response,
    cache: z.object({}),
    timings: z.strictObject({ blocked: optionalTime.optional(), dns: optionalTime.optional(), connect: optionalTime.optional(), send: z.number().min(0), wait: z.number().min(0), receive: z.number().min(0), ssl: optionalTime.optional(), comment: z.string().optional() }),
    serverIPAddress: z.string().optional(),
    connection: z.string().optional(),
    comment: z.string().optional(),
  })
  // The spec: `time` is the sum of the timings that apply (-1 meaning does not apply); ssl is part of connect.
  .refine((e) => {
    const t = e.timings;
    const sum = [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].reduce<number>((n, x) => n + (x !== undefined && x >= 0 ? x : 0), 0);
    return Math.abs(sum - e.time) < 0.01;
  }, 'time is not the sum of the timings');

export const harSchema = z.strictObject({
  log: z.strictObject({
    version: z.literal('1.2'),
    creator: z.strictObject({ name: z.string(), version: z.string(), comment: z.string().optional() }),
    browser: z.strictObject({ name: z.string(), version: z.string() }).optional(),
    pages: z.array(z.object({ startedDateTime: z.string(), id: z.string(), title: z.string(), pageTimings: z.object({}) })).optional(),
    entries: z.array(entry),
    comment: z.string().optional(),
  }),
});
