// The recorder's storage: a fixed number of traffic records kept in typed arrays and byte buffers
// rather than as objects. Ten thousand records held as objects (each with its strings, header lists
// and bodies) all survive the young generation and are copied and marked by every garbage
// collection; held as numbers and bytes they cost the collector nothing, and the proxy path gets
// that time back (measured with bench:l7, see docs/performance.md). Records become objects again
// only when someone reads them.
//
// Per slot: the numeric fields in a Float64Array (NaN for an absent optional one); the
// low-variety strings (listener, rule, target, client, …) as indexes into an intern table; host,
// path, query and trace id as UTF-8 in a fixed area of the slot; the captured headers and bodies in
// a circular byte log whose size is the detail budget, where newer details overwrite the oldest.
import type { CapturedBody, TrafficKind, TrafficRecord } from '../../shared/model/index.js';

/** Captured headers (flat `[name, value, …]` lists, or packed by `packHeaders`) and bodies. */
export interface StoredDetail {
  requestHeaders?: readonly string[] | string | undefined;
  responseHeaders?: readonly string[] | string | undefined;
  requestBody?: CapturedBody | undefined;
  responseBody?: CapturedBody | undefined;
}

export interface DecodedDetail {
  requestHeaders?: readonly string[];
  responseHeaders?: readonly string[];
  requestBody?: CapturedBody;
  responseBody?: CapturedBody;
}

// Names and values from Node's parser never hold a line feed (it refuses CR and LF in them), nor do
// the ones Berth writes itself.
const SEPARATOR = '\n';

export function packHeaders(flat: readonly string[]): string {
  return flat.join(SEPARATOR);
}

export function unpackHeaders(headers: readonly string[] | string): readonly string[] {
  if (typeof headers !== 'string') return headers;
  return headers === '' ? [] : headers.split(SEPARATOR);
}

// Numeric columns.
const ID = 0;
const STARTED = 1;
const STATUS = 2;
const BYTES_IN = 3;
const BYTES_OUT = 4;
const PACKETS_IN = 5;
const PACKETS_OUT = 6;
const DURATION = 7;
const CONNECT = 8;
const FIRST_BYTE = 9;
const GRPC_STATUS = 10;
const NUMS = 11;

// Interned string columns.
const KIND = 0;
const LB = 1;
const LISTENER = 2;
const RULE = 3;
const GROUP = 4;
const TARGET = 5;
const CLIENT = 6;
const METHOD = 7;
const ERROR = 8;
const PROTOCOL = 9;
const INTERNED = 10;

// Free-text columns, in the slot's byte area.
const HOST = 0;
const PATH = 1;
const QUERY = 2;
const TRACE = 3;
const FREE = 4;

// Detail parts, in the byte log.
const REQ_HEADERS = 0;
const RES_HEADERS = 1;
const REQ_BODY = 2;
const RES_BODY = 3;
const PARTS = 4;

const BODY_BASE64 = 1;
const BODY_TRUNCATED = 2;

/** Distinct strings the intern table takes; past it, a record's strings are kept as they are. */
const INTERN_MAX = 65_536;

/** Low-variety strings as small numbers; 0 stands for "absent". */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: (string | undefined)[] = [undefined];
  // The last string seen per column: usually the very same one again (one listener, one client).
  private readonly lastString: (string | undefined)[] = new Array<string | undefined>(INTERNED).fill(undefined);
  private readonly lastId = new Int32Array(INTERNED);

  /** The id of `s`, or -1 when the table is full and `s` is new. */
  id(column: number, s: string | undefined): number {
    if (s === undefined) return 0;
    if (s === this.lastString[column]) return this.lastId[column]!;
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.strings.length >= INTERN_MAX) return -1;
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    this.lastString[column] = s;
    this.lastId[column] = id;
    return id;
  }

  clear(): void {
    this.ids.clear();
    this.strings.length = 1;
    this.lastString.fill(undefined);
  }
}

export class RecordRing {
  private readonly nums: Float64Array;
  private readonly interned: Int32Array;
  /** Byte lengths of the free-text strings; -1 = absent. */
  private readonly freeLengths: Int32Array;
  private readonly area: Buffer;
  private readonly areaBytes: number;
  /** The strings of slots that did not fit their area or the intern table, as they were. */
  private readonly spill: ((string | undefined)[] | undefined)[] = [];
  private readonly interner = new Interner();

  /** Absolute log position of each slot's detail (-1: none), and the parts' byte lengths (-1: absent). */
  private readonly detailAt: Float64Array;
  private readonly detailLengths: Int32Array;
  private readonly bodyBytes: Float64Array;
  private readonly bodyFlags: Uint8Array;
  private log: Buffer | undefined;
  private readonly logBytes: number;
  private logWritten = 0;

  constructor(
    readonly capacity: number,
    detailBudgetBytes: number,
  ) {
    this.nums = new Float64Array(capacity * NUMS);
    this.interned = new Int32Array(capacity * INTERNED);
    this.freeLengths = new Int32Array(capacity * FREE);
    // Room for a typical host, path, query and trace id; longer ones spill (kept as strings).
    this.areaBytes = capacity <= 100_000 ? 192 : 96;
    // Not zero-filled: only bytes written are ever read back (the lengths say which), and memory the
    // ring has not reached yet is not touched, so it costs nothing until used.
    this.area = Buffer.allocUnsafeSlow(capacity * this.areaBytes);
    this.detailAt = new Float64Array(capacity).fill(-1);
    this.detailLengths = new Int32Array(capacity * PARTS);
    this.bodyBytes = new Float64Array(capacity * 2);
    this.bodyFlags = new Uint8Array(capacity * 2);
    // The log is the detail budget, but never more than ~2 KiB a record: allocated on first use.
    this.logBytes = Math.max(0, Math.min(detailBudgetBytes, Math.max(64 * 1024, capacity * 2048)));
  }

  write(slot: number, r: TrafficRecord, detail: StoredDetail | undefined): void {
    const n = slot * NUMS;
    const nums = this.nums;
    nums[n + ID] = r.id;
    nums[n + STARTED] = r.startedAt;
    nums[n + STATUS] = r.status ?? NaN;
    nums[n + BYTES_IN] = r.bytesIn;
    nums[n + BYTES_OUT] = r.bytesOut;
    nums[n + PACKETS_IN] = r.packetsIn ?? NaN;
    nums[n + PACKETS_OUT] = r.packetsOut ?? NaN;
    nums[n + DURATION] = r.durationMs;
    nums[n + CONNECT] = r.connectMs ?? NaN;
    nums[n + FIRST_BYTE] = r.firstByteMs ?? NaN;
    nums[n + GRPC_STATUS] = r.grpcStatus ?? NaN;

    const i = slot * INTERNED;
    const ids = this.interned;
    const t = this.interner;
    ids[i + KIND] = t.id(KIND, r.kind);
    ids[i + LB] = t.id(LB, r.loadBalancer);
    ids[i + LISTENER] = t.id(LISTENER, r.listener);
    ids[i + RULE] = t.id(RULE, r.rule);
    ids[i + GROUP] = t.id(GROUP, r.targetGroup);
    ids[i + TARGET] = t.id(TARGET, r.target);
    ids[i + CLIENT] = t.id(CLIENT, r.client);
    ids[i + METHOD] = t.id(METHOD, r.method);
    ids[i + ERROR] = t.id(ERROR, r.error);
    ids[i + PROTOCOL] = t.id(PROTOCOL, r.protocol);

    let spilled = false;
    for (let k = 0; k < INTERNED; k++) if (ids[i + k]! < 0) spilled = true;
    if (!this.writeFree(slot, r.host, r.path, r.query, r.traceId)) spilled = true;
    if (spilled) this.spill[slot] = [r.kind, r.loadBalancer, r.listener, r.rule, r.targetGroup, r.target, r.client, r.method, r.error, r.protocol, r.host, r.path, r.query, r.traceId];
    else if (this.spill[slot] !== undefined) this.spill[slot] = undefined;

    this.detailAt[slot] = -1;
    if (detail !== undefined) this.writeDetail(slot, detail);
  }

  read(slot: number): TrafficRecord {
    const n = slot * NUMS;
    const nums = this.nums;
    const i = slot * INTERNED;
    const ids = this.interned;
    const strings = this.interner.strings;
    const spill = this.spill[slot];
    const s = (column: number): string | undefined => {
      const id = ids[i + column]!;
      return id > 0 ? strings[id] : id < 0 ? spill![column] : undefined;
    };
    const r: TrafficRecord = {
      id: nums[n + ID]!,
      kind: s(KIND) as TrafficKind,
      startedAt: nums[n + STARTED]!,
      loadBalancer: s(LB)!,
      listener: s(LISTENER)!,
      client: s(CLIENT)!,
      bytesIn: nums[n + BYTES_IN]!,
      bytesOut: nums[n + BYTES_OUT]!,
      durationMs: nums[n + DURATION]!,
    };
    const rule = s(RULE);
    if (rule !== undefined) r.rule = rule;
    const group = s(GROUP);
    if (group !== undefined) r.targetGroup = group;
    const target = s(TARGET);
    if (target !== undefined) r.target = target;
    const method = s(METHOD);
    if (method !== undefined) r.method = method;
    const protocol = s(PROTOCOL);
    if (protocol !== undefined) r.protocol = protocol;
    const free = spill ? spill.slice(INTERNED) : this.readFree(slot);
    if (free[HOST] !== undefined) r.host = free[HOST];
    if (free[PATH] !== undefined) r.path = free[PATH];
    if (free[QUERY] !== undefined) r.query = free[QUERY];
    setNumber(r, 'status', nums[n + STATUS]!);
    setNumber(r, 'packetsIn', nums[n + PACKETS_IN]!);
    setNumber(r, 'packetsOut', nums[n + PACKETS_OUT]!);
    setNumber(r, 'connectMs', nums[n + CONNECT]!);
    setNumber(r, 'firstByteMs', nums[n + FIRST_BYTE]!);
    setNumber(r, 'grpcStatus', nums[n + GRPC_STATUS]!);
    const error = s(ERROR);
    if (error !== undefined) r.error = error;
    if (free[TRACE] !== undefined) r.traceId = free[TRACE];
    return r;
  }

  id(slot: number): number {
    return this.nums[slot * NUMS + ID]!;
  }

  /** The slot's captured detail, unless newer details have overwritten it. */
  readDetail(slot: number): DecodedDetail | undefined {
    const at = this.detailAt[slot]!;
    const log = this.log;
    if (at < 0 || log === undefined) return undefined;
    // Later writes reached past this detail's bytes: overwritten.
    if (this.logWritten - at > this.logBytes) return undefined;
    const lengths = this.detailLengths;
    const d = slot * PARTS;
    let offset = at % this.logBytes;
    const part = (k: number): string | undefined => {
      const len = lengths[d + k]!;
      if (len < 0) return undefined;
      const text = log.toString('utf8', offset, offset + len);
      offset += len;
      return text;
    };
    const out: DecodedDetail = {};
    const reqHeaders = part(REQ_HEADERS);
    const resHeaders = part(RES_HEADERS);
    const reqBody = part(REQ_BODY);
    const resBody = part(RES_BODY);
    if (reqHeaders !== undefined) out.requestHeaders = unpackHeaders(reqHeaders);
    if (resHeaders !== undefined) out.responseHeaders = unpackHeaders(resHeaders);
    if (reqBody !== undefined) out.requestBody = this.body(slot, 0, reqBody);
    if (resBody !== undefined) out.responseBody = this.body(slot, 1, resBody);
    return out;
  }

  /** Bytes of the slot's detail still in the log (0 when none or overwritten). */
  detailSize(slot: number): number {
    if (this.detailAt[slot]! < 0 || this.logWritten - this.detailAt[slot]! > this.logBytes) return 0;
    let size = 0;
    for (let k = 0; k < PARTS; k++) size += Math.max(0, this.detailLengths[slot * PARTS + k]!);
    return size;
  }

  clear(): void {
    this.spill.length = 0;
    this.interner.clear();
    this.detailAt.fill(-1);
    this.logWritten = 0;
  }

  // ---- free text ----

  private writeFree(slot: number, host: string | undefined, path: string | undefined, query: string | undefined, trace: string | undefined): boolean {
    const lengths = this.freeLengths;
    const f = slot * FREE;
    const areaBytes = this.areaBytes;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: within that bound the strings fit without measuring.
    const upper = 3 * ((host?.length ?? 0) + (path?.length ?? 0) + (query?.length ?? 0) + (trace?.length ?? 0));
    if (upper > areaBytes && byteLength(host) + byteLength(path) + byteLength(query) + byteLength(trace) > areaBytes) {
      lengths.fill(-1, f, f + FREE);
      return false;
    }
    writeFour(this.area, slot * areaBytes, lengths, f, host, path, query, trace);
    return true;
  }

  private readFree(slot: number): (string | undefined)[] {
    const lengths = this.freeLengths;
    const f = slot * FREE;
    let offset = slot * this.areaBytes;
    const out: (string | undefined)[] = [undefined, undefined, undefined, undefined];
    for (let k = 0; k < FREE; k++) {
      const len = lengths[f + k]!;
      if (len < 0) continue;
      out[k] = len === 0 ? '' : this.area.toString('utf8', offset, offset + len);
      offset += len;
    }
    return out;
  }

  // ---- detail log ----

  private writeDetail(slot: number, detail: StoredDetail): void {
    if (this.logBytes === 0) return;
    const reqHeaders = detail.requestHeaders === undefined ? undefined : typeof detail.requestHeaders === 'string' ? detail.requestHeaders : packHeaders(detail.requestHeaders);
    const resHeaders = detail.responseHeaders === undefined ? undefined : typeof detail.responseHeaders === 'string' ? detail.responseHeaders : packHeaders(detail.responseHeaders);
    const reqBody = detail.requestBody?.data;
    const resBody = detail.responseBody?.data;
    if (reqHeaders === undefined && resHeaders === undefined && reqBody === undefined && resBody === undefined) return;
    const logBytes = this.logBytes;
    let size = 3 * ((reqHeaders?.length ?? 0) + (resHeaders?.length ?? 0) + (reqBody?.length ?? 0) + (resBody?.length ?? 0));
    let at = this.logWritten;
    let offset = at % logBytes;
    if (offset + size > logBytes) {
      // Near the end of the log (or a large detail): measure exactly before deciding to wrap.
      size = byteLength(reqHeaders) + byteLength(resHeaders) + byteLength(reqBody) + byteLength(resBody);
      if (size > logBytes) return;
      if (offset + size > logBytes) {
        at += logBytes - offset;
        offset = 0;
      }
    }
    const log = (this.log ??= Buffer.allocUnsafeSlow(logBytes));
    const end = writeFour(log, offset, this.detailLengths, slot * PARTS, reqHeaders, resHeaders, reqBody, resBody);
    this.detailAt[slot] = at;
    this.logWritten = at + (end - offset);
    if (detail.requestBody) this.bodyMeta(slot, 0, detail.requestBody);
    if (detail.responseBody) this.bodyMeta(slot, 1, detail.responseBody);
  }

  private bodyMeta(slot: number, which: number, body: CapturedBody): void {
    this.bodyBytes[slot * 2 + which] = body.bytes;
    this.bodyFlags[slot * 2 + which] = (body.encoding === 'base64' ? BODY_BASE64 : 0) | (body.truncated ? BODY_TRUNCATED : 0);
  }

  private body(slot: number, which: number, data: string): CapturedBody {
    const flags = this.bodyFlags[slot * 2 + which]!;
    return { encoding: flags & BODY_BASE64 ? 'base64' : 'utf8', data, bytes: this.bodyBytes[slot * 2 + which]!, truncated: (flags & BODY_TRUNCATED) !== 0 };
  }
}

/** Writes up to four strings one after another as UTF-8 from `offset` (the caller made sure they
 * fit); their byte lengths, -1 for an absent one, go to `lengths[at]…[at + 3]`. Returns the end. */
function writeFour(buffer: Buffer, offset: number, lengths: Int32Array, at: number, a: string | undefined, b: string | undefined, c: string | undefined, d: string | undefined): number {
  let end = offset;
  const n0 = a === undefined ? -1 : buffer.write(a, end);
  end += Math.max(0, n0);
  const n1 = b === undefined ? -1 : buffer.write(b, end);
  end += Math.max(0, n1);
  const n2 = c === undefined ? -1 : buffer.write(c, end);
  end += Math.max(0, n2);
  const n3 = d === undefined ? -1 : buffer.write(d, end);
  end += Math.max(0, n3);
  lengths[at] = n0;
  lengths[at + 1] = n1;
  lengths[at + 2] = n2;
  lengths[at + 3] = n3;
  return end;
}

function byteLength(s: string | undefined): number {
  return s === undefined ? 0 : Buffer.byteLength(s);
}

function setNumber(r: TrafficRecord, key: 'status' | 'packetsIn' | 'packetsOut' | 'connectMs' | 'firstByteMs' | 'grpcStatus', v: number): void {
  if (!Number.isNaN(v)) r[key] = v;
}
