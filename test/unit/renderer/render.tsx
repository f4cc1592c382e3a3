// Renders a screen inside the real stores over a FakeClient, with traffic flushed synchronously.
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { BerthProvider, createStores } from '../../../renderer/state/index.js';
import type { FakeClient } from './fake-client.js';

export function renderScreen(ui: ReactNode, client: FakeClient) {
  const stores = createStores(client, { schedule: (flush) => queueMicrotask(flush) });
  return { stores, ...render(<BerthProvider stores={stores}>{ui}</BerthProvider>) };
}
