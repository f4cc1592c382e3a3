// @vitest-environment jsdom
// Certificates (the CA, trust per store, the certificates served, Trust / Untrust / Export) and
// Export (CloudFormation/Terraform preview with warnings; the Import pane with problems, proposed
// selectors and Apply): loading, error, empty and data, and what each button asks Berth to do.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { CertificatesResult, ImportConfigResult, MethodInput, TrustCaResult } from '../../../shared/contract/index.js';
import { CertificatesScreen } from '../../../renderer/views/certificates/certificates-view.js';
import { ExportScreen } from '../../../renderer/views/export/export-view.js';
import { FakeClient } from './fake-client.js';
import { demoConfig, engineState } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

const FINGERPRINT = 'ab12'.repeat(16);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const files = { certFile: '/home/dev/.local/share/berth/ca/root.pem', keyFile: '/home/dev/.local/share/berth/ca/root-key.pem' };
const nss = { store: 'nss:/home/dev/.pki/nssdb', label: 'Chromium/Chrome NSS database' };

function certificates(overrides: Partial<CertificatesResult> = {}): CertificatesResult {
  return {
    ca: { state: 'ok', ...files, subject: 'CN=Berth local CA dev@laptop,O=Berth', fingerprint: FINGERPRINT, notBefore: inDays(-2), notAfter: inDays(3650), nameConstraints: ['localhost', '.localhost', '127.0.0.1'] },
    stores: [
      { store: 'linux-system', label: 'Linux system store', state: 'not-trusted', detail: 'not in /usr/local/share/ca-certificates' },
      { ...nss, state: 'trusted', detail: '"Berth local CA ab12ab12ab12ab12" (C,,)' },
      { store: 'nss:/home/dev/.mozilla/firefox/x.default', label: 'Firefox profile x.default', state: 'other-root', detail: '"Berth local CA 0000000000000000": an older Berth root, not the current one' },
    ],
    runtimes: [{ variable: 'NODE_EXTRA_CA_CERTS', readers: 'Node.js (ignores the OS store)', value: files.certFile, current: 'unset' }],
    certificates: [
      { names: ['app.localhost'], serial: '5A3F9C01', notBefore: inDays(-1), notAfter: inDays(396), source: 'minted' },
      { names: ['api.dev.example.com'], serial: '0F', notBefore: inDays(-100), notAfter: inDays(12), source: 'user', certFile: '/home/dev/certs/api.pem' },
    ],
    stats: { minted: 1, renewed: 0, loadedFromDisk: 0, inMemory: 1 },
    ...overrides,
  };
}

const trustResult = (outcome: 'done' | 'failed'): TrustCaResult => ({
  fingerprint: FINGERPRINT,
  results: [
    outcome === 'failed'
      ? { store: 'linux-system', label: 'Linux system store', outcome: 'failed', detail: 'sudo exited with 1: sudo: a terminal is required to read the password' }
      : { store: 'linux-system', label: 'Linux system store', outcome: 'done', detail: '/usr/local/share/ca-certificates/berth-ab12ab12ab12ab12.crt added' },
    { ...nss, outcome: 'done', detail: 'added as "Berth local CA ab12ab12ab12ab12"' },
  ],
  stores: [],
});

const blobText = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });

const client = (answer: CertificatesResult | Error | 'pending' = certificates()) => new FakeClient().answer('getState', engineState()).answer('getCertificates', answer);

describe('certificates', () => {
  it('loading, then an error naming what failed', async () => {
    renderScreen(<CertificatesScreen />, client('pending'));
    expect((await screen.findByText(/Loading the certificates/)).getAttribute('role')).toBe('status');
    cleanup();
    renderScreen(<CertificatesScreen />, client(new Error('control API gone')));
    expect((await screen.findByRole('alert')).textContent).toContain('control API gone');
  });

  it('no CA yet: says when it will be made, no certificates, and how to add an HTTPS listener', async () => {
    renderScreen(<CertificatesScreen />, client(certificates({ ca: { state: 'absent', ...files }, stores: [{ ...nss, state: 'not-trusted', detail: 'no Berth root' }], runtimes: [], certificates: [], stats: { minted: 0, renewed: 0, loadedFromDisk: 0, inMemory: 0 } })));
    expect((await screen.findByTestId('ca-absent')).textContent).toContain('No CA yet — created when an HTTPS or TLS listener first needs it');
    expect(within(screen.getByTestId('ca-card')).getByText('no CA yet', { selector: '.pill' })).toBeTruthy();
    expect(screen.getByTestId('certificates-none').textContent).toContain('None yet');
    expect(screen.getByTestId('certificates-empty').textContent).toContain('certificates: auto');
    expect(within(screen.getByTestId(`store-${nss.store}`)).getByText('no CA yet')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Untrust' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a CA that cannot be read is shown with its reason, and cannot be exported', async () => {
    renderScreen(<CertificatesScreen />, client(certificates({ ca: { state: 'error', ...files, message: `The Berth CA key ${files.keyFile} is missing` } })));
    expect((await screen.findByTestId('ca-error')).textContent).toContain('root-key.pem is missing');
    expect((screen.getByRole('button', { name: 'Export PEM…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('data: the CA, each store with its reason, the certificates served, the runtime variables', async () => {
    renderScreen(<CertificatesScreen />, client());
    const facts = await screen.findByTestId('ca-facts');
    expect(facts.textContent).toContain('CN=Berth local CA dev@laptop');
    expect(facts.textContent).toContain(`ab:12:ab:12`);
    expect(facts.textContent).toMatch(/\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(3649 days left\)/);
    expect(within(facts).getByText('.localhost')).toBeTruthy();
    expect(facts.textContent).toContain(files.keyFile);
    expect(screen.getByText('a store trusts an older root', { selector: '.pill' })).toBeTruthy();
    const system = screen.getByTestId('store-linux-system');
    expect(system.textContent).toContain('not trusted');
    expect(system.textContent).toContain('not in /usr/local/share/ca-certificates');
    expect(screen.getByTestId(`store-${nss.store}`).textContent).toContain('trusted');
    expect(screen.getByText('older root', { selector: '.pill' }).closest('tr')!.textContent).toContain('an older Berth root');
    expect(screen.getByText(/Untrust, then Trust, replaces it/)).toBeTruthy();
    const [minted, user] = screen.getAllByTestId('served-certificate');
    expect(minted!.textContent).toContain('app.localhost');
    expect(minted!.textContent).toContain('minted');
    expect(minted!.textContent).toContain('5A3F9C01');
    expect(user!.textContent).toContain('your file');
    expect(user!.textContent).toContain('/home/dev/certs/api.pem');
    expect(within(user!).getByText(/^1[12] days$/).className).toContain('warn');
    expect(screen.getByTestId('runtime-variables').textContent).toContain(`export NODE_EXTRA_CA_CERTS=${files.certFile}`);
  });

  it('Trust asks first, naming the stores; Cancel changes nothing; confirmed, each store’s outcome is shown and the status read again', async () => {
    const c = client().answer('trustCa', trustResult('failed'));
    renderScreen(<CertificatesScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'Trust…' }));
    const dialog = screen.getByRole('dialog', { name: 'trust the root' });
    expect(dialog.textContent).toContain('Linux system store');
    expect(dialog.textContent).toContain('Firefox profile x.default');
    expect(dialog.textContent).toContain('only for localhost, .localhost, 127.0.0.1');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(c.callsOf('trustCa')).toEqual([]);
    const reads = c.callsOf('getCertificates').length;
    fireEvent.click(screen.getByRole('button', { name: 'Trust…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Trust the root' }));
    const results = await screen.findByTestId('trust-results');
    expect(c.callsOf('trustCa')).toEqual([{}]);
    expect(results.textContent).toContain('Trust: 1 of 2 stores failed');
    expect(within(results).getByText('failed').closest('tr')!.textContent).toContain('a terminal is required to read the password');
    expect(within(results).getByText('done').closest('tr')!.textContent).toContain('Chromium/Chrome NSS database');
    await waitFor(() => expect(c.callsOf('getCertificates').length).toBeGreaterThan(reads));
  });

  it('Untrust removes the root and shows each store’s outcome; a failed call is shown as an error', async () => {
    const c = client().answer('untrustCa', { fingerprint: FINGERPRINT, results: [{ ...nss, outcome: 'done', detail: 'removed "Berth local CA ab12ab12ab12ab12"' }], stores: [] });
    renderScreen(<CertificatesScreen />, c);
    fireEvent.click(await screen.findByRole('button', { name: 'Untrust' }));
    expect((await screen.findByTestId('trust-results')).textContent).toContain('removed "Berth local CA');
    expect(c.callsOf('untrustCa')).toEqual([{}]);
    c.answer('untrustCa', new Error('Berth was stopped'));
    fireEvent.click(screen.getByRole('button', { name: 'Untrust' }));
    expect((await screen.findByTestId('trust-error')).textContent).toContain('Untrust failedBerth was stopped');
  });

  describe('export', () => {
    let saved: { name: string; blob: Blob }[];
    let clipboard: string[];
    beforeEach(() => {
      saved = [];
      clipboard = [];
      const blobs = new Map<string, Blob>();
      URL.createObjectURL = (blob: Blob) => {
        const url = `blob:test/${blobs.size}`;
        blobs.set(url, blob);
        return url;
      };
      URL.revokeObjectURL = () => undefined;
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push({ name: this.download, blob: blobs.get(this.href)! });
      });
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void clipboard.push(t) } });
    });
    afterEach(() => vi.restoreAllMocks());

    it('Export PEM saves the root as a file; Copy PEM puts it on the clipboard', async () => {
      const c = client().answer('exportCa', { certPem: PEM, certFile: files.certFile, created: false });
      renderScreen(<CertificatesScreen />, c);
      fireEvent.click(await screen.findByRole('button', { name: 'Export PEM…' }));
      await waitFor(() => expect(saved).toHaveLength(1));
      expect(saved[0]!.name).toBe('berth-root-ca.pem');
      expect(await blobText(saved[0]!.blob)).toBe(PEM);
      fireEvent.click(screen.getByRole('button', { name: 'Copy PEM' }));
      await waitFor(() => expect(clipboard).toEqual([PEM]));
      expect(await screen.findByText('Root certificate (PEM) copied.')).toBeTruthy();
      expect(c.callsOf('exportCa')).toEqual([{}, {}]);
    });
  });

  it('listeners with auto certificates and the names they cover', async () => {
    const config = structuredClone(demoConfig);
    config.loadBalancers![0]!.listeners!.push({ port: 8443, protocol: 'HTTPS', certificates: 'auto', hostnames: ['admin.app.localhost'], defaultAction: { forward: 'app' }, rules: [{ priority: 1, conditions: { hostHeader: ['app.localhost'] }, action: { forward: 'app' } }] });
    renderScreen(<CertificatesScreen />, new FakeClient().answer('getState', engineState({}, config)).answer('getCertificates', certificates()));
    const row = (await screen.findByText(/web 8443\/HTTPS/)).closest('tr')!;
    expect(row.textContent).toContain('auto (local CA)');
    expect(row.textContent).toContain('localhost, *.localhost, app.localhost, admin.app.localhost');
  });
});

describe('export', () => {
  it('loading', () => {
    renderScreen(<ExportScreen />, new FakeClient().answer('getState', engineState()).answer('exportConfig', 'pending'));
    expect(screen.getByRole('status').textContent).toContain('Loading the export');
  });

  it('error', async () => {
    renderScreen(<ExportScreen />, new FakeClient().answer('getState', engineState()).answer('exportConfig', new Error('exporter failed')));
    expect((await screen.findByRole('alert')).textContent).toContain('exporter failed');
  });

  it('empty config: says the export holds only scaffolding', async () => {
    renderScreen(<ExportScreen />, new FakeClient().answer('getState', engineState({ loadBalancers: [] }, { loadBalancers: [], targetGroups: [] })).answer('exportConfig', { text: 'Resources: {}', warnings: [] }));
    expect((await screen.findByTestId('export-empty')).textContent).toContain('no load balancers');
  });

  it('data: preview with warnings and ECS wiring; Terraform on request', async () => {
    const c = new FakeClient()
      .answer('getState', engineState())
      .answer('exportConfig', ({ format }) => (format === 'terraform' ? { text: 'resource "aws_lb" "web" {}', warnings: [] } : { text: 'AWSTemplateFormatVersion: "2010-09-09"', warnings: ['app.localhost only resolves locally'], ecs: 'LoadBalancers: []' }));
    renderScreen(<ExportScreen />, c);
    expect((await screen.findByTestId('export-text')).textContent).toContain('AWSTemplateFormatVersion');
    expect(screen.getByText('app.localhost only resolves locally')).toBeTruthy();
    expect(screen.getByText('ECS service wiring')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Terraform' }));
    await waitFor(() => expect(screen.getByTestId('export-text').textContent).toContain('aws_lb'));
    expect(c.callsOf('exportConfig')).toEqual([{ format: 'cloudformation', syntax: 'yaml' }, { format: 'terraform' }]);
  });
});

describe('import', () => {
  const TEMPLATE = 'Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n';
  const imported = (input: MethodInput<'importConfig'>): ImportConfigResult => {
    const orders = input.selectors?.orders;
    return {
      format: 'cloudformation',
      yaml: `loadBalancers:\n  - name: shop\ntargetGroups:\n  - name: orders\n${orders ? `    targets: { docker: { composeService: ${orders.composeService}, containerPort: ${orders.containerPort} } }\n` : ''}`,
      config: { loadBalancers: [{ name: 'shop', listeners: [] }], targetGroups: [{ name: 'orders', protocol: 'HTTP', targets: orders ? { docker: orders } : {} }] } as never,
      problems: [
        { severity: 'warning', code: 'unsupported-attribute', message: 'attribute waf.fail_open.enabled = true has no Berth equivalent; ignored', where: 'stack.yaml:12:7 Lb', line: 12, column: 7, resource: 'Lb' },
        ...(orders ? [] : [{ severity: 'warning' as const, code: 'no-targets', message: 'target group orders has no Docker selector; add targets.docker to berth.yaml', where: 'stack.yaml orders', resource: 'orders' }]),
      ],
      proposals: orders ? [] : [{ targetGroup: 'orders', selector: { composeProject: 'shop', composeService: 'orders-svc', containerPort: 8080 }, reason: 'name similarity 80% with compose service orders-svc', confidence: 0.8 }],
    };
  };
  const open = async (c: FakeClient) => {
    renderScreen(<ExportScreen />, c);
    fireEvent.click(await screen.findByRole('tab', { name: 'Import from AWS' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'template text' }), { target: { value: TEMPLATE } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview berth.yaml' }));
  };
  const base = () => new FakeClient().answer('getState', engineState()).answer('exportConfig', { text: 'Resources: {}', warnings: [] });

  it('a pasted template: berth.yaml, problems with their place in the file, a proposal to confirm and edit', async () => {
    const c = base().answer('importConfig', imported);
    await open(c);
    expect((await screen.findByTestId('import-yaml')).textContent).toContain('name: orders');
    expect(c.callsOf('importConfig')).toEqual([{ text: TEMPLATE }]);
    const problems = screen.getAllByTestId('import-problem').map((p) => p.textContent);
    expect(problems[0]).toContain('stack.yaml:12:7 Lb');
    expect(problems[0]).toContain('waf.fail_open.enabled');
    expect(problems[1]).toContain('orders has no Docker selector');
    const proposal = screen.getByTestId('proposal-orders');
    expect(proposal.textContent).toContain('name similarity 80%');
    expect((screen.getByRole('checkbox', { name: 'use the proposal for orders' }) as HTMLInputElement).checked).toBe(false);
    fireEvent.change(screen.getByRole('textbox', { name: 'compose service for orders' }), { target: { value: 'orders' } });
    await waitFor(() => expect(screen.getByTestId('import-yaml').textContent).toContain('composeService: orders, containerPort: 8080'));
    expect(c.callsOf('importConfig').at(-1)).toEqual({ text: TEMPLATE, selectors: { orders: { composeProject: 'shop', composeService: 'orders', containerPort: 8080 } } });
    // The proposal stays on screen to be changed again, though the file now has its selector.
    expect((screen.getByRole('checkbox', { name: 'use the proposal for orders' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'use the proposal for orders' }));
    await waitFor(() => expect(c.callsOf('importConfig').at(-1)).toEqual({ text: TEMPLATE }));
    await waitFor(() => expect(screen.getByTestId('import-yaml').textContent).not.toContain('composeService'));
  });

  it('Apply to berth.yaml asks first, then sends the imported config to updateConfig; refusals are listed', async () => {
    const c = base().answer('importConfig', imported).answer('updateConfig', { ok: true, problems: [] });
    await open(c);
    fireEvent.click(await screen.findByRole('button', { name: 'Apply to berth.yaml' }));
    const dialog = screen.getByRole('dialog', { name: 'apply the import' });
    expect(dialog.textContent).toContain('/home/dev/shop/berth.yaml');
    expect(c.callsOf('updateConfig')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply' }));
    expect((await screen.findByTestId('import-applied')).textContent).toContain('Saved to /home/dev/shop/berth.yaml and applied.');
    expect(c.callsOf('updateConfig')).toEqual([{ config: imported({ text: TEMPLATE }).config, source: 'import' }]);
    c.answer('updateConfig', { ok: false, problems: [{ path: 'targetGroups[0].targets', line: 4, column: 5, message: 'a target group needs targets' }] });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to berth.yaml' }));
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const refused = await screen.findByTestId('import-refused');
    expect(refused.textContent).toContain('targetGroups[0].targets');
    expect(refused.textContent).toContain('a target group needs targets');
  });

  it('a chosen file is read and previewed under its name; in zero-config mode nothing can be applied', async () => {
    const c = new FakeClient().answer('getState', engineState({ mode: 'zero-config', configFile: undefined } as never)).answer('exportConfig', { text: '', warnings: [] }).answer('importConfig', imported);
    renderScreen(<ExportScreen />, c);
    fireEvent.click(await screen.findByRole('tab', { name: 'Import from AWS' }));
    const file = new File(['resource "aws_lb" "shop" {}\n'], 'main.tf', { type: 'text/plain' });
    fireEvent.change(screen.getByLabelText('choose a template file'), { target: { files: [file] } });
    await screen.findByTestId('import-yaml');
    expect(c.callsOf('importConfig')).toEqual([{ text: 'resource "aws_lb" "shop" {}\n', fileName: 'main.tf' }]);
    expect(screen.getByText('main.tf')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Apply to berth.yaml' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/no file to apply this to/)).toBeTruthy();
  });

  it('errors only AWS would refuse still give a berth.yaml, and say so', async () => {
    const c = base().answer('importConfig', (input) => ({ ...imported(input), problems: [{ severity: 'error', code: 'elb-rule', message: 'target group app is already used by another load balancer', where: 'template.yaml:88:3 WebRule10', line: 88, column: 3, resource: 'WebRule10' }] }));
    await open(c);
    expect((await screen.findByTestId('import-problems')).textContent).toContain('1 error — rules AWS would refuse; Berth runs the config as it is');
    expect(screen.getByTestId('import-yaml')).toBeTruthy();
  });

  it('nothing to import: the errors with their places; a failed call is an error', async () => {
    const c = base().answer('importConfig', { format: 'cloudformation', problems: [{ severity: 'error', code: 'syntax', message: 'Flow sequence in block collection must be sufficiently indented', where: 'template.yaml:1:12', line: 1, column: 12 }], proposals: [] });
    await open(c);
    expect((await screen.findByTestId('import-nothing')).textContent).toContain('1 error above');
    expect(screen.getByTestId('import-problem').textContent).toContain('template.yaml:1:12');
    expect(screen.queryByRole('button', { name: 'Apply to berth.yaml' })).toBeNull();
    c.answer('importConfig', new Error('the body is larger than 1 MiB'));
    fireEvent.click(screen.getByRole('button', { name: 'Preview berth.yaml' }));
    expect((await screen.findByRole('alert')).textContent).toContain('larger than 1 MiB');
  });
});
