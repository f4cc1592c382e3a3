// The one certificate store: loads (or creates) the local CA, answers every HTTPS and TLS listener's
// SNI lookups, mints a leaf the first time an allowed name is seen (once, however many handshakes ask
// at the same moment), keeps leaves in memory and on disk, and renews them before they expire.
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { CertificateEvent, CertificatePolicy, ContextOptions, SecureServerOptions, ServedCertificate, SniCallback } from './certificate-policy.js';
import { LeafDiskCache } from './leaf-disk-cache.js';
import { compileNamePolicy, defaultCertificateNames, normalizeServername, type CertificateNames, type NamePolicy } from './host-names.js';
import { KeyPool, type LeafKeyAlgorithm } from './key-pool.js';
import { LeafMinter } from './leaf-minter.js';
import { loadCa, loadOrCreateCa, type CreateCaOptions, type LocalCa } from './local-ca.js';
import { isPermittedDnsName } from './name-constraints.js';
import { TlsError, reasonOf } from './tls-error.js';
import { isStale, loadUserCertificate, selectUserCertificate, type UserCertificate, type UserCertificateFiles } from './user-certificates.js';

const DAY_MS = 86_400_000;

export interface CertificateStoreOptions {
  dataDir: string;
  /** Create the CA when there is none (default true); with false, init() fails with CA_MISSING. */
  createCa?: boolean;
  /** How a CA created here is made (name constraints, extra permitted suffixes). */
  caOptions?: Omit<CreateCaOptions, 'replace' | 'now'>;
  leafKeyAlgorithm?: LeafKeyAlgorithm;
  /** Leaf keys kept ready (default 8). */
  keyPoolSize?: number;
  validityDays?: number;
  /** Renew a leaf this many days before it expires (default 30). */
  renewBeforeDays?: number;
  /** Keep minted leaves on disk (default true). */
  diskCache?: boolean;
  /** Mints run at the same time (default 2): more only lengthens event-loop turns. */
  mintConcurrency?: number;
  /** Leaves kept in memory (default 2000; the least recently used go first). */
  memoryLimit?: number;
  now?: () => number;
  onEvent?: (event: CertificateEvent) => void;
}

/** One certificate the store serves, as the Certificates screen lists it. */
export interface StoredCertificate {
  names: string[];
  serial: string;
  notBefore: string;
  notAfter: string;
  source: 'minted' | 'user';
  /** The user's certificate file; minted leaves have none. */
  certFile?: string;
}

interface Served extends ServedCertificate {
  renewAt: number;
  contexts: Map<string, SecureContext>;
}

interface CompiledPolicy {
  names: NamePolicy;
  defaultNames: CertificateNames;
  userFiles: readonly UserCertificateFiles[];
  /** The user certificates, loaded once per listener start (shared by the handshakes meanwhile). */
  users: Promise<UserCertificate[]> | undefined;
  loadedUsers: UserCertificate[];
  contextOptions: ContextOptions;
  optionsKey: string;
  refused: Set<string>;
}

export class CertificateStore {
  private caValue: LocalCa | undefined;
  private initializing: Promise<void> | undefined;
  private disk: LeafDiskCache | undefined;
  private minter: LeafMinter | undefined;
  private readonly pool: KeyPool;
  private readonly leaves = new Map<string, Served>();
  private readonly inflight = new Map<string, Promise<Served>>();
  private readonly userServed = new WeakMap<UserCertificate, Served>();
  /** The user certificates served so far, by file, for list(); the policies that hold them are weak. */
  private readonly userByFile = new Map<string, Served>();
  private readonly policies = new WeakMap<CertificatePolicy, CompiledPolicy>();
  private readonly writes = new Set<Promise<void>>();
  private readonly now: () => number;
  private counts = { minted: 0, renewed: 0, loadedFromDisk: 0 };

  constructor(private readonly options: CertificateStoreOptions) {
    this.pool = new KeyPool({ algorithm: options.leafKeyAlgorithm ?? 'ec-p256', size: options.keyPoolSize ?? 8 });
    this.now = options.now ?? Date.now;
  }

  /** Loads the CA (creating it on first need unless told not to) and starts pre-generating leaf keys. */
  init(): Promise<void> {
    this.initializing ??= this.load().catch((err: unknown) => {
      this.initializing = undefined;
      throw err;
    });
    return this.initializing;
  }

  private async load(): Promise<void> {
    const { dataDir } = this.options;
    let ca: LocalCa;
    if (this.options.createCa === false) ca = await loadCa(dataDir, new Date(this.now()));
    else {
      const result = await loadOrCreateCa(dataDir, this.options.caOptions);
      ca = result.ca;
      if (result.created) this.emit({ type: 'ca-created', fingerprint: ca.fingerprint, file: ca.paths.cert });
    }
    this.caValue = ca;
    if (this.options.diskCache !== false) this.disk = new LeafDiskCache(dataDir, ca);
    this.minter = new LeafMinter(ca, this.pool, { validityDays: this.options.validityDays, concurrency: this.options.mintConcurrency });
    this.pool.start();
  }

  get ca(): LocalCa {
    if (!this.caValue) throw new TlsError('ca-missing', 'The certificate store is not initialised: call init() first');
    return this.caValue;
  }

  /** Stops key generation and waits for cache files being written. */
  async close(): Promise<void> {
    this.pool.stop();
    await Promise.allSettled([...this.writes]);
  }

  stats(): { minted: number; renewed: number; loadedFromDisk: number; inMemory: number; keysReady: number } {
    return { ...this.counts, inMemory: this.leaves.size, keysReady: this.pool.stats().ready };
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** The leaves in memory, then the user certificates served so far. */
  list(): StoredCertificate[] {
    const entries: [Served, string | undefined][] = [...[...this.leaves.values()].map((s) => [s, undefined] as [Served, undefined]), ...[...this.userByFile].map(([file, s]) => [s, file] as [Served, string])];
    return entries.map(([served, certFile]) => {
      const x509 = new X509Certificate(served.certPem);
      const names = (x509.subjectAltName ?? '').split(', ').filter(Boolean).map(altName);
      return {
        names: names.length ? names : [/CN=([^\n]+)/.exec(x509.subject)?.[1] ?? x509.subject],
        serial: x509.serialNumber,
        notBefore: new Date(x509.validFrom).toISOString(),
        notAfter: served.notAfter.toISOString(),
        source: served.source,
        ...(certFile ? { certFile } : {}),
      };
    });
  }

  /** The options for an HTTPS or TLS server; fails now (naming the file) if a user certificate is bad. */
  async createSecureServerOptions(policy: CertificatePolicy): Promise<SecureServerOptions> {
    await this.init();
    const compiled = this.compile(policy);
    await this.userCertificates(compiled, true);
    const fallback = await this.resolve(undefined, policy);
    return { ...compiled.contextOptions, key: fallback.keyPem, cert: fallback.certPem, SNICallback: this.sniCallback(policy) };
  }

  /** An SNICallback; a failure is reported as an event and answered with the default certificate. */
  sniCallback(policy: CertificatePolicy): SniCallback {
    return (servername, callback) => {
      this.secureContextFor(servername, policy).then(
        (context) => callback(null, context),
        (err: unknown) => {
          this.emit({ type: 'error', servername, error: asTlsError(err, servername) });
          this.secureContextFor(undefined, policy).then((context) => callback(null, context), (fallbackErr: unknown) => callback(asTlsError(fallbackErr)));
        },
      );
    };
  }

  async secureContextFor(servername: string | undefined, policy: CertificatePolicy): Promise<SecureContext> {
    const served = await this.resolve(servername, policy);
    const { optionsKey, contextOptions } = this.compile(policy);
    let context = served.contexts.get(optionsKey);
    if (!context) {
      context = createSecureContext({ ...contextOptions, key: served.keyPem, cert: served.certPem });
      served.contexts.set(optionsKey, context);
    }
    return context;
  }

  /** The certificate a handshake for `servername` gets (undefined: no SNI, i.e. the default one). */
  certificateFor(servername: string | undefined, policy: CertificatePolicy): Promise<ServedCertificate> {
    return this.resolve(servername, policy);
  }

  private async resolve(servername: string | undefined, policy: CertificatePolicy): Promise<Served> {
    await this.init();
    const compiled = this.compile(policy);
    const users = await this.userCertificates(compiled);
    const name = normalizeServername(servername);
    if (name) {
      const user = selectUserCertificate(users, name);
      if (user) return this.servedUser(user);
      const names = compiled.names.namesFor(name);
      if (names && names.dnsNames.every((n) => isPermittedDnsName(n, this.ca.permitted))) return this.leafFor(names);
      this.refuse(compiled, name, names ? 'outside-name-constraints' : 'not-allowed');
    } else if (servername) {
      this.refuse(compiled, servername, 'invalid-name');
    }
    return users[0] ? this.servedUser(users[0]) : this.leafFor(compiled.defaultNames);
  }

  private compile(policy: CertificatePolicy): CompiledPolicy {
    let compiled = this.policies.get(policy);
    if (!compiled) {
      const contextOptions = policy.contextOptions ?? {};
      compiled = {
        names: compileNamePolicy(policy.allowedNames),
        defaultNames: defaultCertificateNames(policy.defaultName),
        userFiles: policy.userCertificates ?? [],
        users: undefined,
        loadedUsers: [],
        contextOptions,
        optionsKey: JSON.stringify(contextOptions),
        refused: new Set(),
      };
      this.policies.set(policy, compiled);
    }
    return compiled;
  }

  /** With `refresh`, files changed since they were loaded are read again (a listener (re)start). */
  private userCertificates(compiled: CompiledPolicy, refresh = false): Promise<UserCertificate[]> {
    if (compiled.users && !refresh) return compiled.users;
    const loading = Promise.all(compiled.userFiles.map(async (files, i) => {
      const previous = compiled.loadedUsers[i];
      return previous && !(await isStale(previous)) ? previous : loadUserCertificate(files);
    }));
    const users = loading.then((loaded) => (compiled.loadedUsers = loaded));
    compiled.users = users;
    // A bad file fails this call; the next one tries again instead of repeating the old error.
    users.catch(() => {
      if (compiled.users === users) compiled.users = undefined;
    });
    return users;
  }

  private servedUser(user: UserCertificate): Served {
    let served = this.userServed.get(user);
    if (!served) {
      const notAfter = new Date(user.leaf.validTo);
      served = { certPem: user.certPem, keyPem: user.keyPem, notAfter, source: 'user', renewAt: Infinity, contexts: new Map() };
      this.userServed.set(user, served);
      this.userByFile.set(user.files.certFile, served);
    }
    return served;
  }

  private refuse(compiled: CompiledPolicy, servername: string, reason: 'not-allowed' | 'invalid-name' | 'outside-name-constraints'): void {
    // Once per name and listener: a scanner trying names must not flood the log.
    if (compiled.refused.has(servername) || compiled.refused.size >= 1000) return;
    compiled.refused.add(servername);
    this.emit({ type: 'refused', servername, reason });
  }

  private async leafFor(names: CertificateNames): Promise<Served> {
    const now = this.now();
    const cached = this.leaves.get(names.key);
    if (cached && now < cached.renewAt) {
      this.touch(names.key, cached);
      return cached;
    }
    if (cached && now < cached.notAfter.getTime()) {
      // Due for renewal but still valid: serve it while the new one is minted.
      this.obtain(names, true).catch((err: unknown) => this.emit({ type: 'error', servername: names.key, error: asTlsError(err, names.key) }));
      return cached;
    }
    return this.obtain(names, cached !== undefined);
  }

  /** Disk or a new mint, shared by every caller asking for the same certificate meanwhile. */
  private obtain(names: CertificateNames, renewal: boolean): Promise<Served> {
    let pending = this.inflight.get(names.key);
    if (!pending) {
      pending = this.fetch(names, renewal).finally(() => this.inflight.delete(names.key));
      this.inflight.set(names.key, pending);
    }
    return pending;
  }

  private async fetch(names: CertificateNames, renewal: boolean): Promise<Served> {
    const renewBeforeMs = (this.options.renewBeforeDays ?? 30) * DAY_MS;
    const list = [...names.dnsNames, ...names.ipAddresses];
    const fromDisk = renewal ? undefined : await this.disk?.read(names, this.now() + renewBeforeMs);
    let served: Served;
    if (fromDisk) {
      served = { ...fromDisk, source: 'minted', renewAt: fromDisk.notAfter.getTime() - renewBeforeMs, contexts: new Map() };
      this.counts.loadedFromDisk++;
      this.emit({ type: 'loaded', names: list, file: this.disk!.fileFor(names) });
    } else {
      const started = performance.now();
      let leaf;
      try {
        leaf = await this.minter!.mint(names, new Date(this.now()));
      } catch (err) {
        throw new TlsError('mint-failed', `Could not mint a certificate for ${list.join(', ')}: ${reasonOf(err)}`);
      }
      served = { certPem: leaf.certPem, keyPem: leaf.keyPem, notAfter: leaf.notAfter, source: 'minted', renewAt: leaf.notAfter.getTime() - renewBeforeMs, contexts: new Map() };
      this.counts.minted++;
      if (renewal) this.counts.renewed++;
      this.emit({ type: 'minted', names: list, ms: performance.now() - started, renewal });
      this.persist(names, served);
    }
    this.touch(names.key, served);
    return served;
  }

  private persist(names: CertificateNames, served: Served): void {
    if (!this.disk) return;
    const file = this.disk.fileFor(names);
    const write = this.disk.write(names, served).catch((err: unknown) => {
      this.emit({ type: 'error', servername: names.key, error: new TlsError('certificate-unreadable', `Could not cache the certificate in ${file}: ${reasonOf(err)}`, file) });
    });
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Keeps the memory cache in least-recently-used order and within its limit. */
  private touch(key: string, served: Served): void {
    this.leaves.delete(key);
    this.leaves.set(key, served);
    const limit = this.options.memoryLimit ?? 2000;
    while (this.leaves.size > limit) this.leaves.delete(this.leaves.keys().next().value!);
  }

  private emit(event: CertificateEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's bug must not break a handshake.
    }
  }
}

/** `DNS:a.localhost` → `a.localhost`; `IP Address:0:0:0:0:0:0:0:1` → `::1`, as people write it. */
function altName(entry: string): string {
  const value = entry.replace(/^(DNS|IP Address):/, '');
  return value.includes(':') ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value;
}

function asTlsError(err: unknown, servername?: string): TlsError {
  if (err instanceof TlsError) return err;
  return new TlsError('mint-failed', `Certificate lookup${servername ? ` for ${servername}` : ''} failed: ${reasonOf(err)}`);
}
