// @vitest-environment jsdom
// Certificates (what the state offers, and the CLI for what the contract does not) and Export
// (CloudFormation/Terraform preview with warnings): loading, error, empty and data.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { CertificatesScreen } from '../../../renderer/views/certificates/certificates-view.js';
import { ExportScreen } from '../../../renderer/views/export/export-view.js';
import { FakeClient } from './fake-client.js';
import { demoConfig, engineState } from './fixtures.js';
import { renderScreen } from './render.js';

afterEach(cleanup);

describe('certificates', () => {
  it('loading and error', async () => {
    renderScreen(<CertificatesScreen />, new FakeClient().answer('getState', 'pending'));
    expect(screen.getByRole('status')).toBeTruthy();
    cleanup();
    renderScreen(<CertificatesScreen />, new FakeClient().answer('getState', new Error('gone')));
    expect((await screen.findByRole('alert')).textContent).toContain('gone');
  });

  it('empty: how to add an HTTPS listener, and the CLI for the CA', async () => {
    renderScreen(<CertificatesScreen />, new FakeClient().answer('getState', engineState()));
    expect((await screen.findByTestId('certificates-empty')).textContent).toContain('certificates: auto');
    expect(screen.getByText(/not offered by Berth’s control API yet/)).toBeTruthy();
    expect(screen.getByText('berth ca trust')).toBeTruthy();
  });

  it('data: HTTPS listeners with auto certificates and the names they cover', async () => {
    const config = structuredClone(demoConfig);
    config.loadBalancers![0]!.listeners!.push({ port: 8443, protocol: 'HTTPS', certificates: 'auto', hostnames: ['admin.app.localhost'], defaultAction: { forward: 'app' }, rules: [{ priority: 1, conditions: { hostHeader: ['app.localhost'] }, action: { forward: 'app' } }] });
    renderScreen(<CertificatesScreen />, new FakeClient().answer('getState', engineState({}, config)));
    const row = (await screen.findByText(/web 8443\/HTTPS/)).closest('tr')!;
    expect(row.textContent).toContain('auto (local CA)');
    expect(row.textContent).toContain('app.localhost, admin.app.localhost');
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
